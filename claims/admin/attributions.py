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
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
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
from claims.selectors import figure_of, origin_key
from claims.services import ServiceError

from . import display
from .base import EXPORT_CHUNK, DeskAdmin, button, redirect_back
from .filters import SourceKindFilter, VerificationFilter
from .forms import VersionedForm
from .refusals import message_for

EDIT_FIELDS = [
    "source",
    "stance",
    "disputes",
    "quote",
    "url",
    "archive_url",
    "published_at",
    "count_text",
]


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

    def get_queryset(self, request: HttpRequest) -> QuerySet[Attribution]:
        return (
            super()
            .get_queryset(request)
            .select_related("source", "claim__event", "claim__claimant", "verified_by")
        )

    def list_context(self, request: HttpRequest) -> dict[str, Any]:
        return {"can_verify": request.user.has_perm("claims.verify_attribution")}

    # --- Columns ---
    @admin.display(description="Checked", ordering="verification_rank")
    def verification_col(self, obj: Attribution) -> str:
        return display.verification_html(obj)

    @admin.display(description="Source", ordering="source__name")
    def source_col(self, obj: Attribution) -> str:
        return format_html(
            '<a href="{}">{}</a> {}<div class="vf-muted">{} · origin: {}</div>',
            reverse("admin:claims_source_change", args=[obj.source_id]),
            obj.source.name,
            display.reliability_badge(obj.source),
            obj.source.get_kind_display(),
            obj.source.origin,
        )

    @admin.display(description="Quote")
    def quote_col(self, obj: Attribution) -> str:
        return display.quote_html(obj.quote)

    @admin.display(description="Link")
    def link_col(self, obj: Attribution) -> str:
        return display.links_html(obj)

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

    @admin.display(description="Source's count")
    def count_col(self, obj: Attribution) -> str:
        return display.count_html(obj.count_text, obj.count_low, obj.count_high)

    @admin.display(description="If verified")
    def effect_col(self, obj: Attribution) -> str:
        return format_html('<span class="vf-effect">{}</span>', verification_effect_of(obj))

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
    def has_verify_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("claims.verify_attribution")

    @admin.action(description="Mark verified", permissions=["verify"])
    def mark_verified(self, request: HttpRequest, queryset: QuerySet[Attribution]) -> None:
        self.bulk(
            request,
            queryset,
            "Verified",
            lambda attribution: services.attribution_verify(
                attribution=attribution, by=request.user, version=attribution.version
            ),
        )

    # --- The CSV download: the queue as filtered ---
    def export_rows(
        self, queryset: QuerySet[Attribution]
    ) -> tuple[list[str], Iterable[Sequence[Any]]]:
        header = [
            "id", "verification", "source", "source reliability", "origin", "stance", "quote",
            "link", "archived copy", "published at", "count as written", "low", "high",
            "claim", "claimant", "event", "checked by", "checked at", "note",
        ]  # fmt: skip
        rows = queryset.values_list(
            "id", "verification", "source__name", "source__reliability", "source__origin",
            "stance", "quote", "url", "archive_url", "published_at", "count_text", "count_low",
            "count_high", "claim_id", "claim__claimant__name", "claim__event__title",
            "verified_by__username", "verified_at", "verification_note",
        ).iterator(chunk_size=EXPORT_CHUNK)  # fmt: skip
        return header, rows

    # --- The attribution page ---
    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        if obj is None:
            return [(None, {"fields": [
                "claim", ("source", "stance", "disputes"), "count_text", "quote",
                ("url", "archive_url"), "published_at",
            ]})]  # fmt: skip
        fields: list[Any] = [
            "claim_link",
            ("source", "stance", "disputes"),
            ("count_text", "interval"),
            "quote",
            ("url", "archive_url"),
            "published_at",
        ]
        if self.has_change_permission(request, obj):
            fields += ["reason", "version"]
        return [(None, {"fields": fields})]

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

    def save_model(self, request: HttpRequest, obj: Attribution, form: Any, change: bool) -> None:
        self.save_through_services(
            request,
            obj,
            form,
            change,
            fields=EDIT_FIELDS,
            create_fields=["claim", *EDIT_FIELDS],
            create=services.attribution_create,
            update=lambda obj, **kw: services.attribution_update(attribution=obj, **kw),
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
        return self.decide(request, attribution, verified=True)

    @button
    def reject_view(self, request: HttpRequest, attribution: Attribution) -> HttpResponse:
        return self.decide(request, attribution, verified=False)

    def decide(self, request: HttpRequest, attribution: Attribution, *, verified: bool) -> Any:
        back = self.change_url(attribution)
        form = DecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, "That check was not understood; nothing was changed.")
            return redirect_back(request, back)
        service = services.attribution_verify if verified else services.attribution_reject
        try:
            # PermissionDenied is not caught: a forged POST gets a 403.
            service(attribution=attribution, by=request.user, **form.cleaned_data)
        except (ServiceError, ValidationError) as exc:
            messages.error(request, f"{attribution}: {message_for(exc)}")
        else:
            verb = "Verified" if verified else "Rejected"
            messages.success(
                request,
                f"{verb}: {attribution.source.name} on claim #{attribution.claim_id}. "
                "Recorded with your name and the time.",
            )
        return redirect_back(request, back)


class DecisionForm(forms.Form):
    """The verify and reject buttons' POST: the version seen, and the note."""

    version = forms.IntegerField(required=False, min_value=1)
    note = forms.CharField(required=False, max_length=500)
