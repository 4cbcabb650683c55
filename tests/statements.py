"""Building statements for the pure rules' tests, in the words of ANALYSIS.md's cases."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import count
from typing import Any

from claims.conflicts import Figure, Scope, Stance, Statement, Verification
from claims.groups import DEFAULT_VOCABULARY

_ids = count(1)


def day(d: int, month: int = 2, year: int = 2020) -> datetime:
    return datetime(year, month, d, 12, tzinfo=UTC)


def figure(low: int, high: int | None = -1, *, point: int | None = None, q: str = "") -> Figure:
    """``figure(5)`` is exactly 5; ``figure(21, None)`` at least 21; ``figure(3, 9)`` a range."""
    high = low if high == -1 else high
    qualifier = q or ("exact" if high == low else "at_least" if high is None else "range")
    return Figure(low, high, low if point is None else point, qualifier, str(low))


def claim(
    origin: str,
    fig: Figure,
    *,
    group: str = "civilians",
    measure: str = "killed",
    at: datetime | None = None,
    claim_id: int | None = None,
    reliability: str = "F",
    excluded: bool = False,
) -> Statement:
    """A claim by ``origin`` (its own statement)."""
    claim_id = claim_id or next(_ids)
    return Statement(
        key=f"claim:{claim_id}",
        claim_id=claim_id,
        origin=origin.casefold(),
        speaker=origin,
        source=origin,
        measure=measure,
        group=DEFAULT_VOCABULARY.resolve(group),
        figure=fig,
        published_at=at,
        excluded=excluded,
        reliability=reliability,
    )


def attribution(
    on: Statement,
    source: str,
    stance: Stance = Stance.ASSERTS,
    fig: Figure | None = None,
    *,
    origin: str | None = None,
    at: datetime | None = None,
    verified: bool | str = False,
    disputes: Scope | None = None,
    reliability: str = "F",
) -> Statement:
    """An attribution on claim ``on`` by ``source`` (whose origin is ``origin`` or itself).

    A relay speaks for the claim's origin, as ``claims.selectors`` builds it.
    """
    origin_name = on.speaker if stance == Stance.RELAYS else origin or source
    verification = (
        Verification(verified)
        if isinstance(verified, str)
        else (Verification.VERIFIED if verified else Verification.UNVERIFIED)
    )
    return Statement(
        key=f"attribution:{next(_ids)}",
        claim_id=on.claim_id,
        origin=origin_name.casefold(),
        speaker=origin_name,
        source=source,
        measure=on.measure,
        group=on.group,
        stance=stance,
        figure=fig,
        published_at=at,
        verification=verification,
        disputes=disputes,
        excluded=on.excluded or verification == Verification.REJECTED,
        reliability=reliability,
    )


def keys(items: Any) -> set[str]:
    return {s.key for s in items}
