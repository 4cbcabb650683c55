"""Tests for claims.tolls: the low / best / high a desk can publish (ANALYSIS.md §6)."""

from hypothesis import given, settings
from hypothesis import strategies as st
from statements import attribution, claim, day, figure

from claims.analysis import analyse
from claims.conflicts import Stance
from claims.corroboration import Assessment, Corroboration, Credibility
from claims.tolls import propose_tolls


def tolls(*statements):  # type: ignore[no-untyped-def]
    return {(t.measure, t.group.key): t for t in analyse(statements).tolls}


def test_low_and_high_are_point_values_not_interval_ends() -> None:
    at_least = claim("Police", figure(20, None, point=20, q="at_least"), at=day(1))
    nearly = claim("Wire", figure(45, 50, point=50, q="approx"), at=day(2))
    [toll] = tolls(at_least, nearly).values()
    # "at least 20" stands for 20, not for "20 to infinity"; "nearly 50" for 50.
    assert (toll.low, toll.high) == (20, 50)
    assert toll.low_claims == (at_least.claim_id,)
    assert toll.high_claims == (nearly.claim_id,)


def assessed(statement, corroboration: Corroboration) -> Assessment:  # type: ignore[no-untyped-def]
    return Assessment(statement.claim_id, statement.group, corroboration, Credibility(6),
                      False, False, "")  # fmt: skip


def test_best_is_the_strongest_candidate() -> None:
    rebels = claim("Rebels", figure(84), reliability="E", at=day(1))
    army = claim("Army", figure(2), reliability="B", at=day(2))
    jnim = claim("JNIM", figure(50), reliability="E", at=day(3))
    [toll] = tolls(rebels, army, jnim).values()
    assert toll.best == 2  # all contested alike: reliability B before E
    assert "Army's 2" in toll.method
    judged = {
        rebels.claim_id: assessed(rebels, Corroboration.SINGLE_SOURCE),
        army.claim_id: assessed(army, Corroboration.UNVERIFIED),
        jnim.claim_id: assessed(jnim, Corroboration.FIGURE_CORROBORATED),
    }
    [toll] = propose_tolls([rebels, army, jnim], judged)
    assert toll.best == 50  # a corroborated figure outranks a better letter
    assert toll.best_claims == (jnim.claim_id,)
    del judged[jnim.claim_id]
    judged[jnim.claim_id] = assessed(jnim, Corroboration.CONTESTED)
    [toll] = propose_tolls([rebels, army, jnim], judged)
    assert toll.best == 84  # confirmed in part, then unverified or contested


def test_best_ties_go_to_the_latest_then_the_smaller() -> None:
    early = claim("A", figure(10), at=day(1))
    late = claim("B", figure(30), at=day(5))
    assert next(iter(tolls(early, late).values())).best == 30
    same_a = claim("C", figure(10), at=day(5))
    same_b = claim("D", figure(30), at=day(5))
    assert next(iter(tolls(same_a, same_b).values())).best == 10


def test_one_figure_per_origin_its_live_one() -> None:
    first = claim("Government", figure(132), at=day(5))
    later = claim("Government", figure(160), at=day(6))
    relay = attribution(later, "Wire", Stance.RELAYS, figure(150), at=day(7))
    [toll] = tolls(first, later, relay).values()
    assert (toll.low, toll.best, toll.high) == (160, 160, 160)
    assert len(toll.candidates) == 1


def test_a_part_has_its_own_toll() -> None:
    children = claim("UNICEF", figure(11), group="children")
    civilians = claim("Ministry", figure(21), group="civilians")
    found = tolls(children, civilians)
    assert found[("killed", "children")].best == 11
    assert found[("killed", "civilians")].best == 21


def test_hedged_and_false_figures_are_no_candidates() -> None:
    firm = claim("Police", figure(12))
    hedged = claim("Witness", figure(100, q="hedged"))
    false = claim("Militia", figure(300), excluded=True)
    [toll] = tolls(firm, hedged, false).values()
    assert (toll.low, toll.best, toll.high) == (12, 12, 12)


@st.composite
def candidates(draw: st.DrawFn) -> list:
    said = []
    for i in range(draw(st.integers(1, 7))):
        low = draw(st.integers(0, 90))
        high = draw(st.one_of(st.none(), st.integers(low, 120)))
        point = low if high is None else draw(st.integers(low, high))
        said.append(
            claim(
                f"Origin {draw(st.integers(0, 4))}",
                figure(low, high, point=point),
                at=day(draw(st.integers(1, 9))),
                reliability=draw(st.sampled_from("ABCDEF")),
                claim_id=10_000 + i,
            )
        )
    return said


@settings(max_examples=300, deadline=None)
@given(candidates())
def test_low_best_high_are_in_order_and_each_is_a_candidates_point(said) -> None:
    for toll in analyse(said).tolls:
        points = {s.figure.point for s in toll.candidates}
        assert toll.low <= toll.best <= toll.high
        assert {toll.low, toll.best, toll.high} <= points
        assert len({s.origin for s in toll.candidates}) == len(toll.candidates)


@settings(max_examples=200, deadline=None)
@given(candidates(), st.randoms())
def test_the_proposal_does_not_depend_on_the_order_of_the_figures(said, rnd) -> None:
    shuffled = list(said)
    rnd.shuffle(shuffled)

    def proposals(statements: list) -> list:  # type: ignore[type-arg]
        return [
            (t.topic_key, t.low, t.best, t.high, t.low_claims, t.best_claims, t.high_claims,
             t.method, tuple(s.key for s in t.candidates))
            for t in analyse(statements).tolls
        ]  # fmt: skip

    assert proposals(shuffled) == proposals(said)


def test_equal_figures_of_one_origin_are_ranked_the_same_in_any_order() -> None:
    a = claim("Army", figure(10, 12, point=10), at=day(3), claim_id=501)
    b = claim("Army", figure(10, 14, point=10), at=day(3), claim_id=502)
    [first] = analyse([a, b]).tolls
    [second] = analyse([b, a]).tolls
    assert first.candidates == second.candidates and first.best_claims == second.best_claims
