"""Sources to check: the fact-checkers' queue of attributions, and the attribution page.

Unverified attributions come first (and are all the queue shows until another
filter is chosen), each with its quote, its link and the claim it supports.
"Mark verified" and "Reject" (with a reason) are one click each, from the list and
from the page; the service records who and when.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from claims import services
from claims.conflicts import Figure, Scope, Stance
from claims.corroboration import verification_effect
from claims.counts import describe
from claims.models import Attribution
from claims.selectors import figure_of, origin_key, readable

from . import display
from .base import EXPORT_CHUNK, DeskAdmin, SavedThrough, bulk_action, button
from .filters import SourceKindFilter, VerificationFilter
from .forms import VersionedForm

EDIT_FIELDS = list(services.ATTRIBUTION_FIELDS)  # the service's own list, in its order


class AttributionForm(VersionedForm):
    class Meta:
        model = Attribution
        fields = ["claim", *EDIT_FIELDS]
        labels = {"count_text": "Count as written", "url": "Link", "archive_url": "Archived copy"}
        widgets = {
            "quote": forms.Textarea(attrs={"rows": 3, "cols": 80}),
            "url": forms.URLInput(attrs={"size": 50}),
            "archive_url": forms.URLInput(attrs={"size": 50}),
        }


def verification_effect_of(attribution: Attribution) -> str:
    """What verifying this attribution would decide for its claim (claims.corroboration)."""
    claim = attribution.claim

    def figure(text: str, low: int | None, high: int | None, qualifier: str) -> Figure | None:
        return None if low is None else figure_of(text, low, high, qualifier)

    claim_figure = figure(
        claim.count_text, claim.count_low, claim.count_high, claim.count_qualifier
    )
    assert claim_figure is not None
    return verification_effect(
        stance=Stance(attribution.stance),
        disputes=Scope(attribution.disputes) if attribution.disputes else None,
        same_origin=origin_key(attribution.source.origin) == origin_key(claim.claimant.origin),
        figure=figure(
            attribution.count_text,
            attribution.count_low,
            attribution.count_high,
            attribution.count_qualifier,
        ),
        claim_figure=claim_figure,
    )


@admin.register(Attribution)
class AttributionAdmin(DeskAdmin):
    form = AttributionForm
    list_title = "Sources to check"
    legend = ("reliability", "stances")
    export_name = "sources-to-check"
    buttons = (("verify", "verify"), ("reject", "reject"))
    list_display = [
        "verification_col", "source_col", "stance", "quote_col", "link_col", "claim_col",
        "count_col", "effect_col", "row_actions",
    ]  # fmt: skip
    row_actions_permission = "claims.verify_attribution"
    list_display_links = ["quote_col"]
    list_filter = [VerificationFilter, "stance", SourceKindFilter, "source__reliability"]
    # Unverified first (the index "attribution_check_order"), oldest first.
    ordering = ["verification_rank", "created_at", "id"]
    search_fields = ["quote", "source__name", "claim__event__title", "url"]
    search_help_text = "Search the quote, the source, the claim's event, or the link."
    autocomplete_fields = ["claim", "source"]
    actions = ["mark_verified"]
    page_fields = [
        "claim_link", ("source", "stance", "disputes"), ("count_text", "interval"), "quote",
        ("url", "archive_url"), "published_at",
    ]  # fmt: skip
    saved_through = SavedThrough(
        creates=services.attribution_create, updates=services.attribution_update,
        noun="attribution", fields=EDIT_FIELDS, create_fields=["claim", *EDIT_FIELDS],
    )  # fmt: skip

    def get_queryset(self, request: HttpRequest) -> QuerySet[Attribution]:
        return (
            super()
            .get_queryset(request)
            .select_related("source", "claim__event", "claim__claimant", "verified_by")
            .defer("claim__made_at")  # not shown here; one out of range would fail the page
        )

    def list_context(self, request: HttpRequest) -> dict[str, Any]:
        return {"can_verify": request.user.has_perm("claims.verify_attribution")}

    # --- Columns ---
    verification_col = display.column(
        "Checked", display.verification_html, ordering="verification_rank"
    )

    source_col = display.column(
        "Source",
        lambda a: display.source_html(
            a.source,
            reverse("admin:claims_source_change", args=[a.source_id]),
            f"{a.source.get_kind_display()} · origin: {a.source.origin}",
        ),
        ordering="source__name",
    )
    quote_col = display.column("Quote", lambda a: display.quote_html(a.quote))
    link_col = display.column("Link", display.links_html)

    @admin.display(description="Supports claim", ordering="claim_id")
    def claim_col(self, obj: Attribution) -> str:
        claim = obj.claim
        return format_html(
            '<a href="{}">#{} {}: “{}” {} {}</a><div class="vf-muted">{}</div>',
            reverse("admin:claims_claim_change", args=[claim.pk]),
            claim.pk,
            claim.claimant.name,
            claim.count_text,
            claim.group,
            claim.get_measure_display(),
            Truncator(claim.event.title).chars(50),
        )

    count_col = display.column(
        "Source's count", lambda a: display.count_html(a.count_text, a.count_low, a.count_high)
    )
    effect_col = display.column(
        "If verified",
        lambda a: format_html('<span class="vf-effect">{}</span>', verification_effect_of(a)),
    )

    @admin.display(description="Check")
    def row_actions(self, obj: Attribution) -> str:
        # The buttons belong to small forms rendered after the list (see the template):
        # forms cannot nest inside the changelist's own form.
        verify = ""
        if obj.verification != Attribution.Verification.VERIFIED:
            verify = format_html(
                '<button type="submit" form="vf-verify-{}" class="vf-btn vf-btn-ok">'
                "✓ Mark verified</button>",
                obj.pk,
            )
        reject = ""
        if obj.verification != Attribution.Verification.REJECTED:
            reject = format_html(
                '<details class="vf-reject"><summary>✗ Reject…</summary>'
                '<input type="text" name="note" form="vf-reject-{}" required maxlength="500" '
                'placeholder="Why is it wrong?" aria-label="Reason for rejecting">'
                '<button type="submit" form="vf-reject-{}" class="vf-btn vf-btn-bad">'
                "Reject</button>"
                "</details>",
                obj.pk,
                obj.pk,
            )
        return format_html('<div class="vf-row-actions">{}{}</div>', verify, reject)

    # --- Bulk ---
    mark_verified = bulk_action("Mark verified", "verify", "Verified", lambda row, request: (
        services.attribution_verify(attribution=row, by=request.user, version=row.version)
    ))  # fmt: skip

    # --- The CSV download: the queue as filtered ---
    def export_rows(
        self, queryset: QuerySet[Attribution]
    ) -> tuple[list[str], Iterable[Sequence[Any]]]:
        header = [
            "id", "verification", "source", "source reliability", "origin", "stance", "quote",
            "link", "archived copy", "published at", "count as written", "low", "high",
            "claim", "claimant", "event", "checked by", "checked at", "note",
        ]  # fmt: skip
        # A time stored out of Python's range is an empty cell, not a broken download.
        times = queryset.annotate(
            published_at_csv=readable("published_at"), verified_at_csv=readable("verified_at")
        )
        rows = times.values_list(
            "id", "verification", "source__name", "source__reliability", "source__origin",
            "stance", "quote", "url", "archive_url", "published_at_csv", "count_text",
            "count_low", "count_high", "claim_id", "claim__claimant__name", "claim__event__title",
            "verified_by__username", "verified_at_csv", "verification_note",
        ).iterator(chunk_size=EXPORT_CHUNK)  # fmt: skip
        return header, rows

    # --- The attribution page ---
    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None:
            return super().get_fieldsets(request, obj)
        return [(None, {"fields": [
            "claim", ("source", "stance", "disputes"), "count_text", "quote",
            ("url", "archive_url"), "published_at",
        ]})]  # fmt: skip

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["claim_link", "interval"] if obj is not None else []

    @admin.display(description="Supports claim")
    def claim_link(self, obj: Attribution) -> str:
        return self.claim_col(obj)

    @admin.display(description="Saved interval")
    def interval(self, obj: Attribution) -> str:
        # The saved figures only: on a re-shown form the phrase may hold unsaved input.
        if obj.count_low is None:
            return mark_safe('<span class="vf-muted">no figure</span>')
        return format_html(
            '<span class="vf-interval">{}</span>', describe(obj.count_low, obj.count_high)
        )

    def page_context(self, request: HttpRequest, obj: Attribution) -> dict[str, Any]:
        return {
            "desk": True,
            "attribution": obj,
            "verification": display.verification_html(obj),
            "can_verify": request.user.has_perm("claims.verify_attribution"),
            "verify_url": reverse("admin:claims_attribution_verify", args=[obj.pk]),
            "reject_url": reverse("admin:claims_attribution_reject", args=[obj.pk]),
            "queue_url": reverse("admin:claims_attribution_changelist"),
        }

    # --- Buttons ---
    @button
    def verify_view(self, request: HttpRequest, attribution: Attribution) -> HttpResponse:
        return self.decide(request, attribution, services.attribution_verify, "Verified")

    @button
    def reject_view(self, request: HttpRequest, attribution: Attribution) -> HttpResponse:
        return self.decide(request, attribution, services.attribution_reject, "Rejected")

    def decide(
        self, request: HttpRequest, attribution: Attribution, service: Any, verb: str
    ) -> HttpResponse:
        return self.press(
            request,
            attribution,
            DecisionForm(request.POST),
            lambda data: service(attribution=attribution, by=request.user, **data),
            lambda done: f"{verb}: {decided(done)}",
        )


def decided(attribution: Attribution) -> str:
    return (
        f"{attribution.source.name} on claim #{attribution.claim_id}. "
        "Recorded with your name and the time."
    )


class DecisionForm(forms.Form):
    """The verify and reject buttons' POST: the version seen, and the note."""

    version = forms.IntegerField(required=False, min_value=1)
    note = forms.CharField(required=False, max_length=500)
