"""The toll the desk can publish: low, best and high per measure and group.

Pure Python, no Django: ANALYSIS.md section 6, in the manner of UCDP's low / best /
high and ACLED's "most conservative available estimate". The recheck stores each
proposal on a ``Toll`` row; an editor confirms it or overrides it with a reason.

- Candidates: the live figures (``conflicts.live_statements``), one per origin, of
  exactly that measure and group (a figure for children is a candidate for the
  children's toll, not the civilians').
- A figure's point value (``Figure.point``): N for exact and approximate phrases, the
  low for "at least", "more than", provisional and vague amounts, the high for "at most".
- Low and high: the smallest and largest point value; best: the point value of the
  strongest candidate, ranked by its claim's corroboration (figure corroborated;
  then event confirmed or single source; then unverified or contested), then
  source reliability (A before F), then the latest, then the smaller value.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from claims.conflicts import Statement
from claims.corroboration import RELIABILITY, Assessment, Corroboration, reliability_rank
from claims.groups import Group

__all__ = ["TollProposal", "propose_tolls"]

# How much a claim's corroboration weighs when choosing the best figure: lower first.
RANK = {
    Corroboration.FIGURE_CORROBORATED: 0,
    Corroboration.EVENT_CONFIRMED: 1,
    Corroboration.SINGLE_SOURCE: 1,
    Corroboration.UNVERIFIED: 2,
    Corroboration.CONTESTED: 2,
}
RANK_WORDS = {0: "figure corroborated", 1: "confirmed in part", 2: "not yet corroborated"}


@dataclass(frozen=True, slots=True)
class TollProposal:
    measure: str
    group: Group
    low: int
    best: int
    high: int
    # The claims behind each number.
    low_claims: tuple[int, ...]
    best_claims: tuple[int, ...]
    high_claims: tuple[int, ...]
    candidates: tuple[Statement, ...]  # one per origin, strongest first
    method: str

    @property
    def topic_key(self) -> tuple[str, str]:
        return (self.measure, self.group.key)


def _point(s: Statement) -> int:
    assert s.figure is not None
    return s.figure.point


def _strength(
    s: Statement, assessments: Mapping[int, Assessment]
) -> tuple[int, int, float, int, str]:
    """Sort key: the strongest candidate first (section 6's ranking)."""
    assessment = assessments.get(s.claim_id)
    rank = RANK[assessment.corroboration] if assessment else 2
    letter = reliability_rank(s.reliability)
    latest = -s.published_at.timestamp() if s.published_at is not None else math.inf
    # Last the key, so that equals are ranked the same whatever order they came in.
    return (rank, letter, latest, _point(s), s.key)


def propose_tolls(
    live: Iterable[Statement], assessments: Mapping[int, Assessment]
) -> list[TollProposal]:
    """One proposal per measure and group that has a live figure, sorted by both."""
    by_topic: dict[tuple[str, str], dict[str, list[Statement]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for s in live:
        if s.figure is not None:
            by_topic[s.topic_key][s.origin].append(s)

    def rank(s: Statement) -> tuple[int, int, float, int, str]:
        return _strength(s, assessments)

    proposals = []
    for key in sorted(by_topic):
        # An origin with several figures of the same moment offers its strongest.
        candidates = sorted((min(said, key=rank) for said in by_topic[key].values()), key=rank)
        proposals.append(_proposal(candidates, assessments))
    return proposals


def _proposal(candidates: list[Statement], assessments: Mapping[int, Assessment]) -> TollProposal:
    points = [_point(s) for s in candidates]
    low, high = min(points), max(points)
    strongest = candidates[0]
    best = _point(strongest)

    def behind(value: int) -> tuple[int, ...]:
        return tuple(sorted({s.claim_id for s in candidates if _point(s) == value}))

    rank, letter, *_ = _strength(strongest, assessments)
    when = strongest.published_at
    date = f", {when.day} {when:%b %Y}" if when else ""
    origins = f"{len(candidates)} origins'" if len(candidates) > 1 else "one origin's"
    method = (
        f"Low and high: the smallest and largest of {origins} current figures; "
        f"best: {strongest.speaker}'s {best} ({RANK_WORDS[rank]}, "
        f"reliability {RELIABILITY[letter]}{date})."
    )
    return TollProposal(
        measure=strongest.measure,
        group=strongest.group,
        low=low,
        best=best,
        high=high,
        low_claims=behind(low),
        best_claims=(strongest.claim_id,),
        high_claims=behind(high),
        candidates=tuple(candidates),
        method=method,
    )
