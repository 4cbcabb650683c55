"""Which counts about one event conflict, and how well a claim is corroborated.

Pure Python, no Django import: the recheck worker loads one event's claims and
attributions, turns them into `Count` and `Contradiction` values, calls
`find_conflicts` and makes the event's open conflict flags match the result.
The rules follow "Comparing two counts" in ../shared/COUNTS.md.

Conflicts (the caller passes the counts of one event):
- Counts are compared only within one measure and one counted group (groups are
  compared by `group_key`). Different measures or groups never conflict.
- Excluded counts (a rejected attribution, a claim judged false) take no part.
- Revisions: per (origin, measure, group), among the counts that have a
  publication time only those with the latest time stay live; counts with no
  time all stay live. Counts of the same origin are never compared with each
  other, so a toll that rises from 132 to 160 is an update, not a conflict.
- A relay carries the origin of the party it relays (the caller sees to that),
  so relaying a statement never conflicts with the statement.
- Two counts are compatible when their intervals share a value (an open high is
  +infinity). The sides of a conflict are the live counts incompatible with at
  least one live count of another origin in the same (measure, group).
- A verified contradiction (a source saying a claim is wrong without a figure of
  its own) makes, or joins, the conflict on its claim's (measure, group) when
  that claim has a live count from an origin other than the contradicting one.
- One `Conflict` per (measure, group), with one sentence for the desk. The
  result depends only on the set of inputs, never on their order, because the
  worker compares it with the stored flag to decide whether anything changed.

Corroboration status (DESIGN.md: "derived, never typed"): see
`corroboration_status`.
"""

from __future__ import annotations

import functools
import heapq
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from itertools import groupby
from operator import attrgetter, itemgetter
from typing import NamedTuple

__all__ = [
    "Conflict",
    "Contradiction",
    "Corroboration",
    "Count",
    "Stance",
    "Support",
    "Verification",
    "corroboration_status",
    "find_conflicts",
    "group_key",
    "live_counts",
]


class Stance(StrEnum):
    ASSERTS = "asserts"
    CORROBORATES = "corroborates"
    CONTRADICTS = "contradicts"
    RELAYS = "relays"


class Verification(StrEnum):
    UNVERIFIED = "unverified"
    VERIFIED = "verified"
    REJECTED = "rejected"


class Corroboration(StrEnum):
    UNVERIFIED = "unverified"
    SINGLE_SOURCE = "single_source"
    CORROBORATED = "corroborated"
    CONTESTED = "contested"


class Count(NamedTuple):
    """One figure given for an event: a claim's own count or an attribution's.

    A NamedTuple rather than a frozen dataclass: the recheck builds up to thousands
    per event, and a tuple is several times cheaper to make.
    Reversed intervals are refused by `live_counts`, which every count passes through.

    One Count may stand for several claims that give exactly the same figure
    (`claim_ids`): the same speaker, measure, group, interval, publication time and
    verdict. The rules read nothing else, so they treat such claims alike, and a big
    event repeats a few figures thousands of times: the recheck groups them, and the
    rules see each figure once. `key` and `claim_key` are then those of the claim whose
    key sorts first.
    """

    key: str  # stable id, e.g. "claim:12" or "attribution:40"
    claim_key: str  # the claim this count belongs to, e.g. "claim:12"
    origin: str  # origin group of whoever gave it; a relay passes the relayed party's
    speaker: str  # display name used in sentences, e.g. "JNIM"
    measure: str
    group: str  # who was counted; compared through group_key()
    low: int
    high: int | None  # None: open, no upper bound
    published_at: datetime | None
    stance: Stance = Stance.ASSERTS
    verification: Verification = Verification.UNVERIFIED
    excluded: bool = False  # rejected attribution or claim judged false: takes no part
    # The ids of the claims this count stands for, ascending; empty when it stands for
    # its key alone (an attribution's count is never grouped).
    claim_ids: tuple[int, ...] = ()

    @property
    def keys(self) -> tuple[str, ...]:
        """The key of every claim or attribution this count stands for."""
        if self.claim_ids:
            return tuple(f"claim:{claim_id}" for claim_id in self.claim_ids)
        return (self.key,)


@dataclass(frozen=True, slots=True)
class Contradiction:
    """A verified attribution that contradicts a claim without a figure of its own."""

    key: str
    claim_key: str
    origin: str
    speaker: str
    measure: str
    group: str
    claimant: str  # display name of the contradicted claim's claimant


@dataclass(frozen=True, slots=True)
class Conflict:
    measure: str
    group: str  # group_key() of the counts
    sides: tuple[Count, ...]  # by low, then high (open last), then key
    contradictions: tuple[Contradiction, ...]  # by speaker, claimant, key
    explanation: str

    @property
    def keys(self) -> frozenset[str]:
        sides = (key for c in self.sides for key in c.keys)
        return frozenset(sides) | {x.key for x in self.contradictions}


@dataclass(frozen=True, slots=True)
class Support:
    """One attribution of a claim, as corroboration_status sees it."""

    origin: str
    stance: Stance
    verification: Verification
    low: int | None  # None: the attribution gives no figure of its own
    high: int | None  # None with a low: open


@functools.lru_cache(maxsize=4096)  # an event has few distinct groups, read per count
def group_key(group: str) -> str:
    """The comparison key for counted groups: casefolded, trimmed, single-spaced."""
    return " ".join(group.casefold().split())


# Private copies of claims.counts.compatible/describe (same semantics), kept
# here so that this module does not depend on one written at the same time.
def _compatible(a: tuple[int, int | None], b: tuple[int, int | None]) -> bool:
    (a_low, a_high), (b_low, b_high) = a, b
    return (b_high is None or a_low <= b_high) and (a_high is None or b_low <= a_high)


def _describe(low: int, high: int | None) -> str:
    if high is None:
        return f"at least {low}"
    if low == high:
        return f"{low} (exactly)"
    return f"{low}\N{EN DASH}{high}"


def _topic(measure: str, group: str) -> tuple[str, str]:
    return (measure, group_key(group))


def _live_by_topic(counts: Iterable[Count]) -> dict[tuple[str, str], list[Count]]:
    """The counts that take part, grouped by (measure, group_key), in input order.

    One pass to group, then the revision rule within each group; this runs over
    every count of an event on every recheck, so it keeps to plain loops.
    """
    by_topic: dict[tuple[str, str], list[Count]] = {}
    rejected = Verification.REJECTED
    for c in counts:
        # A rejected attribution is excluded even if the caller forgot the flag.
        if c.excluded or c.verification == rejected:
            continue
        # A reversed interval would silently make everything "compatible" or not.
        if c.high is not None and c.high < c.low:
            raise ValueError(f"{c.key}: high {c.high} is below low {c.low}")
        topic = (c.measure, group_key(c.group))
        topic_counts = by_topic.get(topic)
        if topic_counts is None:
            by_topic[topic] = [c]
        else:
            topic_counts.append(c)
    for topic, topic_counts in by_topic.items():
        latest: dict[str, datetime] = {}
        for c in topic_counts:
            published = c.published_at
            if published is not None and (c.origin not in latest or published > latest[c.origin]):
                latest[c.origin] = published
        if latest:
            by_topic[topic] = [
                c
                for c in topic_counts
                if c.published_at is None or c.published_at == latest[c.origin]
            ]
    return by_topic


def live_counts(counts: Iterable[Count]) -> list[Count]:
    """The counts that take part, in input order: not excluded, not revised."""
    counts = list(counts)
    live = {id(c) for topic_counts in _live_by_topic(counts).values() for c in topic_counts}
    return [c for c in counts if id(c) in live]


def _sides(counts: Sequence[Count]) -> tuple[Count, ...]:
    """The counts incompatible with at least one count of another origin.

    Linear rather than pairwise, since one event may hold thousands of counts:
    c clashes with another origin's count exactly when some other origin's
    smallest high is below c.low, or its largest low is above c.high. Keeping
    the two best origins for each bound answers "best among the other origins".
    """
    # (origin, low, high) of each count, read once: attribute access per count and
    # pass is most of the cost on events with thousands of counts.
    figures = list(map(_ORIGIN_LOW_HIGH, counts))
    min_high: dict[str, float] = {}
    max_low: dict[str, float] = {}
    for origin, low, high in figures:
        top = math.inf if high is None else high
        if origin not in max_low:
            min_high[origin], max_low[origin] = top, low
            continue
        if top < min_high[origin]:
            min_high[origin] = top
        if low > max_low[origin]:
            max_low[origin] = low
    if len(min_high) < 2:
        return ()  # one origin: nothing to compare with
    # The two best of each bound; a count compares with the best of another origin.
    (high_origin, lowest_high), (_, next_lowest_high) = heapq.nsmallest(
        2, min_high.items(), key=itemgetter(1)
    )
    (low_origin, highest_low), (_, next_highest_low) = heapq.nlargest(
        2, max_low.items(), key=itemgetter(1)
    )
    # Sides gathered by interval, so that ordering them sorts the few distinct
    # intervals and then each interval's keys, both cheap.
    by_interval: dict[tuple[int, int | None], list[Count]] = {}
    for c, (origin, low, high) in zip(counts, figures, strict=True):
        below = next_lowest_high if origin == high_origin else lowest_high
        above = next_highest_low if origin == low_origin else highest_low
        if below < low or (high is not None and above > high):
            same = by_interval.get((low, high))
            if same is None:
                by_interval[(low, high)] = [c]
            else:
                same.append(c)
    sides: list[Count] = []
    for interval in sorted(by_interval, key=_interval_order):
        sides += sorted(by_interval[interval], key=_KEY)
    return tuple(sides)


_ORIGIN_LOW_HIGH = attrgetter("origin", "low", "high")
_KEY = attrgetter("key")


def _interval_order(interval: tuple[int, int | None]) -> tuple[int, bool, int]:
    """Sides are ordered by low, then high with open last, then key."""
    low, high = interval
    return (low, high is None, high or 0)


_SPEAKER = attrgetter("speaker")
_LOW_HIGH = attrgetter("low", "high")


def _explain(sides: Sequence[Count], contradictions: Sequence[Contradiction]) -> str:
    # Sides come by interval (see _sides): describe each interval once, and name each
    # speaker once per interval, in order (dict.fromkeys drops repeats, keeps order).
    figures: list[str] = []
    for (low, high), same in groupby(sides, key=_LOW_HIGH):
        said = _describe(low, high)
        figures += [f"{speaker} says {said}" for speaker in dict.fromkeys(map(_SPEAKER, same))]
    parts = []
    if figures:
        verdict = "no figure fits both" if len(figures) <= 2 else "no figure fits them all"
        parts.append(f"{'; '.join(figures)}: {verdict}")
    parts.extend(
        dict.fromkeys(
            f"{x.speaker} (verified) contradicts {x.claimant}'s claim" for x in contradictions
        )
    )
    return "; ".join(parts) + "."


def find_conflicts(
    counts: Iterable[Count], contradictions: Iterable[Contradiction] = ()
) -> list[Conflict]:
    """The conflicts among one event's counts, one per (measure, group), sorted by both.

    `contradictions` are the verified contradicting attributions without a figure;
    the caller leaves out unverified and rejected ones.
    """
    by_topic = _live_by_topic(counts)

    against: dict[tuple[str, str], set[Contradiction]] = defaultdict(set)
    contradictions = list(contradictions)
    if contradictions:
        # Origins with a live count, per (topic, claim): a contradiction needs its
        # claim to take part, and a party contradicting its own claim revises it.
        claim_origins: dict[tuple[str, str, str], set[str]] = defaultdict(set)
        for topic, topic_counts in by_topic.items():
            for c in topic_counts:
                # A count standing for several claims (claim_ids) speaks for each of them.
                for claim_key in c.keys if c.claim_ids else (c.claim_key,):
                    claim_origins[(*topic, claim_key)].add(c.origin)
        for x in contradictions:
            topic = _topic(x.measure, x.group)
            if claim_origins.get((*topic, x.claim_key), set()) - {x.origin}:
                against[topic].add(x)

    conflicts = []
    for topic in sorted(by_topic):
        sides = _sides(by_topic[topic])
        contra = tuple(sorted(against.get(topic, ()), key=lambda x: (x.speaker, x.claimant, x.key)))
        if sides or contra:
            conflicts.append(Conflict(*topic, sides, contra, _explain(sides, contra)))
    return conflicts


def corroboration_status(
    *,
    claimant_origin: str,
    claim_low: int | None,
    claim_high: int | None,
    supports: Iterable[Support],
    has_open_flag: bool,
) -> Corroboration:
    """A claim's corroboration status, derived from its attributions.

    Only verified supports count. A support is independent when its origin is
    not the claimant's and it does not merely relay the claim (a relay repeats
    the claimant; a different rendering of it is a translation issue). Then:
    - CONTESTED: an open conflict flag on the claim, or an independent support
      that contradicts, or whose figure is incompatible with the claim's;
    - CORROBORATED: an independent support that corroborates or asserts, with a
      compatible figure or none;
    - SINGLE_SOURCE: verified supports, but none independent;
    - UNVERIFIED: no verified support.
    A claim without a figure (claim_low None) cannot disagree on a figure.
    """
    verified = [s for s in supports if s.verification == Verification.VERIFIED]
    independent = [s for s in verified if s.origin != claimant_origin and s.stance != Stance.RELAYS]

    def figure_disagrees(s: Support) -> bool:
        if s.low is None or claim_low is None:
            return False
        return not _compatible((s.low, s.high), (claim_low, claim_high))

    if has_open_flag or any(
        s.stance == Stance.CONTRADICTS or figure_disagrees(s) for s in independent
    ):
        return Corroboration.CONTESTED
    if any(s.stance in (Stance.CORROBORATES, Stance.ASSERTS) for s in independent):
        return Corroboration.CORROBORATED
    if verified:
        return Corroboration.SINGLE_SOURCE
    return Corroboration.UNVERIFIED
