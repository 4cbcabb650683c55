"""The desk's home: the work waiting for this person, with counts, instead of a list of tables.

Editors see their claims and the review queue first, fact-checkers the sources to
check; both see the open conflicts, the events that have them and the latest changes.
Counts stop at ``CAP`` ("1,000+"), so the page costs the same at any archive size.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from django.contrib.admin import AdminSite
from django.db.models import Count, Model, QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse

from claims.models import Attribution, Claim, ConflictFlag, Event
from claims.selectors import with_readable_times

from . import display, history

CAP = 1000
SHOWN = 8


def capped(queryset: QuerySet[Any]) -> dict[str, Any]:
    """{"n": how many, at most CAP, "more": whether there are more than that}."""
    found = queryset.order_by()[: CAP + 1].count()
    return {"n": min(found, CAP), "more": found > CAP}


def card(title: str, url: str, count: QuerySet[Any], hint: str) -> dict[str, Any]:
    return {"title": title, "url": url, "hint": hint, **capped(count)}


def claim_cards(request: HttpRequest) -> list[dict[str, Any]]:
    queue = reverse("admin:claims_claim_changelist")
    mine = Claim.objects.filter(assignee_id=request.user.pk, queue_rank=0)
    return [
        card("Assigned to me", f"{queue}?assigned=me", mine, "unreviewed claims you have"),
        card(
            "New claims",
            f"{queue}?status__exact=new",
            Claim.objects.filter(status=Claim.Status.NEW),
            "nobody has started reviewing them",
        ),
        card(
            "In review",
            f"{queue}?status__exact=in_review",
            Claim.objects.filter(status=Claim.Status.IN_REVIEW),
            "waiting for a verdict",
        ),
    ]


def check_cards(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        card(
            "Sources to check",
            reverse("admin:claims_attribution_changelist"),
            Attribution.objects.filter(verification_rank=0),
            "attributions nobody has verified or rejected",
        ),
        card(
            "Open conflicts",
            reverse("admin:claims_conflictflag_changelist") + "?status__exact=open",
            ConflictFlag.objects.open(),
            "figures that cannot all be right",
        ),
    ]


def my_claims(request: HttpRequest) -> list[Claim]:
    return list(
        Claim.objects.filter(assignee_id=request.user.pk, queue_rank=0)
        .select_related("event", "claimant")
        .order_by("queue_rank", "created_at", "id")[:SHOWN]
    )


def flagged_events() -> list[dict[str, Any]]:
    """The events with open conflicts, the most recently flagged first.

    Read from the latest open flags (the index "flag_queue") rather than by grouping
    every open flag: the same answer at any number of flags.
    """
    latest: dict[int, Any] = {}
    recent = ConflictFlag.objects.open().order_by("-opened_at").values_list("event_id", "opened_at")
    for event_id, opened_at in recent[: SHOWN * 10]:
        latest.setdefault(event_id, opened_at)
        if len(latest) == SHOWN:
            break
    counts = dict(
        ConflictFlag.objects.open()
        .filter(event_id__in=latest)
        .values("event_id")
        .annotate(n=Count("id"))
        .values_list("event_id", "n")
    )
    events = Event.objects.in_bulk(latest)
    return [
        {
            "event": events[event_id],
            "open": counts.get(event_id, 0),
            "latest": opened_at,
            "url": reverse("admin:claims_event_change", args=[event_id]),
        }
        for event_id, opened_at in latest.items()
        if event_id in events
    ]


# Whose changes the home lists: the model, how a record names its object, its page.
ACTIVITY: list[tuple[type[Model], Callable[[Any], str], Callable[[Any], str]]] = [
    (
        Claim,
        lambda r: f"claim #{r.id}",
        lambda r: reverse("admin:claims_claim_change", args=[r.id]),
    ),
    (
        Attribution,
        lambda r: f"claim #{r.claim_id}",
        lambda r: reverse("admin:claims_claim_change", args=[r.claim_id]),
    ),
    (
        ConflictFlag,
        lambda r: f"flag #{r.id}",
        lambda r: reverse("admin:claims_conflictflag_change", args=[r.id]),
    ),
]


def recent_activity(limit: int = 12) -> list[history.Entry]:
    """The latest changes to claims, attributions and flags, anywhere on the desk."""
    found: list[history.Entry] = []
    for model, subject, link in ACTIVITY:
        records = list(with_readable_times(model.history.order_by("-history_date"))[:limit])  # type: ignore[attr-defined]
        said = history.entries(model, records, subject)
        found += [replace(e, url=link(r)) for r, e in zip(records, said, strict=True)]
    return sorted(found, key=lambda e: e.when, reverse=True)[:limit]


def home_view(site: AdminSite, request: HttpRequest, extra_context: Any = None) -> TemplateResponse:
    user = request.user
    editor = user.has_perm("claims.give_verdict")
    cards = []
    if user.has_perm("claims.view_claim"):
        cards += claim_cards(request)
    if user.has_perm("claims.view_attribution"):
        cards += check_cards(request)
    if not editor:  # a fact-checker's day starts with the sources to check
        cards.sort(key=lambda c: c["title"] != "Sources to check")
    context = {
        **site.each_context(request),
        "title": "Desk",
        "cards": cards,
        "mine": my_claims(request) if user.has_perm("claims.view_claim") else [],
        "events": flagged_events() if user.has_perm("claims.view_conflictflag") else [],
        "activity": recent_activity() if user.has_perm("claims.view_claim") else [],
        "role": "editor" if editor else "fact-checker",
        "app_list": site.get_app_list(request) if user.is_superuser else [],
        "legend": ("corroboration",),
        **(extra_context or {}),
    }
    context["legend_sections"] = display.legend(context["legend"])
    request.current_app = site.name
    return TemplateResponse(request, "admin/desk_home.html", context)
