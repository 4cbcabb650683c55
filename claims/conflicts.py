"""The figure each origin stands by, and which of those figures conflict.

Pure Python, no Django: ANALYSIS.md sections 1 to 4. The recheck turns one event's
claims and attributions into ``Statement`` values and calls ``find_conflicts``; the
pages and the API read what it stored, and the review guard calls it again under a
lock. Corroboration, credibility and tolls build on the same statements
(``claims.corroboration``, ``claims.tolls``, together in ``claims.analysis``).

- **Live figures** (section 1), per topic (measure and group) and origin: the origin's
  own statements outrank relays of it (a wire's "nearly 700" never replaces the
  ministry's 698); among them the latest publication wins, denials included (an
  undated statement is older than any dated one; statements of the same moment
  all stand). Rejected attributions, claims judged false and hedged counts take no
  part.
- **Conflicts** (section 3), between live figures of different origins: in the same
  topic when their intervals share no value; across topics when one contains the
  other (civilians inside people, killed inside killed-or-injured) and the part's
  low exceeds the whole's high. Siblings (civilians and fighters; killed and
  injured) never conflict. Each conflict is flagged on its containing topic.
- **Disputes** (section 2): a verified contradiction without a figure joins the
  conflict of the claim it disputes when it disputes the toll; disputes of the event
  or of the perpetrator are never count conflicts (see ``claims.corroboration``).
- **Dates** (section 4): every side's sentence carries the date its figure was
  published.

The result depends only on the set of statements, never on their order: the
recheck compares it with the stored flags to decide whether anything changed.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from claims.groups import Group, topic_contains

__all__ = [
    "Conflict",
    "Figure",
    "Scope",
    "Stance",
    "Statement",
    "Verification",
    "find_conflicts",
    "fingerprint",
    "live_statements",
]

HEDGED = "hedged"


class Stance(StrEnum):
    ASSERTS = "asserts"
    CORROBORATES = "corroborates"
    CONTRADICTS = "contradicts"
    RELAYS = "relays"


class Verification(StrEnum):
    UNVERIFIED = "unverified"
    VERIFIED = "verified"
    REJECTED = "rejected"


class Scope(StrEnum):
    """What a contradiction disputes (ANALYSIS.md section 2)."""

    TOLL = "toll"
    EVENT = "event"
    PERPETRATOR = "perpetrator"


@dataclass(frozen=True, slots=True)
class Figure:
    """A count as given: its interval, its point value for tolls, and the phrase."""

    low: int
    high: int | None  # None: open, no upper bound
    point: int  # ANALYSIS.md section 6: what the figure stands for in a toll
    qualifier: str  # COUNTS.md: exact, at_least, approx, ..., provisional, hedged
    text: str = ""

    def __post_init__(self) -> None:
        if self.high is not None and self.high < self.low:
            raise ValueError(f"a figure's high {self.high} is below its low {self.low}")

    def fits(self, other: Figure) -> bool:
        """Whether the two intervals share a value (COUNTS.md, "Comparing two counts")."""
        return (other.high is None or self.low <= other.high) and (
            self.high is None or other.low <= self.high
        )

    def words(self) -> str:
        if self.high is None:
            return f"at least {self.low}"
        if self.low == self.high:
            return str(self.low)
        return f"{self.low}\N{EN DASH}{self.high}"


@dataclass(frozen=True, slots=True)
class Statement:
    """One thing said about the event: a claim, or an attribution on a claim."""

    key: str  # "claim:12" or "attribution:40"
    claim_id: int
    origin: str  # the origin's key, of whoever stands by it; a relay: the relayed party
    speaker: str  # that origin as shown ("JNIM")
    source: str  # who said it, as shown: the claimant, or the attribution's source
    measure: str
    group: Group
    stance: Stance = Stance.ASSERTS
    figure: Figure | None = None
    published_at: datetime | None = None
    verification: Verification = Verification.UNVERIFIED
    disputes: Scope | None = None
    excluded: bool = False  # a rejected attribution, or its claim judged false
    reliability: str = "F"  # the source's letter on the Admiralty scale

    @property
    def is_claim(self) -> bool:
        return self.key.startswith("claim:")

    @property
    def topic_key(self) -> tuple[str, str]:
        return (self.measure, self.group.key)

    @property
    def via(self) -> str:
        """The outlet that relays the origin's figure, if this is a relay."""
        return self.source if self.stance == Stance.RELAYS else ""

    def takes_part(self) -> bool:
        """Whether it can be the figure its origin stands by (section 1)."""
        if self.excluded or self.verification == Verification.REJECTED:
            return False
        if self.figure is not None:
            return self.figure.qualifier != HEDGED
        # Without a figure, only a verified dispute of the toll is the origin's word on it.
        return (
            self.stance == Stance.CONTRADICTS
            and self.disputes == Scope.TOLL
            and self.verification == Verification.VERIFIED
        )


@dataclass(frozen=True, slots=True)
class Conflict:
    """Figures that cannot all be right, flagged on the topic that contains them all."""

    measure: str
    group: Group  # the containing group: the flag is on it
    sides: tuple[Statement, ...]  # by low, high (open last), date, key
    disputes: tuple[Statement, ...]  # verified disputes of the toll without a figure
    explanation: str

    @property
    def topic_key(self) -> tuple[str, str]:
        return (self.measure, self.group.key)

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(s.key for s in (*self.sides, *self.disputes))


# --- Section 1: the figure an origin stands by ------------------------------------------------
def _published(statement: Statement) -> datetime | None:
    return statement.published_at


def live_statements(statements: Iterable[Statement]) -> list[Statement]:
    """The statements each origin stands by now, per topic; input order kept."""
    statements = list(statements)
    by_origin: dict[tuple[str, str, str], list[Statement]] = defaultdict(list)
    for s in statements:
        if s.takes_part():
            by_origin[(*s.topic_key, s.origin)].append(s)
    live: set[str] = set()
    for said in by_origin.values():
        own = [s for s in said if s.stance != Stance.RELAYS]
        pool = own or said  # a relay stands in only when the origin said nothing itself
        dated = [s.published_at for s in pool if s.published_at is not None]
        latest = max(dated) if dated else None
        live.update(s.key for s in pool if s.published_at == latest)
    return [s for s in statements if s.key in live]


# --- Section 3: which live figures conflict --------------------------------------------------
class _Bounds:
    """Per origin, the lowest high and the highest low of its figures in one topic.

    Answers "is some other origin's figure wholly below (or above) this one?" in
    constant time, by keeping the two best origins for each bound: an event can
    hold thousands of figures, and comparing them pairwise would be quadratic.
    """

    def __init__(self, figures: Iterable[Statement]) -> None:
        lowest_high: dict[str, float] = {}
        highest_low: dict[str, float] = {}
        for s in figures:
            assert s.figure is not None
            high = math.inf if s.figure.high is None else s.figure.high
            lowest_high[s.origin] = min(high, lowest_high.get(s.origin, math.inf))
            highest_low[s.origin] = max(s.figure.low, highest_low.get(s.origin, -math.inf))
        self._lowest = sorted((v, o) for o, v in lowest_high.items())[:2]
        self._highest = sorted(((v, o) for o, v in highest_low.items()), reverse=True)[:2]

    def lowest_high_besides(self, origin: str) -> float:
        return next((v for v, o in self._lowest if o != origin), math.inf)

    def highest_low_besides(self, origin: str) -> float:
        return next((v for v, o in self._highest if o != origin), -math.inf)


def _below(s: Statement, bounds: _Bounds) -> bool:
    """Some other origin's figure lies wholly below this one."""
    assert s.figure is not None
    return bounds.lowest_high_besides(s.origin) < s.figure.low


def _above(s: Statement, bounds: _Bounds) -> bool:
    """Some other origin's figure lies wholly above this one."""
    assert s.figure is not None
    high = math.inf if s.figure.high is None else s.figure.high
    return bounds.highest_low_besides(s.origin) > high


def _order(s: Statement) -> tuple[int, bool, int, float, str]:
    assert s.figure is not None
    figure = s.figure
    when = s.published_at.timestamp() if s.published_at is not None else -math.inf
    return (figure.low, figure.high is None, figure.high or 0, when, s.key)


@dataclass(frozen=True, slots=True)
class _PartClash:
    """Figures of a part that exceed figures of its whole."""

    part: tuple[Statement, ...]
    whole: tuple[Statement, ...]


def find_conflicts(statements: Iterable[Statement]) -> list[Conflict]:
    """One event's conflicts, one per containing topic, sorted by measure and group key."""
    live = live_statements(statements)
    figures: dict[tuple[str, str], list[Statement]] = defaultdict(list)
    topics: dict[tuple[str, str], tuple[str, Group]] = {}
    for s in sorted(live, key=lambda s: s.key):  # the same group label whatever the order
        if s.figure is not None:
            figures[s.topic_key].append(s)
            topics.setdefault(s.topic_key, (s.measure, s.group))
    bounds = {key: _Bounds(said) for key, said in figures.items()}
    same: dict[tuple[str, str], list[Statement]] = {}
    parts: dict[tuple[str, str], list[_PartClash]] = defaultdict(list)
    for key, said in figures.items():
        same[key] = [s for s in said if _below(s, bounds[key]) or _above(s, bounds[key])]
        for whole in topics:
            if whole != key and topic_contains(topics[whole], topics[key]):
                part = [s for s in said if _below(s, bounds[whole])]
                if part:
                    over = [w for w in figures[whole] if _above(w, bounds[key])]
                    parts[whole].append(_PartClash(_sorted(part), _sorted(over)))
    disputes = _toll_disputes(live)
    conflicts = []
    for key in sorted(topics):
        against = tuple(sorted(disputes.get(key, ()), key=lambda s: (s.speaker, s.key)))
        clashes = sorted(parts.get(key, ()), key=lambda c: c.part[0].topic_key)
        sides = {*same[key], *(s for c in clashes for s in (*c.part, *c.whole))}
        if sides or against:
            measure, group = topics[key]
            sentence = _explain(_sorted(same[key]), clashes, against)
            conflicts.append(Conflict(measure, group, _sorted(sides), against, sentence))
    return conflicts


def _sorted(statements: Iterable[Statement]) -> tuple[Statement, ...]:
    return tuple(sorted(statements, key=_order))


def _toll_disputes(live: Sequence[Statement]) -> dict[tuple[str, str], list[Statement]]:
    """Verified disputes of a toll, by the topic of the claim they dispute.

    A dispute counts when the claim's own figure is still live and comes from another
    origin: a party disputing its own figure has revised it, not contradicted it.
    """
    live_claims = {s.claim_id: s for s in live if s.is_claim}
    found: dict[tuple[str, str], list[Statement]] = defaultdict(list)
    for s in live:
        if s.figure is None:
            claim = live_claims.get(s.claim_id)
            if claim is not None and claim.origin != s.origin:
                found[s.topic_key].append(s)
    return found


def fingerprint(conflict: Conflict) -> str:
    """Which statements, with which figures, make the conflict: changes when either does.

    Migration 0008 computes the same from the sides a flag stored; change both together.
    """
    lines = [
        f"{s.key}={s.figure.low}-{s.figure.high}" for s in conflict.sides if s.figure is not None
    ]
    lines += [f"{s.key}=disputes" for s in conflict.disputes]
    return hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest()


# --- Section 4: the sentence the desk reads ---------------------------------------------------
# A flag names at most this many statements per clause; the rest are counted.
MAX_NAMED = 6


def _date(when: datetime | None) -> str:
    return f"{when.day} {when:%b %Y}" if when is not None else "date unknown"


def _said(s: Statement, *, group: bool, measure: bool, owned: bool = False) -> str:
    """ "JNIM said at least 6 Wagner fighters (21 Nov 2024)", or with ``owned``
    "JNIM's at least 6 Wagner fighters (21 Nov 2024)"."""
    assert s.figure is not None
    who = f"{s.speaker} (via {s.via})" if s.via else s.speaker
    what = s.figure.words()
    if group:
        what += f" {s.group.label}"
    if measure:
        what += f" {s.measure.replace('_', ' ')}"
    link = "'s" if owned else " said"
    return f"{who}{link} {what} ({_date(s.published_at)})"


def _said_all(said: Sequence[Statement], *, measure: bool = False, owned: bool = False) -> str:
    """Each distinct statement once, the group named on the first (and on every one
    whose group is written differently)."""
    shown: dict[str, None] = {}  # each sentence once, in order
    labels: set[str] = set()
    for s in said:
        first = s.group.label not in labels
        labels.add(s.group.label)
        shown[_said(s, group=first or measure, measure=measure, owned=owned)] = None
    named = list(shown)
    if len(named) > MAX_NAMED:
        named = [*named[:MAX_NAMED], f"{len(named) - MAX_NAMED} more"]
    return "; ".join(named) if not owned else ", ".join(named)


def _explain(
    same: Sequence[Statement], clashes: Sequence[_PartClash], disputes: Sequence[Statement]
) -> str:
    clauses = []
    if same:
        origins = {s.origin for s in same}
        verdict = "no figure fits both" if len(origins) <= 2 else "no figure fits them all"
        clauses.append(f"{_said_all(same)}: {verdict}")
    for clash in clashes:
        clauses.append(
            f"{_said_all(clash.part, measure=True)}, more than "
            f"{_said_all(clash.whole, measure=True, owned=True)} in all: "
            "a part cannot exceed its whole"
        )
    for d in disputes:
        clauses.append(
            f"{d.source} (verified, {_date(d.published_at)}) disputes the toll in "
            f"claim #{d.claim_id}"
        )
    return "; ".join(clauses) + "."
