"""Tests for claims.conflicts: the conflict rules of COUNTS.md and corroboration status."""

import itertools
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claims.conflicts import (
    Conflict,
    Contradiction,
    Corroboration,
    Count,
    Stance,
    Support,
    Verification,
    corroboration_status,
    find_conflicts,
    group_key,
    live_counts,
)

EVENTS = Path(__file__).resolve().parents[2] / "shared" / "data" / "events.dev.jsonl"
T0 = datetime(2024, 7, 27, 12, 0, tzinfo=UTC)


def count(
    key: str,
    origin: str,
    low: int,
    high: int | None,
    *,
    measure: str = "killed",
    group: str = "Wagner fighters",
    at: datetime | None = None,
    claim_key: str | None = None,
    speaker: str | None = None,
    **extra: object,
) -> Count:
    return Count(
        key=key,
        claim_key=claim_key or key,
        origin=origin,
        speaker=speaker or origin,
        measure=measure,
        group=group,
        low=low,
        high=high,
        published_at=at,
        **extra,  # type: ignore[arg-type]
    )


def contradiction(key: str, origin: str, claim_key: str, claimant: str) -> Contradiction:
    return Contradiction(
        key=key,
        claim_key=claim_key,
        origin=origin,
        speaker=origin,
        measure="killed",
        group="Wagner fighters",
        claimant=claimant,
    )


def compatible(a: Count, b: Count) -> bool:
    """The rule of COUNTS.md, written out again so the tests do not trust the module."""
    inf = float("inf")
    a_high = inf if a.high is None else a.high
    b_high = inf if b.high is None else b.high
    return a.low <= b_high and b.low <= a_high


# --- groups and the basic rule ------------------------------------------------


def test_group_key_casefolds_trims_and_collapses_whitespace() -> None:
    assert group_key("  Wagner \t  FIGHTERS\n") == "wagner fighters"
    assert group_key("Straße") == group_key("STRASSE")


def test_nearly_50_against_84_conflicts() -> None:
    nearly_50 = count("claim:1", "JNIM", 45, 50)
    eighty_four = count("claim:2", "CSP-DPA", 84, 84)
    [conflict] = find_conflicts([eighty_four, nearly_50])
    assert conflict.measure == "killed"
    assert conflict.group == "wagner fighters"
    assert conflict.sides == (nearly_50, eighty_four)
    assert conflict.contradictions == ()
    assert conflict.keys == {"claim:1", "claim:2"}
    assert conflict.explanation == (
        "JNIM says 45\N{EN DASH}50; CSP-DPA says 84 (exactly): no figure fits both."
    )


def test_at_least_six_and_several_are_compatible() -> None:
    assert find_conflicts([count("claim:1", "JNIM", 6, None), count("claim:2", "FAMa", 3, 9)]) == []


def test_touching_intervals_are_compatible() -> None:
    counts = [count("claim:1", "A", 45, 50), count("claim:2", "B", 50, None)]
    assert find_conflicts(counts) == []


def test_groups_match_through_group_key() -> None:
    counts = [
        count("claim:1", "JNIM", 50, 50, group="Wagner fighters"),
        count("claim:2", "CSP-DPA", 84, None, group=" wagner  FIGHTERS "),
    ]
    [conflict] = find_conflicts(counts)
    assert conflict.group == "wagner fighters"


def test_different_measures_never_conflict() -> None:
    # Bodies seen on video against a death toll; killed against killed-or-wounded.
    counts = [
        count("claim:1", "Reuters", 5, 5, measure="bodies seen"),
        count("claim:2", "JNIM", 50, 50, measure="killed"),
        count("claim:3", "FAMa", 200, 200, measure="killed or wounded"),
    ]
    assert find_conflicts(counts) == []


def test_different_groups_never_conflict() -> None:
    counts = [
        count("claim:1", "JNIM", 50, 50, group="Wagner fighters"),
        count("claim:2", "FAMa", 2, 2, group="Malian soldiers"),
    ]
    assert find_conflicts(counts) == []


def test_sides_are_only_the_incompatible_counts_in_a_fixed_order() -> None:
    counts = [
        count("claim:3", "CSP-DPA", 84, None),
        count("claim:9", "CSP-DPA", 84, 84),
        count("claim:4", "Bloggers", 20, None),  # fits everyone: not a side
        count("claim:2", "JNIM", 50, 50),
        count("claim:1", "Rusich", 81, None),
        count("claim:8", "Rusich", 81, None, speaker="Former commander"),
    ]
    [conflict] = find_conflicts(counts)
    # By low, then high with open last, then key.
    assert [c.key for c in conflict.sides] == [
        "claim:2",
        "claim:1",
        "claim:8",
        "claim:9",
        "claim:3",
    ]


def test_conflicts_are_sorted_by_measure_then_group() -> None:
    counts = [
        count("claim:1", "A", 1, 1, measure="wounded", group="b"),
        count("claim:2", "B", 9, 9, measure="wounded", group="b"),
        count("claim:3", "A", 1, 1, measure="killed", group="z"),
        count("claim:4", "B", 9, 9, measure="killed", group="z"),
        count("claim:5", "A", 1, 1, measure="killed", group="a"),
        count("claim:6", "B", 9, 9, measure="killed", group="a"),
    ]
    topics = [(c.measure, c.group) for c in find_conflicts(counts)]
    assert topics == [("killed", "a"), ("killed", "z"), ("wounded", "b")]


def test_a_reversed_interval_is_refused() -> None:
    with pytest.raises(ValueError, match="below low"):
        find_conflicts([count("claim:1", "A", 10, 5), count("claim:2", "B", 1, 1)])


# --- what takes part: exclusions, revisions, origins --------------------------


def test_excluded_and_rejected_counts_take_no_part() -> None:
    counts = [
        count("claim:1", "JNIM", 50, 50),
        count("claim:2", "CSP-DPA", 84, 84, excluded=True),
        count("attribution:3", "FAMa", 2, 2, verification=Verification.REJECTED),
    ]
    assert live_counts(counts) == [counts[0]]
    assert find_conflicts(counts) == []


def test_a_later_figure_from_the_same_origin_is_a_revision() -> None:
    early = count("claim:1", "Local official", 132, 132, at=T0)
    late = count("claim:2", "Local official", 160, 160, at=T0 + timedelta(hours=36))
    assert live_counts([late, early]) == [late]
    assert find_conflicts([early, late]) == []


def test_a_revised_figure_no_longer_conflicts_with_other_origins() -> None:
    counts = [
        count("claim:1", "Government", 132, 132, at=T0),
        count("claim:2", "Government", 160, 160, at=T0 + timedelta(days=2)),
        count("claim:3", "Security sources", 160, None, at=T0 + timedelta(days=1)),
    ]
    assert find_conflicts(counts) == []


def test_undated_figures_and_figures_sharing_the_latest_time_stay_live() -> None:
    undated = count("claim:1", "Government", 132, 132)
    early = count("claim:2", "Government", 120, 120, at=T0)
    late_a = count("claim:3", "Government", 150, 150, at=T0 + timedelta(hours=1))
    late_b = count("claim:4", "Government", 155, 155, at=T0 + timedelta(hours=1))
    assert live_counts([undated, early, late_a, late_b]) == [undated, late_a, late_b]


def test_revisions_are_per_measure_and_group() -> None:
    killed = count("claim:1", "Government", 132, 132, at=T0)
    wounded = count("claim:2", "Government", 40, 40, at=T0 + timedelta(days=1), measure="wounded")
    assert live_counts([killed, wounded]) == [killed, wounded]


def test_same_origin_figures_are_never_compared() -> None:
    # Two undated statements of one party (7, then 9): an update, not a conflict.
    counts = [count("claim:1", "CSP-DPA", 7, 7), count("claim:2", "CSP-DPA", 9, 9)]
    assert find_conflicts(counts) == []


def test_a_relay_is_the_origin_it_relays() -> None:
    statement = count("claim:1", "JNIM", 6, 6)
    relay = count(
        "attribution:2", "JNIM", 7, None, claim_key="claim:1", speaker="SITE", stance=Stance.RELAYS
    )
    assert find_conflicts([statement, relay]) == []
    # The same figures from an independent origin do conflict.
    independent = count("claim:3", "Reuters", 7, None)
    [conflict] = find_conflicts([statement, relay, independent])
    assert [c.key for c in conflict.sides] == ["claim:1", "claim:3"]


# --- explanation --------------------------------------------------------------


def test_explanation_for_more_than_two_figures() -> None:
    counts = [
        count("claim:1", "Ministry", 203, 203),
        count("claim:2", "HRW", 270, 330),
        count("claim:3", "OHCHR", 500, None),
    ]
    [conflict] = find_conflicts(counts)
    assert conflict.explanation == (
        "Ministry says 203 (exactly); HRW says 270\N{EN DASH}330; OHCHR says at least 500: "
        "no figure fits them all."
    )


def test_explanation_mentions_a_speaker_with_the_same_interval_once() -> None:
    counts = [
        count("claim:1", "JNIM", 50, 50),
        count("attribution:2", "CSP-DPA", 84, None, claim_key="claim:3"),
        count("claim:3", "CSP-DPA", 84, None),
    ]
    [conflict] = find_conflicts(counts)
    assert len(conflict.sides) == 3
    assert (
        conflict.explanation
        == "JNIM says 50 (exactly); CSP-DPA says at least 84: no figure fits both."
    )


# --- contradictions -----------------------------------------------------------


def test_a_verified_contradiction_makes_a_conflict_among_compatible_figures() -> None:
    claim = count("claim:1", "JNIM", 6, 6)
    denial = contradiction("attribution:5", "FAMa", "claim:1", "JNIM")
    [conflict] = find_conflicts([claim], [denial])
    assert conflict.sides == ()
    assert conflict.contradictions == (denial,)
    assert conflict.keys == {"attribution:5"}
    assert conflict.explanation == "FAMa (verified) contradicts JNIM's claim."


def test_a_contradiction_joins_an_existing_conflict() -> None:
    counts = [count("claim:1", "JNIM", 50, 50), count("claim:2", "CSP-DPA", 84, None)]
    denials = [
        contradiction("attribution:7", "FAMa", "claim:2", "CSP-DPA"),
        contradiction("attribution:6", "Wagner", "claim:1", "JNIM"),
    ]
    [conflict] = find_conflicts(counts, denials)
    assert [x.key for x in conflict.contradictions] == ["attribution:7", "attribution:6"]
    assert conflict.keys == {"claim:1", "claim:2", "attribution:6", "attribution:7"}
    assert conflict.explanation == (
        "JNIM says 50 (exactly); CSP-DPA says at least 84: no figure fits both; "
        "FAMa (verified) contradicts CSP-DPA's claim; Wagner (verified) contradicts JNIM's claim."
    )


@pytest.mark.parametrize(
    "claim",
    [
        pytest.param(None, id="claim-without-counts"),
        pytest.param(count("claim:1", "JNIM", 6, 6, excluded=True), id="claim-judged-false"),
        pytest.param(count("claim:1", "FAMa", 6, 6), id="same-origin-as-the-claim"),
        pytest.param(count("claim:1", "JNIM", 6, 6, measure="wounded"), id="other-measure"),
    ],
)
def test_contradictions_that_take_no_part(claim: Count | None) -> None:
    other = count("claim:2", "Bloomberg", 6, 6)
    counts = [other] if claim is None else [claim, other]
    denial = contradiction("attribution:5", "FAMa", "claim:1", "JNIM")
    assert find_conflicts(counts, [denial]) == []


# --- properties ---------------------------------------------------------------

ORIGINS = ["JNIM", "CSP-DPA", "FAMa"]


@st.composite
def events(draw: st.DrawFn) -> tuple[list[Count], list[Contradiction]]:
    n = draw(st.integers(0, 12))
    counts = []
    for i in range(n):
        low = draw(st.integers(0, 20))
        high = draw(st.one_of(st.none(), st.integers(low, low + 10)))
        counts.append(
            count(
                f"claim:{i}",
                draw(st.sampled_from(ORIGINS)),
                low,
                high,
                measure=draw(st.sampled_from(["killed", "wounded"])),
                group=draw(st.sampled_from(["Wagner fighters", " wagner  FIGHTERS", "civilians"])),
                at=draw(st.sampled_from([None, T0, T0 + timedelta(hours=1)])),
                excluded=draw(st.integers(0, 5)) == 0,
            )
        )
    denials = [
        Contradiction(
            key=f"attribution:{j}",
            claim_key=draw(st.sampled_from([c.key for c in counts])),
            origin=draw(st.sampled_from(ORIGINS)),
            speaker="X",
            measure="killed",
            group="Wagner fighters",
            claimant="Y",
        )
        for j in range(draw(st.integers(0, 2) if counts else st.just(0)))
    ]
    return counts, denials


@given(events(), st.data())
def test_the_result_does_not_depend_on_input_order(
    event: tuple[list[Count], list[Contradiction]], data: st.DataObject
) -> None:
    counts, denials = event
    shuffled = data.draw(st.permutations(counts)), data.draw(st.permutations(denials))
    assert find_conflicts(*shuffled) == find_conflicts(counts, denials)


@given(events())
def test_sides_are_exactly_the_counts_that_clash_with_another_origin(
    event: tuple[list[Count], list[Contradiction]],
) -> None:
    counts, _ = event
    conflicts = find_conflicts(counts)
    live = live_counts(counts)
    for conflict in conflicts:
        same_topic = [
            c for c in live if (c.measure, group_key(c.group)) == (conflict.measure, conflict.group)
        ]
        clashing = {
            c
            for c, d in itertools.permutations(same_topic, 2)
            if c.origin != d.origin and not compatible(c, d)
        }
        assert set(conflict.sides) == clashing
        assert len({c.origin for c in conflict.sides}) >= 2
        assert list(conflict.sides) == sorted(
            conflict.sides, key=lambda c: (c.low, c.high is None, c.high or 0, c.key)
        )
    # And no clash is missed.
    in_conflict = {c for conflict in conflicts for c in conflict.sides}
    for c, d in itertools.permutations(live, 2):
        together = (c.measure, group_key(c.group)) == (d.measure, group_key(d.group))
        if together and c.origin != d.origin and not compatible(c, d):
            assert c in in_conflict


@given(events())
def test_one_origin_alone_never_conflicts(event: tuple[list[Count], list[Contradiction]]) -> None:
    counts, _ = event
    assert find_conflicts([c for c in counts if c.origin == "JNIM"]) == []


# --- corroboration status -----------------------------------------------------


def support(
    origin: str,
    stance: Stance = Stance.CORROBORATES,
    verification: Verification = Verification.VERIFIED,
    low: int | None = None,
    high: int | None = None,
) -> Support:
    return Support(origin=origin, stance=stance, verification=verification, low=low, high=high)


UNVERIFIED_AP = support("AP", verification=Verification.UNVERIFIED)


@pytest.mark.parametrize(
    ("supports", "has_open_flag", "expected"),
    [
        ([], False, Corroboration.UNVERIFIED),
        ([UNVERIFIED_AP, support("JNIM", Stance.ASSERTS, Verification.REJECTED)], False,
         Corroboration.UNVERIFIED),
        ([support("JNIM", Stance.ASSERTS)], False, Corroboration.SINGLE_SOURCE),
        ([support("AP", Stance.RELAYS, low=7)], False, Corroboration.SINGLE_SOURCE),
        # A relay's different rendering is a translation issue, not a dispute.
        ([support("AP", Stance.RELAYS, low=2, high=2)], False, Corroboration.SINGLE_SOURCE),
        ([support("JNIM", Stance.ASSERTS), support("FAMa", low=3, high=9)], False,
         Corroboration.CORROBORATED),
        ([support("FAMa")], False, Corroboration.CORROBORATED),
        ([support("FAMa", Stance.ASSERTS, low=6)], False, Corroboration.CORROBORATED),
        ([support("FAMa")], True, Corroboration.CONTESTED),
        ([support("FAMa"), support("Wagner", Stance.CONTRADICTS)], False,
         Corroboration.CONTESTED),
        ([support("FAMa", low=2, high=2)], False, Corroboration.CONTESTED),
        # The claimant contradicting itself, or an unverified denial, contests nothing.
        ([support("JNIM", Stance.CONTRADICTS), support("FAMa")], False,
         Corroboration.CORROBORATED),
        ([support("Wagner", Stance.CONTRADICTS, Verification.UNVERIFIED)], False,
         Corroboration.UNVERIFIED),
    ],
)  # fmt: skip
def test_corroboration_status(
    supports: list[Support], has_open_flag: bool, expected: Corroboration
) -> None:
    status = corroboration_status(
        claimant_origin="JNIM",
        claim_low=6,
        claim_high=None,
        supports=supports,
        has_open_flag=has_open_flag,
    )
    assert status == expected


def test_a_claim_without_a_figure_cannot_be_contested_on_a_figure() -> None:
    status = corroboration_status(
        claimant_origin="JNIM",
        claim_low=None,
        claim_high=None,
        supports=[support("FAMa", low=2, high=2)],
        has_open_flag=False,
    )
    assert status == Corroboration.CORROBORATED


# --- real events --------------------------------------------------------------


def _base_name(claimant: str) -> str:
    # The data file treats claimant variants with the same base name as one claimant.
    return claimant.split(" (")[0].split(",")[0].strip()


def _load_events() -> list[dict[str, Any]]:
    # The shared data sits beside the project on every machine, CI's included: a
    # missing file is an error to see, not a reason to skip.
    return [json.loads(line) for line in EVENTS.read_text().splitlines() if line.strip()]


def test_the_real_events_are_there() -> None:
    assert len(_load_events()) >= 4


@pytest.mark.parametrize("event", _load_events(), ids=lambda e: e["event"][:40])
def test_real_events_give_the_naive_rules_conflicts(event: dict[str, Any]) -> None:
    claimants: dict[str, str] = {}
    counts = []
    for i, claim in enumerate(event["claims"]):
        key = f"claim:{i}"
        claimants[key] = claim["claimant"]
        origin = _base_name(claim["claimant"])
        counts.append(
            count(
                key,
                origin,
                claim["count_low"],
                claim["count_high"],
                measure=claim["what"],
                group=claim["what"],
            )
        )

    conflicts = find_conflicts(counts)

    expected = {what for what, conflicting in event["conflict_by_measure"].items() if conflicting}
    assert {c.measure for c in conflicts} == expected
    found = {
        (c.measure, frozenset({claimants[a.key], claimants[b.key]}))
        for c in conflicts
        for a, b in itertools.combinations(c.sides, 2)
        if a.origin != b.origin and not compatible(a, b)
    }
    listed = {(what, frozenset({a, b})) for what, a, _, b, _ in event["conflicting_pairs"]}
    # The sides cover the listed pairs, and give no pair the naive rule does not list.
    assert found == listed
    named = {(what, name) for what, pair in listed for name in pair}
    assert {(c.measure, claimants[s.key]) for c in conflicts for s in c.sides} == named


def test_conflict_is_hashable_and_comparable() -> None:
    # The worker compares a fresh result with the stored one.
    a = find_conflicts([count("claim:1", "A", 1, 1), count("claim:2", "B", 5, 5)])
    b = find_conflicts([count("claim:2", "B", 5, 5), count("claim:1", "A", 1, 1)])
    assert a == b
    assert len({*a, *b}) == 1
    assert isinstance(a[0], Conflict)
