"""Sources: who speaks or publishes, their origin group and Admiralty reliability.

Fact-checkers and editors both edit a source's reliability (A to F) and its origin
group here. A new origin changes who is independent of whom, so ``source_update``
rechecks the events concerned.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from claims import services
from claims.models import Attribution, Claim, Source

from . import display
from .base import DeskAdmin, SavedThrough
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
    list_counts = {
        "claim_count": (Claim.objects.all(), "claimant"),
        "attribution_count": (Attribution.objects.all(), "source"),
    }
    page_fields = [("name", "kind"), ("origin", "reliability"), "url", "notes"]
    saved_through = SavedThrough(
        creates=services.source_create, updates=services.source_update, noun="source",
        fields=EDIT_FIELDS,
    )  # fmt: skip

    @admin.display(description="Reliability", ordering="reliability")
    def reliability_col(self, obj: Source) -> str:
        return format_html(
            "{} {}", display.reliability_badge(obj), obj.get_reliability_display().split(": ")[-1]
        )

    claims_col = display.column(
        "Claims made",
        lambda source: display.count_link(
            reverse("admin:claims_claim_changelist") + f"?claimant__id__exact={source.pk}",
            source.claim_count,
        ),
        ordering="claim_count",
    )
    attributions_col = display.column(
        "Attributed",
        lambda source: display.count_link(
            reverse("admin:claims_attribution_changelist")
            + f"?source__id__exact={source.pk}&verification=all",
            source.attribution_count,
        ),
        ordering="attribution_count",
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
