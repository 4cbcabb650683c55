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
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from claims import services
from claims.models import Attribution, Claim, Source, SourceAlias

from . import display
from .base import DeskAdmin, SavedThrough
from .forms import NewRowsFormSet, StampedForm
from .refusals import refused_as_form_errors

EDIT_FIELDS = list(services.SOURCE_FIELDS)  # the service's own list, in its order


class SourceForm(StampedForm):
    class Meta:
        model = Source
        fields = EDIT_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Left empty, the service makes the source its own origin.
        self.fields["origin"].required = False


class AliasFormSet(NewRowsFormSet):
    """The source's other names, saved as one list (``SourceAdmin.save_formset``)."""

    adds_rows = False  # not rows of their own: one service call for the whole list


class AliasInline(admin.TabularInline):
    """The source's other names; saved as one list through ``source_update``."""

    model = SourceAlias
    formset = AliasFormSet
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


@admin.register(Source)
class SourceAdmin(DeskAdmin):
    form = SourceForm
    inlines = [AliasInline]
    list_title = "Sources"
    legend = ("reliability",)
    list_display = ["name", "kind", "origin", "reliability_col", "claims_col", "attributions_col"]
    list_filter = ["kind", "reliability"]
    search_fields = ["name", "origin", "aliases__name"]
    search_help_text = "Search the name, another name it goes by, or the origin group."
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
