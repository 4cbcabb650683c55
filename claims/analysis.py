"""Everything Verifier concludes about one event, from one set of statements.

Pure Python, no Django: ANALYSIS.md as one call. The recheck stores the result
(flags, each claim's corroboration and credibility, the tolls); the review guard and
the event page call it again. ``settled`` are the conflicts an editor dismissed or
resolved, as (measure, group key, fingerprint): a conflict whose figures have not
changed since stays closed, and does not make its claims contested.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from claims.conflicts import (
    Conflict,
    Scope,
    Stance,
    Statement,
    Verification,
    find_conflicts,
    live_statements,
)
from claims.conflicts import fingerprint as conflict_fingerprint
from claims.corroboration import Assessment, assess_claims
from claims.tolls import TollProposal, propose_tolls

__all__ = ["EventAnalysis", "Settled", "analyse"]

Settled = Collection[tuple[str, str, str]]  # (measure, group key, fingerprint)


@dataclass(frozen=True, slots=True)
class EventAnalysis:
    conflicts: tuple[tuple[Conflict, str], ...]  # every conflict, with its fingerprint
    open_conflicts: tuple[Conflict, ...]  # those not settled by an editor
    claims: dict[int, Assessment]
    tolls: tuple[TollProposal, ...]
    event_disputes: tuple[Statement, ...]  # verified: "no such attack took place"
    live_keys: frozenset[str]


def analyse(statements: Iterable[Statement], settled: Settled = ()) -> EventAnalysis:
    statements = list(statements)
    live = live_statements(statements)
    conflicts = tuple((c, conflict_fingerprint(c)) for c in find_conflicts(statements))
    still_open = tuple(c for c, mark in conflicts if (*c.topic_key, mark) not in settled)
    assessments = assess_claims(statements, live, still_open)
    return EventAnalysis(
        conflicts=conflicts,
        open_conflicts=still_open,
        claims=assessments,
        tolls=tuple(propose_tolls(live, assessments)),
        event_disputes=tuple(
            s
            for s in statements
            if s.stance == Stance.CONTRADICTS
            and s.disputes == Scope.EVENT
            and s.verification == Verification.VERIFIED
            and not s.excluded
        ),
        live_keys=frozenset(s.key for s in live),
    )
