"""Events: the list of incidents, and the event page with its figures at a glance.

The event page shows, per measure and counted group, the lowest and the highest
figure among the live counts (the ones the recheck compares: not rejected, not judged
false, not revised by a later statement of the same origin) with the claims behind
each, the event's flags, and a "Recheck now" button.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.template.defaultfilters import pluralize
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from claims import conflicts, services
from claims.counts import describe
from claims.models import Claim, ConflictFlag, Event, Measure
from claims.services import recheck

from . import display
from .base import DeskAdmin, StampedForm, redirect_back
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


def figures(event: Event) -> list[dict[str, Any]]:
    """Per (measure, group): the lowest and highest live figures and who gave them.

    The rows go through the recheck's own ``load_inputs`` and ``live_counts``, so the
    page shows exactly the counts the conflict rules compare.
    """
    counts, _, rows_by_key = recheck.load_inputs(event.pk)
    topics: dict[tuple[str, str], list[conflicts.Count]] = defaultdict(list)
    for count in conflicts.live_counts(counts):
        topics[(count.measure, conflicts.group_key(count.group))].append(count)
    measure_label = dict(Measure.choices)

    def sides(count: conflicts.Count) -> list[dict[str, Any]]:
        """One entry per claim or attribution the count stands for (``Count.claim_ids``)."""
        return [side(count, key) for key in count.keys]

    def side(count: conflicts.Count, key: str) -> dict[str, Any]:
        who = recheck.shown(key, rows_by_key[key])
        return {
            "speaker": count.speaker,
            "source": who.source,
            "count_text": who.count_text,
            "interval": describe(count.low, count.high),
            "claim_id": who.claim_id,
            "claim_url": reverse("admin:claims_claim_change", args=[who.claim_id]),
        }

    rows = []
    for (measure, group), topic_counts in sorted(topics.items()):
        lowest = min(c.low for c in topic_counts)
        # The highest figure anyone gave: the top of a range, or the floor of "at least N".
        top = max(c.high if c.high is not None else c.low for c in topic_counts)
        rows.append(
            {
                "measure": measure_label.get(measure, measure),
                "group": topic_counts[0].group,
                "group_key": group,
                "lowest": [s for c in topic_counts if c.low == lowest for s in sides(c)],
                "highest": [
                    s
                    for c in topic_counts
                    if (c.high if c.high is not None else c.low) == top
                    for s in sides(c)
                ],
                "counts": sum(len(c.keys) for c in topic_counts),
                "origins": len({c.origin for c in topic_counts}),
            }
        )
    return rows


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
            context.update(
                {
                    "desk": True,
                    "figures": figures(obj),
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
            *super().get_urls(),
        ]

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
