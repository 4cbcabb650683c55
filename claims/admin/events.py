"""Events: the list of incidents, and the event page with its figures at a glance.

The event page shows, per measure and counted group, the toll the desk can publish
(ANALYSIS.md section 6): low, best and high with the claims behind each number and
the method in one line, which an editor confirms or overrides with a reason; the
open conflicts on each; the event's flags; and a "Recheck now" button.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.template.defaultfilters import pluralize
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from claims import selectors, services
from claims.models import Claim, ConflictFlag, Event, Toll
from claims.services import ServiceError

from . import display
from .base import DeskAdmin, StampedForm, message_for, redirect_back
from .claims import flag_card
from .flags import open_first

EDIT_FIELDS = [
    "title",
    "date",
    "date_end",
    "date_precision",
    "place",
    "region",
    "country",
    "summary",
]


class EventForm(StampedForm):
    class Meta:
        model = Event
        fields = EDIT_FIELDS


def count_of(queryset: QuerySet[Any], link: str) -> Coalesce:
    """A correlated COUNT(*) per row: one query for the page, not one per row."""
    counted = (
        queryset.filter(**{link: OuterRef("pk")})
        .order_by()
        .values(link)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _claim_links(claim_ids: list[int]) -> list[dict[str, Any]]:
    return [{"id": pk, "url": reverse("admin:claims_claim_change", args=[pk])} for pk in claim_ids]


def toll_rows(event: Event, open_flags: list[ConflictFlag]) -> list[dict[str, Any]]:
    """The event's tolls as the page shows them: the numbers to publish, the proposal
    with the claims behind each number and its method, and the open conflicts on it."""
    rows = []
    for toll in Toll.objects.filter(event=event).exclude(best__isnull=True, override_best=None):
        basis = toll.basis or {}
        flags = [f for f in open_flags if (f.measure, f.group) == (toll.measure, toll.group)]
        rows.append(
            {
                "toll": toll,
                "published": toll.published,
                "low_claims": _claim_links(basis.get("low", [])),
                "best_claims": _claim_links(basis.get("best", [])),
                "high_claims": _claim_links(basis.get("high", [])),
                "candidates": display.side_rows(basis.get("candidates", [])),
                "flags": [flag_card(f) for f in flags],
                "confirm_url": reverse("admin:claims_event_toll", args=[event.pk, toll.pk]),
            }
        )
    return rows


class TollOverrideForm(forms.Form):
    low = forms.IntegerField(min_value=0)
    best = forms.IntegerField(min_value=0)
    high = forms.IntegerField(min_value=0)
    reason = forms.CharField(max_length=500)


@admin.register(Event)
class EventAdmin(DeskAdmin):
    form = EventForm
    list_display = ["title", "date", "place_col", "claims_col", "flags_col", "checked_col"]
    list_filter = ["country", "date_precision"]
    search_fields = ["title", "place", "region", "country"]
    search_help_text = "Search the title, place, region or country."

    def get_queryset(self, request: HttpRequest) -> QuerySet[Event]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                claim_count=count_of(Claim.objects.all(), "event"),
                open_flag_count=count_of(ConflictFlag.objects.open(), "event"),
            )
        )

    @admin.display(description="Place")
    def place_col(self, obj: Event) -> str:
        return ", ".join(p for p in (obj.place, obj.region, obj.country) if p)

    @admin.display(description="Claims", ordering="claim_count")
    def claims_col(self, obj: Event) -> str:
        n = obj.claim_count  # type: ignore[attr-defined]
        return format_html(
            '<a href="{}?event__id__exact={}">{} claim{}</a>',
            reverse("admin:claims_claim_changelist"),
            obj.pk,
            n,
            pluralize(n),
        )

    @admin.display(description="Open conflicts", ordering="open_flag_count")
    def flags_col(self, obj: Event) -> str:
        n = obj.open_flag_count  # type: ignore[attr-defined]
        if not n:
            return mark_safe('<span class="vf-muted">none</span>')
        return format_html(
            '<a href="{}?event__id__exact={}&status__exact=open">{}</a>',
            reverse("admin:claims_conflictflag_changelist"),
            obj.pk,
            display.badge("conflict", "⚠", f"{n} open"),
        )

    @admin.display(description="Conflicts checked", ordering="last_checked_at")
    def checked_col(self, obj: Event) -> str:
        if obj.needs_recheck_since:
            return format_html(
                '<span title="Changed since its last check; a recheck is queued">'
                "⟳ pending, {} ago</span>",
                display.age(obj.needs_recheck_since),
            )
        if obj.last_checked_at:
            return f"{display.age(obj.last_checked_at)} ago"
        return "never"

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        return super().changelist_view(request, {"title": "Events", **(extra_context or {})})

    # --- The event page ---
    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        fields: list[Any] = [
            "title",
            ("date", "date_end", "date_precision"),
            ("place", "region", "country"),
            "summary",
        ]
        if obj is not None and self.has_change_permission(request, obj):
            fields += ["reason", "loaded_at"]
        return [(None, {"fields": fields})]

    def save_model(self, request: HttpRequest, obj: Event, form: Any, change: bool) -> None:
        self.save_through_services(
            request,
            obj,
            form,
            change,
            fields=EDIT_FIELDS,
            create=services.event_create,
            update=lambda obj, **kw: services.event_update(event=obj, **kw),
        )

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Event | None = None,
    ) -> HttpResponse:
        if obj is not None and obj.pk is not None:
            flags = list(
                ConflictFlag.objects.filter(event=obj)
                .select_related("closed_by")
                .annotate(open_rank=open_first())
                .order_by("open_rank", "-opened_at")[:50]
            )
            open_flags = list(ConflictFlag.objects.open().filter(event=obj))
            context.update(
                {
                    "desk": True,
                    "tolls": toll_rows(obj, open_flags),
                    "can_confirm_toll": request.user.has_perm("claims.confirm_toll"),
                    "event_disputes": selectors.event_analysis(obj.pk).event_disputes,
                    "flags": [flag_card(f) for f in flags],
                    "can_recheck": request.user.has_perm("claims.recheck_event"),
                    "can_resolve": request.user.has_perm("claims.resolve_flag"),
                    "recheck_url": reverse("admin:claims_event_recheck", args=[obj.pk]),
                    "claims_url": reverse("admin:claims_claim_changelist")
                    + f"?event__id__exact={obj.pk}",
                    "flags_url": reverse("admin:claims_conflictflag_changelist")
                    + f"?event__id__exact={obj.pk}",
                    "event": obj,
                    "here": request.get_full_path(),
                }
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    # --- Buttons ---
    def get_urls(self) -> list[Any]:
        return [
            path(
                "<path:object_id>/recheck/",
                self.admin_site.admin_view(self.recheck_view),
                name="claims_event_recheck",
            ),
            path(
                "<path:object_id>/tolls/<int:toll_id>/",
                self.admin_site.admin_view(self.toll_view),
                name="claims_event_toll",
            ),
            *super().get_urls(),
        ]

    def toll_view(self, request: HttpRequest, object_id: str, toll_id: int) -> HttpResponse:
        """Confirm the proposed toll, or override it with numbers and a reason."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        event = self.get_object(request, unquote(object_id))
        if event is None or not self.has_view_permission(request, event):
            raise Http404("No such event.")
        toll = Toll.objects.filter(event=event, pk=toll_id).first()
        if toll is None:
            raise Http404("No such toll.")
        back = self.change_url(event)
        try:
            # PermissionDenied is not caught: a forged POST gets a 403.
            if request.POST.get("decision") == "override":
                form = TollOverrideForm(request.POST)
                if not form.is_valid():
                    messages.error(request, "Give low, best, high and a reason to override.")
                    return redirect_back(request, back)
                services.toll_override(toll=toll, by=request.user, **form.cleaned_data)
                messages.success(request, "The toll is overridden; the reason is in its history.")
            else:
                services.toll_confirm(toll=toll, by=request.user)
                messages.success(request, "The proposed toll is confirmed for publication.")
        except (ServiceError, ValidationError) as exc:
            messages.error(request, message_for(exc))
        return redirect_back(request, back)

    def recheck_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        event = self.get_object(request, unquote(object_id))
        if event is None:
            raise Http404("No such event.")
        if not self.has_view_permission(request, event):
            raise PermissionDenied
        # PermissionDenied from the service is not caught: a forged POST gets a 403.
        services.event_request_recheck(event=event, by=request.user)
        messages.success(
            request,
            f"A recheck of “{event.title}” is queued; its flags update when it has run.",
        )
        return redirect_back(request, self.change_url(event))
