"""Reads that more than one interface needs: an event's statements and their analysis.

The recheck, the review guard, the event page and the commands all read an event
through ``event_statements`` and judge it through ``event_analysis``, so each rule of
ANALYSIS.md has one implementation (``claims.analysis``) and one way in.

Times people and imports set are read through ``readable_times``: a value written
around the services out of Python's range (year 10000: PostgreSQL stores it, psycopg
cannot load it) is read as NULL and logged, so one such row neither fails a page nor
wedges its event's recheck (issue #15). The services refuse such values since.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from django.db import models
from django.db.models import Case, F, Q, QuerySet, When
from django.db.models.query import ModelIterable

from claims.analysis import EventAnalysis, analyse
from claims.conflicts import Figure, Scope, Stance, Statement, Verification
from claims.counts import parse_count
from claims.groups import Group, Vocabulary
from claims.models import Attribution, Claim, ConflictFlag, GroupTerm

logger = logging.getLogger(__name__)

# What Python can hold; PostgreSQL stores far beyond it.
FIRST = datetime(1, 1, 1, tzinfo=UTC)
LAST = datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)


def readable_name(name: str) -> str:
    return f"{name}_readable"


def readable(name: str) -> Case:
    """The column ``name``, or NULL when Python could not read it back."""
    return Case(
        When(**{f"{name}__range": (FIRST, LAST)}, then=F(name)),
        output_field=models.DateTimeField(),
    )


def readable_times[M: models.Model](
    queryset: models.QuerySet[M], *names: str
) -> models.QuerySet[M]:
    """``queryset`` with each of ``names`` read as ``<name>_readable``: NULL when out of
    Python's range. The column itself is not loaded."""
    return queryset.defer(*names).annotate(
        **{readable_name(name): readable(name) for name in names}
    )


# The times people and imports set, by model (the history keeps copies of them). The
# others (created_at, updated_at, needs_recheck_since...) only Django itself writes.
GUARDED_TIMES = {
    "claim": ("made_at",),
    "historicalclaim": ("made_at",),
    "attribution": ("published_at", "verified_at"),
    "historicalattribution": ("published_at", "verified_at"),
}


class _ReadableTimes(ModelIterable):  # type: ignore[type-arg]
    """Objects whose guarded times hold their readable value (None when out of range)."""

    def __iter__(self) -> Any:
        names = GUARDED_TIMES.get(self.queryset.model._meta.model_name or "", ())
        for obj in super().__iter__():
            for name in names:
                if readable_name(name) in obj.__dict__:
                    setattr(obj, name, obj.__dict__.pop(readable_name(name)))
            yield obj


def with_readable_times[M: models.Model](queryset: models.QuerySet[M]) -> models.QuerySet[M]:
    """``queryset`` whose objects read a guarded time stored out of Python's range as
    None instead of failing: for pages that show a whole row, and the services that
    edit it (saving it then stores NULL, in the history, instead of the unreadable
    value). Models without guarded times are returned as they are."""
    names = GUARDED_TIMES.get(queryset.model._meta.model_name or "", ())
    if not names:
        return queryset
    guarded = readable_times(queryset, *names)
    guarded._iterable_class = _ReadableTimes
    return guarded


def _readable_time(row: dict[str, Any], name: str, what: str) -> datetime | None:
    """A row's time read through ``readable``; one stored out of range is logged."""
    value = row.pop(readable_name(name))
    if value is None and row.pop(f"{name}_stored"):
        logger.warning(
            "%s #%s: %s is stored out of range (years 1 to 9999); read as unknown. "
            "Correct it in the admin.",
            what,
            row["id"],
            name,
        )
    return value


def _times(name: str) -> dict[str, Any]:
    stored = models.ExpressionWrapper(Q(**{f"{name}__isnull": False}), models.BooleanField())
    return {readable_name(name): readable(name), f"{name}_stored": stored}


CLAIM_FIELDS = (
    "id",
    "claimant__origin",
    "claimant__name",
    "claimant__reliability",
    "measure",
    "group",
    "group_class_override",
    "count_text",
    "count_low",
    "count_high",
    "count_qualifier",
    "verdict",
)
ATTRIBUTION_FIELDS = (
    "id",
    "claim_id",
    "source__origin",
    "source__name",
    "source__reliability",
    "stance",
    "disputes",
    "count_text",
    "count_low",
    "count_high",
    "count_qualifier",
    "verification",
)


def origin_key(origin: str) -> str:
    """Origins compare casefolded and single-spaced ("JNIM " is "jnim")."""
    return " ".join(origin.casefold().split())


def load_vocabulary() -> Vocabulary:
    """The group words editors keep (``GroupTerm``), for resolving groups to classes."""
    return Vocabulary(dict(GroupTerm.objects.values_list("term", "group_class")))


@lru_cache(maxsize=4096)  # an event repeats a few phrases many times
def figure_of(text: str, low: int, high: int | None, qualifier: str) -> Figure:
    """A stored count as the rules read it, with its point value (ANALYSIS.md §6)."""
    parsed = parse_count(text) if text else None
    if parsed is not None and (parsed.low, parsed.high) == (low, high):
        point = parsed.point
    elif qualifier == "at_most" and high is not None:
        point = high  # stored by an older parser: judge by the qualifier
    else:
        point = low
    return Figure(low, high, point, qualifier, text)


def _claim_statement(row: dict[str, Any], group: Group) -> Statement:
    return Statement(
        key=f"claim:{row['id']}",
        claim_id=row["id"],
        origin=origin_key(row["claimant__origin"]),
        speaker=row["claimant__origin"],
        source=row["claimant__name"],
        measure=row["measure"],
        group=group,
        figure=figure_of(
            row["count_text"], row["count_low"], row["count_high"], row["count_qualifier"]
        ),
        published_at=_readable_time(row, "made_at", "Claim"),
        excluded=row["verdict"] == Claim.Verdict.FALSE,
        reliability=row["claimant__reliability"],
    )


def _attribution_statement(row: dict[str, Any], claim: Statement) -> Statement:
    stance = Stance(row["stance"])
    # A relay is the relayed party speaking through an outlet, not a witness of its own.
    origin = claim.speaker if stance == Stance.RELAYS else row["source__origin"]
    figure = None
    if row["count_low"] is not None:
        figure = figure_of(
            row["count_text"], row["count_low"], row["count_high"], row["count_qualifier"]
        )
    verification = Verification(row["verification"])
    return Statement(
        key=f"attribution:{row['id']}",
        claim_id=row["claim_id"],
        origin=origin_key(origin),
        speaker=origin,
        source=row["source__name"],
        measure=claim.measure,
        group=claim.group,
        stance=stance,
        figure=figure,
        published_at=_readable_time(row, "published_at", "Attribution"),
        verification=verification,
        disputes=Scope(row["disputes"]) if row["disputes"] else None,
        excluded=claim.excluded or verification == Verification.REJECTED,
        reliability=row["source__reliability"],
    )


def claim_rows(*event_ids: int) -> QuerySet[Claim, dict[str, Any]]:
    # No ORDER BY: the rules do not depend on order, and the database need not sort.
    return (
        Claim.objects.filter(event_id__in=event_ids)
        .order_by()
        .values("event_id", *CLAIM_FIELDS, **_times("made_at"))
    )


def attribution_rows(*event_ids: int) -> QuerySet[Attribution, dict[str, Any]]:
    """The attributions that can bear on the analysis: one with a figure, a verified one,
    or a contradiction. Most others are links and quotes behind the claimant's figure."""
    return (
        Attribution.objects.filter(claim__event_id__in=event_ids)
        .filter(
            Q(count_low__isnull=False)
            | Q(verification=Attribution.Verification.VERIFIED)
            | Q(stance=Attribution.Stance.CONTRADICTS)
        )
        .order_by()
        .values(*ATTRIBUTION_FIELDS, **_times("published_at"))
    )


def event_statements(event_id: int, vocabulary: Vocabulary | None = None) -> list[Statement]:
    """Every claim of the event and the attributions that bear on it. Two queries."""
    return events_statements([event_id], vocabulary)[event_id]


def events_statements(
    event_ids: Iterable[int], vocabulary: Vocabulary | None = None
) -> dict[int, list[Statement]]:
    """``event_statements`` of several events, by event, in the same two queries."""
    vocabulary = vocabulary or load_vocabulary()
    found: dict[int, list[Statement]] = {event_id: [] for event_id in event_ids}
    claims: dict[int, tuple[int, Statement]] = {}
    for row in claim_rows(*found):
        group = vocabulary.resolve(row["group"], row["group_class_override"])
        claims[row["id"]] = (row["event_id"], _claim_statement(row, group))
    for event_id, claim in claims.values():
        found[event_id].append(claim)
    for row in attribution_rows(*found):
        event_id, claim = claims[row["claim_id"]]
        found[event_id].append(_attribution_statement(row, claim))
    return found


def settled_conflicts(event_id: int) -> set[tuple[str, str, str]]:
    """(measure, group key, fingerprint) of the conflicts a person dismissed or resolved."""
    closed = ConflictFlag.objects.filter(event_id=event_id, closed_by__isnull=False).exclude(
        status=ConflictFlag.Status.OPEN
    )
    return set(closed.values_list("measure", "group", "fingerprint"))


def event_analysis(event_id: int) -> EventAnalysis:
    """What ANALYSIS.md concludes about the event now (three queries, plus the vocabulary)."""
    return analyse(event_statements(event_id), settled_conflicts(event_id))
