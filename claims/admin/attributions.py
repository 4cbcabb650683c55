"""Sources to check: the fact-checkers' queue of attributions, and the attribution page.

Unverified attributions come first (and are all the queue shows until another
filter is chosen), each with its quote, its link and the claim it supports.
"Mark verified" and "Reject" (with a reason) are one click each, from the list and
from the page; the service records who and when.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from claims import services
from claims.conflicts import Figure, Scope, Stance
from claims.corroboration import verification_effect
from claims.counts import describe
from claims.models import Attribution, Source
from claims.selectors import figure_of, origin_key
from claims.services import ServiceError

from . import display
from .base import (
    DeskAdmin,
    VersionedForm,
    message_for,
    redirect_back,
    report,
)
from .claims import MAX_BULK, links_html, verification_html

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


class VerificationFilter(admin.SimpleListFilter):
    """Defaults to the work still to do: unverified attributions."""

    title = "verification"
    parameter_name = "verification"
    default = Attribution.Verification.UNVERIFIED.value

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            ("unverified", "To check (unverified)"),
            ("verified", "Verified"),
            ("rejected", "Rejected"),
            ("all", "All"),
        ]

    def value(self) -> str:
        return super().value() or self.default

    def choices(self, changelist: Any) -> Any:
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[Attribution]
    ) -> QuerySet[Attribution]:
        value = self.value()
        if value in Attribution.Verification.values:
            return queryset.filter(verification=value)
        return queryset


class SourceKindFilter(admin.SimpleListFilter):
    title = "source's kind"
    parameter_name = "kind"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return list(Source.Kind.choices)

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[Attribution]
    ) -> QuerySet[Attribution]:
        if self.value() in Source.Kind.values:
            return queryset.filter(source__kind=self.value())
        return queryset


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


def verification_rank() -> Case:
    return Case(
        When(verification=Attribution.Verification.UNVERIFIED, then=Value(0)),
        When(verification=Attribution.Verification.REJECTED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


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
    list_display = [
        "verification_col",
        "source_col",
        "stance",
        "quote_col",
        "link_col",
        "claim_col",
        "count_col",
        "effect_col",
        "row_actions",
    ]
    row_actions_permission = "claims.verify_attribution"
    list_display_links = ["quote_col"]
    list_filter = [VerificationFilter, "stance", SourceKindFilter, "source__reliability"]
    search_fields = ["quote", "source__name", "claim__text", "claim__event__title", "url"]
    search_help_text = "Search the quote, the source, the claim's text or event, or the link."
    autocomplete_fields = ["claim", "source"]
    actions = ["mark_verified"]

    def get_ordering(self, request: HttpRequest) -> list[str]:
        # An annotation (see get_queryset), which the class attribute cannot name.
        return ["verification_rank", "created_at", "id"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Attribution]:
        # Annotated before it is ordered (ModelAdmin.get_queryset orders first).
        return (
            Attribution.objects.select_related(
                "source", "claim__event", "claim__claimant", "verified_by"
            )
            .annotate(verification_rank=verification_rank())
            .order_by(*self.get_ordering(request))
        )

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        context = {
            "title": "Sources to check",
            "can_verify": request.user.has_perm("claims.verify_attribution"),
            **(extra_context or {}),
        }
        return super().changelist_view(request, context)

    # --- Columns ---
    @admin.display(description="Checked", ordering="verification_rank")
    def verification_col(self, obj: Attribution) -> str:
        return verification_html(obj)

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
        text = obj.quote or "(no quote)"
        return format_html('<span title="{}">{}</span>', obj.quote, Truncator(text).chars(160))

    @admin.display(description="Link")
    def link_col(self, obj: Attribution) -> str:
        return links_html(obj)

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
        rows = list(queryset.order_by("id")[: MAX_BULK + 1])
        if len(rows) > MAX_BULK:
            messages.error(request, f"Select at most {MAX_BULK} at a time. Nothing was changed.")
            return
        done, failed = [], []
        for attribution in rows:
            try:
                services.attribution_verify(
                    attribution=attribution, by=request.user, version=attribution.version
                )
            except (ServiceError, ValidationError) as exc:
                failed.append(f"{attribution}: {message_for(exc)}")
            else:
                done.append(f"{attribution.source.name} on #{attribution.claim_id}")
        report(request, done, failed, "Verified")

    # --- The attribution page ---
    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        if obj is None:
            return [
                (
                    None,
                    {
                        "fields": [
                            "claim",
                            ("source", "stance", "disputes"),
                            "count_text",
                            "quote",
                            ("url", "archive_url"),
                            "published_at",
                        ]
                    },
                )
            ]
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
            create_fields=[
                "claim", "source", "stance", "disputes", "quote", "url", "archive_url",
                "published_at", "count_text",
            ],
            create=services.attribution_create,
            update=lambda obj, **kw: services.attribution_update(attribution=obj, **kw),
        )  # fmt: skip

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Attribution | None = None,
    ) -> HttpResponse:
        if obj is not None and obj.pk is not None:
            context.update(
                {
                    "desk": True,
                    "attribution": obj,
                    "verification": verification_html(obj),
                    "can_verify": request.user.has_perm("claims.verify_attribution"),
                    "verify_url": reverse("admin:claims_attribution_verify", args=[obj.pk]),
                    "reject_url": reverse("admin:claims_attribution_reject", args=[obj.pk]),
                    "queue_url": reverse("admin:claims_attribution_changelist"),
                }
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    # --- Buttons ---
    def get_urls(self) -> list[Any]:
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/verify/",
                wrap(self.verify_view),
                name="claims_attribution_verify",
            ),
            path(
                "<path:object_id>/reject/",
                wrap(self.reject_view),
                name="claims_attribution_reject",
            ),
            *super().get_urls(),
        ]

    def _decide(self, request: HttpRequest, object_id: str, *, verified: bool) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        attribution = self.get_object(request, unquote(object_id))
        if attribution is None:
            raise Http404("No such attribution.")
        if not self.has_view_permission(request, attribution):
            raise PermissionDenied
        back = self.change_url(attribution)
        version = request.POST.get("version", "")
        note = request.POST.get("note", "")
        service = services.attribution_verify if verified else services.attribution_reject
        try:
            # PermissionDenied is not caught: a forged POST gets a 403.
            service(
                attribution=attribution,
                by=request.user,
                note=note,
                version=int(version) if version.isdigit() else None,
            )
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

    def verify_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return self._decide(request, object_id, verified=True)

    def reject_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return self._decide(request, object_id, verified=False)
