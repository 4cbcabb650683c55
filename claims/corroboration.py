"""How well each claim of an event is supported: corroboration and credibility.

Pure Python, no Django: ANALYSIS.md sections 2, 5 and 7. The recheck stores the
result on each claim (``Claim.corroboration``, ``Claim.credibility``), which is
what the queues, the API and ClaimReview read; the review guard computes it again
under a lock before it allows "confirmed".

Only verified attributions from an origin other than the claimant's count as
independent, and relays never do. Per claim, the first that holds:
- **contested**: one of the claim's own live figures is on a side of an open
  conflict, or a verified independent source disputes its toll, or the event;
- **figure corroborated**: an independent verified source gives a figure of the
  same measure, for the claim's group or one containing it, that shares a value
  with the claim's;
- **event confirmed**: an independent verified source confirms the event but gives
  no figure, or a figure of another measure or group;
- **single source**: verified attributions on the claim, none independent;
- **unverified**: nothing verified yet.
A claim whose origin has since given a later figure (superseded) is judged on its
own attributions alone. A dispute of the perpetrator ("we did not carry out the
strike") shows as "responsibility disputed" and never contests the claim.

Credibility, on the Admiralty scale, proposed for an editor to accept or override:
1 the figure corroborated by two or more independent origins; 2 corroborated by
one; 3 event confirmed, or a single source rated A or B; 4 a single source rated C
to E; 5 contested with the stronger side against it; 6 cannot be judged (nothing
verified, a single source rated F, or contested between sides of equal strength).
A side's strength is how many origins on it have a verified attribution, then the
best reliability among them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import IntEnum, StrEnum

from claims.conflicts import Conflict, Figure, Scope, Stance, Statement, Verification
from claims.groups import Group, group_contains, topic_contains

__all__ = [
    "Assessment",
    "Corroboration",
    "Credibility",
    "assess_claims",
    "reliability_rank",
    "verification_effect",
]


class Corroboration(StrEnum):
    CONTESTED = "contested"
    FIGURE_CORROBORATED = "figure_corroborated"
    EVENT_CONFIRMED = "event_confirmed"
    SINGLE_SOURCE = "single_source"
    UNVERIFIED = "unverified"


class Credibility(IntEnum):
    CONFIRMED = 1
    PROBABLY_TRUE = 2
    POSSIBLY_TRUE = 3
    DOUBTFUL = 4
    IMPROBABLE = 5
    CANNOT_BE_JUDGED = 6


RELIABILITY = "ABCDEF"  # best first


def reliability_rank(letter: str) -> int:
    """0 for A (completely reliable) to 5 for F (cannot be judged); unknown is F."""
    return RELIABILITY.index(letter) if letter and letter in RELIABILITY else len(RELIABILITY) - 1


@dataclass(frozen=True, slots=True)
class Assessment:
    """What the desk reads about one claim, and why."""

    claim_id: int
    group: Group
    corroboration: Corroboration
    credibility: Credibility
    superseded: bool  # its origin stands by a later figure
    responsibility_disputed: bool
    because: str  # one line for the desk: which sources decided it


@dataclass(frozen=True, slots=True)
class _Evidence:
    """A verified, independent attribution as corroboration sees it."""

    statement: Statement
    figure: Figure | None  # its own figure, or the claim's when it asserts that claim


# What a figure is, for the questions below: its topic and its interval.
FigureKey = tuple[str, str, int, int | None]


def _figure_key(s: Statement) -> FigureKey:
    assert s.figure is not None
    return (s.measure, s.group.key, s.figure.low, s.figure.high)


def assess_claims(
    statements: Sequence[Statement],
    live: Iterable[Statement],
    open_conflicts: Iterable[Conflict],
) -> dict[int, Assessment]:
    """Each claim's assessment. ``live``: ``conflicts.live_statements(statements)``;
    ``open_conflicts``: the conflicts the desk has not dismissed or settled."""
    event = _Event(statements, {s.key for s in live}, open_conflicts)
    by_claim: dict[int, list[Statement]] = defaultdict(list)
    for s in statements:
        if not s.is_claim:
            by_claim[s.claim_id].append(s)
    return {
        claim.claim_id: _Claim(claim, by_claim[claim.claim_id], event).assess()
        for claim in event.claims.values()
    }


def _evidence(s: Statement, claims: dict[int, Statement]) -> _Evidence | None:
    """A verified attribution that is not a relay, with the figure it gives (if any)."""
    if s.is_claim or s.excluded or s.verification != Verification.VERIFIED:
        return None
    if s.stance == Stance.RELAYS:
        return None
    figure = s.figure
    if figure is None and s.stance == Stance.ASSERTS and s.claim_id in claims:
        figure = claims[s.claim_id].figure  # asserting a claim gives the claim's figure
    if figure is not None and figure.qualifier == "hedged":
        figure = None  # a hedged figure confirms that something happened, no more
    return _Evidence(s, figure)


class _Event:
    """What every claim of one event is judged against, gathered once.

    An event can hold thousands of claims that repeat a few figures from a few dozen
    origins; asking each claim's questions of every other statement would be
    quadratic (a second and more at 1,000 claims). So the answers are kept per origin
    and per figure (``FigureKey``), which claims share.
    """

    def __init__(
        self, statements: Sequence[Statement], live_keys: set[str], conflicts: Iterable[Conflict]
    ) -> None:
        self.claims = {s.claim_id: s for s in statements if s.is_claim}
        self.live_keys = live_keys
        self.on_open_sides: dict[str, list[Conflict]] = defaultdict(list)
        for conflict in conflicts:
            for key in conflict.keys:
                self.on_open_sides[key].append(conflict)
        self.evidence = [e for s in statements if (e := _evidence(s, self.claims)) is not None]
        self.verified_origins = {e.statement.origin for e in self.evidence} | {
            s.origin
            for s in statements
            if s.verification == Verification.VERIFIED and not s.excluded
            and s.stance != Stance.RELAYS
        }  # fmt: skip
        self._independent: dict[str, list[_Evidence]] = {}
        self._agreeing: dict[tuple[str, FigureKey], list[Statement]] = {}
        self._clashing: dict[tuple[int, FigureKey], dict[str, Statement]] = {}
        self._distinct_sides: dict[int, list[Statement]] = {}

    def independent(self, origin: str) -> list[_Evidence]:
        """Verified evidence from origins other than ``origin``."""
        if origin not in self._independent:
            self._independent[origin] = [e for e in self.evidence if e.statement.origin != origin]
        return self._independent[origin]

    def agreeing(self, claim: Statement) -> list[Statement]:
        """Independent verified figures of the claim's measure, for its group or one
        containing it, that share a value with its figure."""
        key = (claim.origin, _figure_key(claim))
        if key not in self._agreeing:
            assert claim.figure is not None
            self._agreeing[key] = [
                e.statement
                for e in self.independent(claim.origin)
                if e.figure is not None
                and e.statement.stance != Stance.CONTRADICTS
                and e.statement.measure == claim.measure
                and group_contains(e.statement.group, claim.group)
                and e.figure.fits(claim.figure)
            ]
        return self._agreeing[key]

    def _distinct(self, conflict: Conflict) -> list[Statement]:
        """The conflict's statements, one per origin and figure."""
        if id(conflict) not in self._distinct_sides:
            one_each = {
                (o.origin, _figure_key(o) if o.figure is not None else None): o
                for o in reversed((*conflict.sides, *conflict.disputes))
            }
            self._distinct_sides[id(conflict)] = list(reversed(one_each.values()))
        return self._distinct_sides[id(conflict)]

    def opposed(self, conflict: Conflict, own: Statement) -> list[Statement]:
        """One statement per other origin in ``conflict`` whose figure clashes with ``own``'s."""
        key = (id(conflict), _figure_key(own))
        if key not in self._clashing:
            clashing: dict[str, Statement] = {}
            for other in self._distinct(conflict):
                if other.origin not in clashing and _clash(other, own):
                    clashing[other.origin] = other
            self._clashing[key] = clashing
        return [s for origin, s in self._clashing[key].items() if origin != own.origin]


class _Claim:
    """One claim with what bears on it; ``assess`` applies the rules in order."""

    def __init__(self, claim: Statement, attributions: list[Statement], event: _Event) -> None:
        self.claim = claim
        self.own = [claim, *attributions]
        self.event = event
        self.superseded = claim.key not in event.live_keys
        # A superseded claim is judged on its own attributions alone (section 5).
        self.independent = [
            e
            for e in event.independent(claim.origin)
            if not self.superseded or e.statement.claim_id == claim.claim_id
        ]
        agreeing = event.agreeing(claim)
        if self.superseded:
            agreeing = [s for s in agreeing if s.claim_id == claim.claim_id]
        self.agreeing = agreeing

    def assess(self) -> Assessment:
        corroboration, because, against = self._corroboration()
        return Assessment(
            claim_id=self.claim.claim_id,
            group=self.claim.group,
            corroboration=corroboration,
            credibility=self._credibility(corroboration, against),
            superseded=self.superseded,
            responsibility_disputed=any(
                s.stance == Stance.CONTRADICTS
                and s.disputes == Scope.PERPETRATOR
                and s.verification != Verification.REJECTED
                and not s.excluded
                for s in self.own
            ),
            because=because,
        )

    def _corroboration(self) -> tuple[Corroboration, str, list[Statement]]:
        """The state, a line saying why, and the statements against the claim."""
        against = self._against()
        if against:
            return Corroboration.CONTESTED, _named("contested by", against), against
        if self.agreeing:
            return Corroboration.FIGURE_CORROBORATED, _named("figure given by", self.agreeing), []
        confirming = [
            e.statement
            for e in self.independent
            if e.statement.stance in (Stance.ASSERTS, Stance.CORROBORATES)
        ]
        if confirming:
            return Corroboration.EVENT_CONFIRMED, _named("event confirmed by", confirming), []
        # Verified statements that the claim was made (a denial is not one).
        verified = [
            s
            for s in self.own[1:]
            if s.verification == Verification.VERIFIED
            and not s.excluded
            and s.stance != Stance.CONTRADICTS
        ]
        if verified:
            return Corroboration.SINGLE_SOURCE, _named("verified:", verified), []
        return Corroboration.UNVERIFIED, "Nothing verified yet.", []

    def _against(self) -> list[Statement]:
        """Figures in open conflicts with the claim's own live ones, and disputes of it."""
        against: dict[str, Statement] = {}
        for s in self.own:
            live_figure = s.key in self.event.live_keys and s.figure is not None
            if s.origin == self.claim.origin and live_figure:
                for conflict in self.event.on_open_sides.get(s.key, ()):
                    against.update((o.key, o) for o in self.event.opposed(conflict, s))
        for e in self.independent:
            if e.figure is None and self._disputes_claim(e.statement):
                against[e.statement.key] = e.statement
        return list(against.values())

    def _disputes_claim(self, s: Statement) -> bool:
        """A dispute of this claim's toll, or of the event itself."""
        if s.stance != Stance.CONTRADICTS:
            return False
        if s.disputes == Scope.EVENT:
            return True
        # A dispute of the toll stands until its origin gives a figure of its own.
        return (
            s.disputes == Scope.TOLL
            and s.claim_id == self.claim.claim_id
            and s.key in self.event.live_keys
        )

    def _credibility(self, corroboration: Corroboration, against: list[Statement]) -> Credibility:
        letter = self.claim.reliability
        if corroboration == Corroboration.CONTESTED:
            opposed = {s.key for s in against}
            supporting = [self.claim, *(s for s in self.agreeing if s.key not in opposed)]
            stronger = self._strength(against) > self._strength(supporting)
            return Credibility.IMPROBABLE if stronger else Credibility.CANNOT_BE_JUDGED
        if corroboration == Corroboration.FIGURE_CORROBORATED:
            origins = {s.origin for s in self.agreeing}
            return Credibility.CONFIRMED if len(origins) >= 2 else Credibility.PROBABLY_TRUE
        if corroboration == Corroboration.EVENT_CONFIRMED or (
            corroboration == Corroboration.SINGLE_SOURCE and letter in "AB"
        ):
            return Credibility.POSSIBLY_TRUE
        if corroboration == Corroboration.SINGLE_SOURCE and letter in "CDE":
            return Credibility.DOUBTFUL
        return Credibility.CANNOT_BE_JUDGED

    def _strength(self, side: Iterable[Statement]) -> tuple[int, int]:
        """(origins with a verified attribution, best reliability), larger is stronger."""
        side = list(side)
        verified = {s.origin for s in side if s.origin in self.event.verified_origins}
        best = min((s.reliability for s in side), default="F")  # "A" sorts first
        return (len(verified), -reliability_rank(best))


def _clash(other: Statement, own: Statement) -> bool:
    """Whether the two figures cannot both be right (ANALYSIS.md section 3)."""
    assert own.figure is not None
    if other.figure is None:  # a dispute of the toll
        return True
    if other.topic_key == own.topic_key:
        return not other.figure.fits(own.figure)
    if topic_contains((other.measure, other.group), (own.measure, own.group)):
        return _exceeds(own.figure, other.figure)  # own is the part
    if topic_contains((own.measure, own.group), (other.measure, other.group)):
        return _exceeds(other.figure, own.figure)  # own is the whole
    return False


def _exceeds(part: Figure, whole: Figure) -> bool:
    return whole.high is not None and part.low > whole.high


def _named(what: str, statements: Sequence[Statement]) -> str:
    names = list(dict.fromkeys(s.source for s in statements))
    shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
    return f"{what[0].upper()}{what[1:]} {shown}."


def verification_effect(
    *,
    stance: Stance,
    disputes: Scope | None,
    same_origin: bool,
    figure: Figure | None,
    claim_figure: Figure,
) -> str:
    """What verifying one attribution would decide for its claim, in a line for the
    fact-checker's queue (the rules above, read for a single attribution)."""
    if stance == Stance.RELAYS:
        return "A relay: shows the claim was reported; never corroborates it."
    if same_origin:
        return "The claimant's own side: a single source at most, never corroboration."
    if stance == Stance.CONTRADICTS:
        return {
            Scope.EVENT: "Would contest every claim of the event (no such event).",
            Scope.PERPETRATOR: "Would mark responsibility disputed; the figure stands.",
        }.get(disputes or Scope.TOLL, "Would contest the claim's toll.")
    if figure is None:
        return "Would confirm the event, not the figure (it gives no figure)."
    if figure.fits(claim_figure):
        return f"Would corroborate the figure ({figure.words()} fits {claim_figure.words()})."
    return f"Its figure ({figure.words()}) does not fit the claim's: confirms the event only."
