"""Events: the list of incidents, and the event page with its figures at a glance.

The event page shows, per measure and counted group, the toll the desk can publish
(ANALYSIS.md section 6): a picture of every origin's figures over time with the
proposal as a band (``claims.admin.tollchart``), then low, best and high with the
claims behind each number and the method in one line, which an editor confirms or
overrides with a reason; the open conflicts on each; the event's flags; and a
"Recheck now" button. The list's CSV is the tolls of the events it shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from claims import selectors, services
from claims.conflicts import Statement
from claims.models import Claim, ConflictFlag, Event, Toll

from . import display, tollchart
from .base import EXPORT_CHUNK, DeskAdmin, SavedThrough, button, redirect_back
from .forms import StampedForm

EDIT_FIELDS = list(services.EVENT_FIELDS)  # the service's own list, in its order


class EventForm(StampedForm):
    class Meta:
        model = Event
        fields = EDIT_FIELDS


class TollForm(forms.Form):
    """The toll buttons: confirm the proposal, or override it with numbers and a reason."""

    decision = forms.ChoiceField(choices=[("confirm", "Confirm"), ("override", "Override")])
    low = forms.IntegerField(min_value=0, required=False)
    best = forms.IntegerField(min_value=0, required=False)
    high = forms.IntegerField(min_value=0, required=False)
    reason = forms.CharField(max_length=500, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "override":
            missing = [n for n in ("low", "best", "high", "reason") if data.get(n) in (None, "")]
            if missing:
                raise ValidationError("Give low, best, high and a reason to override.")
        return data


def marks_for(
    toll: Toll, statements: list[Statement], conflicted: set[str]
) -> list[tollchart.Mark]:
    """The toll's figures for the picture: each origin's live figure as the recheck stored
    it (``basis["candidates"]``) and the earlier ones it has since revised."""
    live = {c["key"]: c for c in (toll.basis or {}).get("candidates", [])}
    marks = [
        tollchart.Mark(
            key=key, origin=c.get("speaker") or c.get("source") or "?", low=c["low"],
            high=c.get("high"), published_at=parse_datetime(c.get("published_at") or ""),
            live=True, via=c.get("via") or "", claim_id=c.get("claim_id"),
            in_conflict=key in conflicted,
        )
        for key, c in live.items() if c.get("low") is not None
    ]  # fmt: skip
    origins = {c.get("speaker") for c in live.values()}
    for s in statements:
        if s.key in live or s.figure is None or s.excluded or s.speaker not in origins:
            continue
        if s.topic_key == (toll.measure, toll.group):
            marks.append(tollchart.Mark(
                key=s.key, origin=s.speaker, low=s.figure.low, high=s.figure.high,
                published_at=s.published_at, live=False, via=s.via, claim_id=s.claim_id,
                in_conflict=s.key in conflicted,
            ))  # fmt: skip
    return marks


def toll_rows(event: Event, open_flags: list[ConflictFlag]) -> list[dict[str, Any]]:
    """The event's tolls as the page shows them: the picture, the numbers to publish, the
    proposal with the claims behind each number and its method, its open conflicts."""
    statements = selectors.event_statements(event.pk)
    rows = []
    for toll in Toll.objects.filter(event=event).exclude(best__isnull=True, override_best=None):
        basis = toll.basis or {}
        flags = [f for f in open_flags if (f.measure, f.group) == (toll.measure, toll.group)]
        conflicted = {side.get("key") for f in flags for side in f.sides}
        rows.append(
            {
                "toll": toll,
                "published": toll.published,
                "chart": tollchart.chart(marks_for(toll, statements, conflicted), toll.published),
                "low_claims": claim_links(basis.get("low", [])),
                "best_claims": claim_links(basis.get("best", [])),
                "high_claims": claim_links(basis.get("high", [])),
                "candidates": display.side_rows(basis.get("candidates", [])),
                "flags": [display.flag_card(f) for f in flags],
                "confirm_url": reverse("admin:claims_event_toll", args=[event.pk, toll.pk]),
            }
        )
    return rows


def claim_links(claim_ids: list[int]) -> list[dict[str, Any]]:
    return [{"id": pk, "url": reverse("admin:claims_claim_change", args=[pk])} for pk in claim_ids]


@admin.register(Event)
class EventAdmin(DeskAdmin):
    form = EventForm
    list_title = "Events"
    export_name = "event-tolls"
    buttons = (("recheck", "recheck"), ("tolls/<int:toll_id>", "toll"))
    list_display = ["title", "date", "place_col", "claims_col", "flags_col", "checked_col"]
    list_filter = ["country", "date_precision"]
    search_fields = ["title", "place", "region", "country"]
    search_help_text = "Search the title, place, region or country."
    list_counts = {
        "claim_count": (Claim.objects.all(), "event"),
        "open_flag_count": (ConflictFlag.objects.open(), "event"),
    }
    page_fields = [
        "title", ("date", "date_end", "date_precision"), ("place", "region", "country"),
        "summary",
    ]  # fmt: skip
    saved_through = SavedThrough(
        creates=services.event_create, updates=services.event_update, noun="event",
        fields=EDIT_FIELDS,
    )  # fmt: skip

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

    # --- The CSV download: the tolls of the events as filtered ---
    def export_rows(self, queryset: QuerySet[Event]) -> tuple[list[str], Iterable[Sequence[Any]]]:
        header = [
            "event", "date", "measure", "group as written", "class", "low", "best", "high",
            "proposed low", "proposed best", "proposed high", "confirmed", "confirmed by",
            "override reason", "method",
        ]  # fmt: skip
        tolls = (
            Toll.objects.filter(event__in=queryset.order_by().values("pk"))
            .select_related("event", "confirmed_by")
            .order_by("event__date", "event_id", "measure", "group")
        )
        return header, toll_csv_rows(tolls)

    # --- The event page ---
    def page_context(self, request: HttpRequest, obj: Event) -> dict[str, Any]:
        open_flags = list(ConflictFlag.objects.open().filter(event=obj).select_related("closed_by"))
        closed = ConflictFlag.objects.filter(event=obj).exclude(status=ConflictFlag.Status.OPEN)
        # Open flags first, then the latest closed ones: fifty cards in all, at most.
        closed_shown = list(closed.select_related("closed_by").order_by("-opened_at")[:50])
        flags = (open_flags + closed_shown)[: max(50, len(open_flags))]
        claims_url = reverse("admin:claims_claim_changelist") + f"?event__id__exact={obj.pk}"
        return {
            "desk": True,
            "event": obj,
            "tolls": toll_rows(obj, open_flags),
            "can_confirm_toll": request.user.has_perm("claims.confirm_toll"),
            "event_disputes": selectors.event_analysis(obj.pk).event_disputes,
            "flags": [display.flag_card(f) for f in flags],
            "can_recheck": request.user.has_perm("claims.recheck_event"),
            "can_resolve": request.user.has_perm("claims.resolve_flag"),
            "recheck_url": reverse("admin:claims_event_recheck", args=[obj.pk]),
            "claims_url": claims_url,
            "flags_url": reverse("admin:claims_conflictflag_changelist")
            + f"?event__id__exact={obj.pk}",
            "here": request.get_full_path(),
            "legend": ("decisions",),
        }

    # --- Buttons ---
    @button
    def toll_view(self, request: HttpRequest, event: Event, toll_id: int) -> HttpResponse:
        """Confirm the proposed toll, or override it with numbers and a reason."""
        toll = Toll.objects.filter(event=event, pk=toll_id).first()
        if toll is None:
            raise Http404(f"Event #{event.pk} has no toll #{toll_id}.")

        def decide(data: dict[str, Any]) -> str:
            # PermissionDenied is not caught: a forged POST gets a 403.
            if data["decision"] == "override":
                numbers = {name: data[name] for name in ("low", "best", "high", "reason")}
                services.toll_override(toll=toll, by=request.user, **numbers)
                return "The toll is overridden; the reason is in its history."
            services.toll_confirm(toll=toll, by=request.user)
            return "The proposed toll is confirmed for publication."

        return self.press(request, event, TollForm(request.POST), decide, str)

    @button
    def recheck_view(self, request: HttpRequest, event: Event) -> HttpResponse:
        # PermissionDenied from the service is not caught: a forged POST gets a 403.
        services.event_request_recheck(event=event, by=request.user)
        messages.success(
            request,
            f"A recheck of “{event.title}” is queued; its flags update when it has run.",
        )
        return redirect_back(request, self.change_url(event))


def toll_csv_rows(tolls: QuerySet[Toll]) -> Iterator[list[Any]]:
    for toll in tolls.iterator(chunk_size=EXPORT_CHUNK):
        low, best, high = toll.published
        yield [
            toll.event.title, toll.event.date, toll.get_measure_display(), toll.group_label,
            toll.get_group_class_display(), low, best, high, toll.low, toll.best, toll.high,
            toll.confirmed, toll.confirmed_by.get_username() if toll.confirmed_by else "",
            toll.override_reason, toll.method,
        ]  # fmt: skip
