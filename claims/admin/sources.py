"""Sources: who speaks or publishes, their origin group and Admiralty reliability.

Fact-checkers and editors both edit a source's reliability (A to F) and its origin
group here. A new origin changes who is independent of whom, so ``source_update``
rechecks the events concerned.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from claims import services
from claims.models import Attribution, Claim, Source

from . import display
from .base import DeskAdmin, count_of
from .forms import StampedForm

EDIT_FIELDS = ["name", "kind", "origin", "reliability", "url", "notes"]


class SourceForm(StampedForm):
    class Meta:
        model = Source
        fields = EDIT_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Left empty, the service makes the source its own origin.
        self.fields["origin"].required = False


@admin.register(Source)
class SourceAdmin(DeskAdmin):
    form = SourceForm
    list_title = "Sources"
    legend = ("reliability",)
    list_display = ["name", "kind", "origin", "reliability_col", "claims_col", "attributions_col"]
    list_filter = ["kind", "reliability"]
    search_fields = ["name", "origin"]
    search_help_text = "Search the name or the origin group."

    def get_queryset(self, request: HttpRequest) -> QuerySet[Source]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                claim_count=count_of(Claim.objects.all(), "claimant"),
                attribution_count=count_of(Attribution.objects.all(), "source"),
            )
        )

    @admin.display(description="Reliability", ordering="reliability")
    def reliability_col(self, obj: Source) -> str:
        return format_html(
            "{} {}", display.reliability_badge(obj), obj.get_reliability_display().split(": ")[-1]
        )

    @admin.display(description="Claims made", ordering="claim_count")
    def claims_col(self, obj: Source) -> str:
        return format_html(
            '<a href="{}?claimant__id__exact={}">{}</a>',
            reverse("admin:claims_claim_changelist"),
            obj.pk,
            obj.claim_count,  # type: ignore[attr-defined]
        )

    @admin.display(description="Attributed", ordering="attribution_count")
    def attributions_col(self, obj: Source) -> str:
        return format_html(
            '<a href="{}?source__id__exact={}&verification=all">{}</a>',
            reverse("admin:claims_attribution_changelist"),
            obj.pk,
            obj.attribution_count,  # type: ignore[attr-defined]
        )

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        fields: list[Any] = [
            ("name", "kind"),
            ("origin", "reliability"),
            "url",
            "notes",
        ]
        if obj is not None and self.has_change_permission(request, obj):
            fields += ["reason", "loaded_at"]
        return [(None, {"fields": fields})]

    def save_model(self, request: HttpRequest, obj: Source, form: Any, change: bool) -> None:
        self.save_through_services(
            request,
            obj,
            form,
            change,
            fields=EDIT_FIELDS,
            create=services.source_create,
            update=lambda obj, **kw: services.source_update(source=obj, **kw),
        )

    def page_context(self, request: HttpRequest, obj: Source) -> dict[str, Any]:
        return {
            "desk": True,
            "source": obj,
            "claim_count": Claim.objects.filter(claimant=obj).count(),
            "attribution_count": Attribution.objects.filter(source=obj).count(),
            "claims_url": reverse("admin:claims_claim_changelist")
            + f"?claimant__id__exact={obj.pk}",
            "attributions_url": reverse("admin:claims_attribution_changelist")
            + f"?source__id__exact={obj.pk}&verification=all",
        }
