"""Reads that more than one interface needs: an event's statements and their analysis.

The recheck, the review guard, the event page and the commands all read an event
through ``event_statements`` and judge it through ``event_analysis``, so each rule of
ANALYSIS.md has one implementation (``claims.analysis``) and one way in.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.db.models import Q, QuerySet

from claims.analysis import EventAnalysis, analyse
from claims.conflicts import Figure, Scope, Stance, Statement, Verification
from claims.counts import parse_count
from claims.groups import Group, Vocabulary
from claims.models import Attribution, Claim, ConflictFlag, GroupTerm

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
    "made_at",
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
    "published_at",
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
        published_at=row["made_at"],
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
        published_at=row["published_at"],
        verification=verification,
        disputes=Scope(row["disputes"]) if row["disputes"] else None,
        excluded=claim.excluded or verification == Verification.REJECTED,
        reliability=row["source__reliability"],
    )


def claim_rows(event_id: int) -> QuerySet[Claim, dict[str, Any]]:
    # No ORDER BY: the rules do not depend on order, and the database need not sort.
    return Claim.objects.filter(event_id=event_id).order_by().values(*CLAIM_FIELDS)


def attribution_rows(event_id: int) -> QuerySet[Attribution, dict[str, Any]]:
    """The attributions that can bear on the analysis: one with a figure, a verified one,
    or a contradiction. Most others are links and quotes behind the claimant's figure."""
    return (
        Attribution.objects.filter(claim__event_id=event_id)
        .filter(
            Q(count_low__isnull=False)
            | Q(verification=Attribution.Verification.VERIFIED)
            | Q(stance=Attribution.Stance.CONTRADICTS)
        )
        .order_by()
        .values(*ATTRIBUTION_FIELDS)
    )


def event_statements(event_id: int, vocabulary: Vocabulary | None = None) -> list[Statement]:
    """Every claim of the event and the attributions that bear on it. Two queries."""
    vocabulary = vocabulary or load_vocabulary()
    claims: dict[int, Statement] = {}
    for row in claim_rows(event_id):
        group = vocabulary.resolve(row["group"], row["group_class_override"])
        claims[row["id"]] = _claim_statement(row, group)
    found = list(claims.values())
    found += [
        _attribution_statement(row, claims[row["claim_id"]]) for row in attribution_rows(event_id)
    ]
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
