"""Sources: who speaks or publishes, their other names, origin group and reliability.

Fact-checkers and editors both edit a source's reliability (A to F) and its origin
group here. A new origin changes who is independent of whom, so ``source_update``
rechecks the events concerned. The aliases inline lists the other names the source goes
by ("Al Qaeda-linked group JNIM" for JNIM): importing an article matches claimants to
sources by name or alias. The whole list is saved through ``source_update``, which
refuses an alias that already names another source and keeps each change in the history.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html

from claims import services
from claims.models import Attribution, Claim, Source, SourceAlias

from . import display
from .base import REFUSAL_ATTR, DeskAdmin, DeskInlineFormSet, StampedForm, refused_as_form_errors
from .events import count_of

EDIT_FIELDS = ["name", "kind", "origin", "reliability", "url", "notes"]


class SourceForm(StampedForm):
    class Meta:
        model = Source
        fields = EDIT_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Left empty, the service makes the source its own origin.
        self.fields["origin"].required = False


class AliasInline(admin.TabularInline):
    """The source's other names; saved as one list through ``source_update``."""

    model = SourceAlias
    formset = DeskInlineFormSet
    fields = ["name"]
    extra = 1
    verbose_name = "other name (alias)"
    verbose_name_plural = "Other names (aliases): matched when articles are imported"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("claims.change_source")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("claims.change_source")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Removing a name is an edit of the source (kept in the alias's history).
        return request.user.has_perm("claims.change_source")

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any):  # type: ignore[no-untyped-def]
        formset = super().get_formset(request, obj, **kwargs)
        refusal = getattr(request, REFUSAL_ATTR, None)
        return type(formset.__name__, (formset,), {"refusal": refusal}) if refusal else formset


@admin.register(Source)
class SourceAdmin(DeskAdmin):
    form = SourceForm
    inlines = [AliasInline]
    list_display = ["name", "kind", "origin", "reliability_col", "claims_col", "attributions_col"]
    list_filter = ["kind", "reliability"]
    search_fields = ["name", "origin", "aliases__name"]
    search_help_text = "Search the name, another name it goes by, or the origin group."

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

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        return super().changelist_view(request, {"title": "Sources", **(extra_context or {})})

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

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        if formset.model is not SourceAlias or not formset.has_changed():
            return
        deleted = set(formset.deleted_forms)
        aliases = [
            row.cleaned_data["name"]
            for row in formset.forms
            if row not in deleted
            and getattr(row, "cleaned_data", None)
            and row.cleaned_data.get("name")
        ]
        index = next((i for i, row in enumerate(formset.forms) if row.has_changed()), 0)
        with refused_as_form_errors(formset_prefix=formset.prefix, form_index=index):
            services.source_update(
                source=form.instance,
                by=request.user,
                aliases=aliases,
                reason=form.cleaned_data.get("reason") or "Other names edited in the admin",
            )

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Source | None = None,
    ) -> HttpResponse:
        if obj is not None and obj.pk is not None:
            context.update(
                {
                    "desk": True,
                    "source": obj,
                    "claim_count": Claim.objects.filter(claimant=obj).count(),
                    "attribution_count": Attribution.objects.filter(source=obj).count(),
                    "claims_url": reverse("admin:claims_claim_changelist")
                    + f"?claimant__id__exact={obj.pk}",
                    "attributions_url": reverse("admin:claims_attribution_changelist")
                    + f"?source__id__exact={obj.pk}&verification=all",
                }
            )
        return super().render_change_form(request, context, add, change, form_url, obj)
