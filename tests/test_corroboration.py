"""Tests for claims.corroboration: the five states and the Admiralty credibility (1 to 6).

ANALYSIS.md sections 2, 5 and 7, each as the case that misled a desk.
"""

import pytest
from statements import attribution, claim, day, figure

from claims.analysis import analyse
from claims.conflicts import Scope, Stance
from claims.corroboration import Corroboration, Credibility


def judged(*statements, settled=()):  # type: ignore[no-untyped-def]
    return analyse(statements, settled).claims


def test_nothing_verified_is_unverified_and_cannot_be_judged() -> None:
    c = claim("JNIM", figure(6, None))
    [a] = judged(c, attribution(c, "JNIM", origin="JNIM")).values()
    assert (a.corroboration, a.credibility) == (Corroboration.UNVERIFIED, Credibility(6))


@pytest.mark.parametrize(("letter", "credibility"), [("B", 3), ("D", 4), ("F", 6)])
def test_verified_only_by_the_claimants_own_side_is_a_single_source(letter, credibility) -> None:
    c = claim("JNIM", figure(6, None), reliability=letter)
    channel = attribution(c, "az-Zallaqa", origin="JNIM", verified=True)
    relay = attribution(c, "Wire", Stance.RELAYS, figure(6, None), verified=True)
    [a] = judged(c, channel, relay).values()
    assert a.corroboration == Corroboration.SINGLE_SOURCE
    assert a.credibility == credibility


def test_a_confirmation_without_a_figure_confirms_the_event_not_the_figure() -> None:
    c = claim("Health ministry", figure(40))
    un = attribution(c, "UN", Stance.CORROBORATES, verified=True, reliability="A")
    [a] = judged(c, un).values()
    assert a.corroboration == Corroboration.EVENT_CONFIRMED
    assert a.credibility == Credibility.POSSIBLY_TRUE


def test_an_independent_figure_that_fits_corroborates_the_figure() -> None:
    c = claim("JNIM", figure(6, None))
    official = attribution(c, "Security official", Stance.CORROBORATES, figure(3, 9),
                           verified=True)  # fmt: skip
    [a] = judged(c, official).values()
    assert a.corroboration == Corroboration.FIGURE_CORROBORATED
    assert a.credibility == Credibility.PROBABLY_TRUE


def test_two_independent_origins_agreeing_make_it_confirmed() -> None:
    c = claim("JNIM", figure(6, None))
    one = attribution(c, "Official", Stance.CORROBORATES, figure(6), verified=True)
    other = claim("AP", figure(7))
    ap = attribution(other, "AP", origin="AP", verified=True)  # asserts its own 7
    judged_ = judged(c, one, other, ap)
    assert judged_[c.claim_id].corroboration == Corroboration.FIGURE_CORROBORATED
    assert judged_[c.claim_id].credibility == Credibility.CONFIRMED


def test_a_figure_of_another_measure_or_a_part_only_confirms_the_event() -> None:
    c = claim("Ministry", figure(40), group="people")
    injured = claim("Hospital", figure(40), group="people", measure="injured")
    hospital = attribution(injured, "Hospital", origin="Hospital", verified=True)
    children = claim("UNICEF", figure(10), group="children")
    unicef = attribution(children, "UNICEF", origin="UNICEF", verified=True)
    assert judged(c, injured, hospital, children, unicef)[c.claim_id].corroboration == (
        Corroboration.EVENT_CONFIRMED
    )


def test_a_figure_for_a_containing_group_corroborates() -> None:
    c = claim("Ministry", figure(21), group="civilians")
    everyone = claim("Red Cross", figure(20, None), group="people")
    red_cross = attribution(everyone, "Red Cross", origin="Red Cross", verified=True)
    assert judged(c, everyone, red_cross)[c.claim_id].corroboration == (
        Corroboration.FIGURE_CORROBORATED
    )


def test_relays_never_corroborate() -> None:
    c = claim("JNIM", figure(6, None))
    relay = attribution(c, "Reuters", Stance.RELAYS, figure(6), verified=True, reliability="A")
    assert judged(c, relay)[c.claim_id].corroboration == Corroboration.SINGLE_SOURCE


def test_a_figure_on_an_open_conflict_is_contested_one_that_fits_every_figure_is_not() -> None:
    low = claim("Army", figure(2))
    high = claim("Rebels", figure(47, None))
    fits_both = claim("Observers", figure(2, 50))
    result = judged(low, high, fits_both)
    assert result[low.claim_id].corroboration == Corroboration.CONTESTED
    assert result[high.claim_id].corroboration == Corroboration.CONTESTED
    assert result[fits_both.claim_id].corroboration == Corroboration.UNVERIFIED


def test_a_dismissed_conflict_contests_nothing() -> None:
    low = claim("Army", figure(2))
    high = claim("Rebels", figure(47, None))
    [(conflict, mark)] = analyse([low, high]).conflicts
    result = judged(low, high, settled={(*conflict.topic_key, mark)})
    assert result[low.claim_id].corroboration == Corroboration.UNVERIFIED


def test_a_verified_dispute_of_the_toll_or_the_event_contests_the_claim() -> None:
    c = claim("Rebels", figure(30))
    toll = attribution(c, "Army", Stance.CONTRADICTS, verified=True, disputes=Scope.TOLL)
    assert judged(c, toll)[c.claim_id].corroboration == Corroboration.CONTESTED
    other = claim("Rebels", figure(5), measure="injured")
    event = attribution(c, "Government", Stance.CONTRADICTS, verified=True,
                        disputes=Scope.EVENT)  # fmt: skip
    result = analyse([c, other, event])
    # A dispute of the event bears on every claim of the event; it is not a count conflict.
    assert result.claims[other.claim_id].corroboration == Corroboration.CONTESTED
    assert result.conflicts == () and result.event_disputes == (event,)


def test_a_denial_of_responsibility_is_shown_but_contests_nothing() -> None:
    c = claim("Villagers", figure(30), group="villagers")
    strike = attribution(c, "Air force", Stance.CONTRADICTS, verified=True,
                         disputes=Scope.PERPETRATOR)  # fmt: skip
    [a] = judged(c, strike).values()
    assert a.responsibility_disputed
    assert a.corroboration != Corroboration.CONTESTED
    assert analyse([c, strike]).conflicts == ()


def test_a_superseded_claim_is_judged_on_its_own_attributions() -> None:
    first = claim("Government", figure(0), at=day(17))
    later = claim("Government", figure(13), at=day(9, 4))
    hrw = claim("Human Rights Watch", figure(21, None), at=day(25))
    result = judged(first, later, hrw)
    assert result[first.claim_id].superseded and not result[later.claim_id].superseded
    # The conflict is 13 against at least 21: the denial of February is not on it.
    assert result[first.claim_id].corroboration == Corroboration.UNVERIFIED
    assert result[later.claim_id].corroboration == Corroboration.CONTESTED


def test_contested_with_the_stronger_side_against_is_improbable() -> None:
    weak = claim("Militia", figure(2), reliability="E")
    strong = claim("UN", figure(40, None), reliability="A")
    un = attribution(strong, "UN", origin="UN", verified=True, reliability="A")
    result = judged(weak, strong, un)
    assert result[weak.claim_id].credibility == Credibility.IMPROBABLE
    assert result[strong.claim_id].credibility == Credibility.CANNOT_BE_JUDGED
