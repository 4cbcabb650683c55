"""Tests for claims.counts: count phrases to intervals, as ../shared/COUNTS.md says.

Plain pytest, no database. The real phrases are read from ../shared/data by path.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from num2words import num2words

from claims.counts import (
    CountMention,
    CountRange,
    Measure,
    Qualifier,
    compatible,
    describe,
    extract_counts,
    parse_count,
)

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEV_PHRASES = Path(__file__).resolve().parents[2] / "shared" / "data" / "count_phrases.dev.jsonl"

E, L, M, A, R, V, P, H = (
    Qualifier.EXACT,
    Qualifier.AT_LEAST,
    Qualifier.AT_MOST,
    Qualifier.APPROX,
    Qualifier.RANGE,
    Qualifier.VAGUE,
    Qualifier.PROVISIONAL,
    Qualifier.HEDGED,
)

# (phrase, low, high, qualifier, point): every row of COUNTS.md, in English and
# in French where it gives French, then the edge cases. The point value is
# ANALYSIS.md's (section 6): N for exact and approximate phrases, the low for
# at least, more than, provisional, vague amounts and ranges, the high for at
# most, the unhedged phrase's for a hedged one, and the parts' sum for a sum.
PHRASES = [
    # a plain number
    ("six Wagner operatives", 6, 6, E, 6),
    ("77 people were killed", 77, 77, E, 77),
    ("1,400", 1400, 1400, E, 1400),
    ("21 000", 21000, 21000, E, 21000),
    ("21\u202f000 morts", 21000, 21000, E, 21000),
    ("two hundred and five", 205, 205, E, 205),
    ("Sixty-four", 64, 64, E, 64),
    ("One hundred people were killed", 100, 100, E, 100),
    ("soixante-dix", 70, 70, E, 70),
    ("quatre-vingt-dix blessés", 90, 90, E, 90),
    ("3.5 million people", 3_500_000, 3_500_000, E, 3_500_000),
    ("1,5 million de personnes", 1_500_000, 1_500_000, E, 1_500_000),
    ("half a million", 500_000, 500_000, E, 500_000),
    ("a total of 121 individuals", 121, 121, E, 121),
    # at least N
    ("at least six", 6, None, L, 6),
    ("At Least 85 Confirmed Killed", 85, None, L, 85),
    ("25+", 25, None, L, 25),
    ("50 or more", 50, None, L, 50),
    ("upwards of 32", 32, None, L, 32),
    ("au moins 12 soldats", 12, None, L, 12),
    ("at least half a dozen", 6, None, L, 6),
    # more than N
    ("more than 20", 21, None, L, 21),
    ("over 500 people", 501, None, L, 501),
    ("more than 1,400 people", 1401, None, L, 1401),
    ("exceeding 100", 101, None, L, 101),
    ("dépassant les 100 morts", 101, None, L, 101),
    ("plus de 70 morts", 71, None, L, 71),
    ("plus d'une centaine de morts", 101, None, L, 101),
    ("more than a dozen", 13, None, L, 13),
    # nearly N
    ("nearly 50", 45, 50, A, 50),
    ("almost 100", 90, 100, A, 100),
    ("close to 7", 6, 7, A, 7),
    ("près de 50", 45, 50, A, 50),
    # about N; rounding is half up (banker's rounding would give 22 and 16)
    ("about 80", 72, 88, A, 80),
    ("around 200", 180, 220, A, 200),
    ("some 400 civilians", 360, 440, A, 400),
    ("approximately seven", 6, 8, A, 7),
    ("an estimated 300", 270, 330, A, 300),
    ("closer to 45", 41, 50, A, 45),
    ("about 25", 23, 28, A, 25),
    ("about 15", 14, 17, A, 15),
    ("around fifty", 45, 55, A, 50),
    ("100 or so", 90, 110, A, 100),
    ("environ 30", 27, 33, A, 30),
    ("une soixantaine", 54, 66, A, 60),
    ("une centaine", 90, 110, A, 100),
    ("une vingtaine", 18, 22, A, 20),
    # an estimate of N, estimated at N, approaching N: as about N
    ("an estimate of 300", 270, 330, A, 300),
    ("estimated at 300", 270, 330, A, 300),
    ("approaching 500", 450, 550, A, 500),
    ("avoisinant les 50", 45, 55, A, 50),
    ("d'environ 40 morts", 36, 44, A, 40),
    # up to N: [1, N] when the sentence says deaths happened, else [0, N]
    ("up to 50", 0, 50, M, 50),
    ("at most 3", 0, 3, M, 3),
    ("as many as 40", 0, 40, M, 40),
    ("jusqu'à 40", 0, 40, M, 40),
    ("up to 50 people were killed", 1, 50, M, 50),
    ("as many as 40 died", 1, 40, M, 40),
    ("fewer than 10", 0, 9, M, 9),
    # fewer than / under / below N: [1, N - 1] when deaths happened, else [0, N - 1]
    ("under 100 casualties", 1, 99, M, 99),
    ("under 100", 0, 99, M, 99),
    ("below 50 people were killed", 1, 49, M, 49),
    ("fewer than 10 died", 1, 9, M, 9),
    ("moins de 100 morts", 1, 99, M, 99),
    ("moins de 20", 0, 19, M, 19),
    # provisional: N so far, a provisional / initial / preliminary toll of N
    ("12 so far", 12, None, P, 12),
    ("12 people have been killed so far", 12, None, P, 12),
    ("a provisional toll of 30", 30, None, P, 30),
    ("an initial toll of 5", 5, None, P, 5),
    ("a preliminary death toll of 7 soldiers", 7, None, P, 7),
    ("at least 9 dead, according to an initial count", 9, None, P, 9),
    ("about 40 dead so far", 36, None, P, 36),
    ("bilan provisoire de 12 morts", 12, None, P, 12),
    ("un premier bilan fait état de 8 morts", 8, None, P, 8),
    ("au moins 15 morts, selon un bilan provisoire", 15, None, P, 15),
    ("dix morts jusqu'à présent", 10, None, P, 10),
    # hedged: the interval the phrase gives without the hedge
    ("may have killed 20", 20, 20, H, 20),
    ("might have killed 20", 20, 20, H, 20),
    ("could have killed 20", 20, 20, H, 20),
    ("possibly 30", 30, 30, H, 30),
    ("feared 100 dead", 100, 100, H, 100),
    ("100 feared dead", 100, 100, H, 100),
    ("20 people may have been killed", 20, 20, H, 20),
    ("unconfirmed reports of 40", 40, 40, H, 40),
    ("what may amount to 100", 100, 100, H, 100),
    ("the toll could exceed 200", 201, None, H, 201),
    ("could exceed 100", 101, None, H, 101),
    ("nearly 50 may have died", 45, 50, H, 50),
    ("pourrait dépasser 100", 101, None, H, 101),
    ("pourrait dépasser la trentaine", 31, None, H, 31),
    # ... an "up to" under a hedge does not say the deaths happened
    ("up to 50 people may have been killed", 0, 50, H, 50),
    ("up to 30 people are feared dead", 0, 30, H, 30),
    # between A and B
    ("between 100 and 300", 100, 300, R, 100),
    ("between 100 to 300 individuals", 100, 300, R, 100),
    ("6-8", 6, 8, R, 6),
    ("6–8", 6, 8, R, 6),
    ("10 to 15", 10, 15, R, 10),
    ("two or three", 2, 3, R, 2),
    ("entre 10 et 20", 10, 20, R, 10),
    ("between 1,000 and 2,000 people", 1000, 2000, R, 1000),
    # vague amounts
    ("a few", 2, 5, V, 2),
    ("quelques", 2, 5, V, 2),
    ("several", 3, 9, V, 3),
    ("plusieurs", 3, 9, V, 3),
    ("a dozen", 12, 12, V, 12),
    ("half a dozen", 6, 6, V, 6),
    ("dozens", 24, 99, V, 24),
    ("Dozens more were injured", 24, 99, V, 24),
    ("scores of civilians", 40, 199, V, 40),
    ("hundreds", 200, 999, V, 200),
    ("hundreds civilians were also killed", 200, 999, V, 200),
    ("des centaines", 200, 999, V, 200),
    ("several hundred", 300, 900, V, 300),
    ("plusieurs centaines", 300, 900, V, 300),
    ("a few dozen", 24, 60, V, 24),
    ("des dizaines de morts", 20, 99, V, 20),
    ("thousands", 2000, 9999, V, 2000),
    ("tens of thousands", 20_000, 99_999, V, 20000),
    ("hundreds of thousands", 200_000, 999_999, V, 200_000),
    # none
    ("no one", 0, 0, E, 0),
    ("none", 0, 0, E, 0),
    ("zero", 0, 0, E, 0),
    ("no casualties", 0, 0, E, 0),
    ("No civilian from Moura lost their life", 0, 0, E, 0),
    # an unspecified number; the explicit plural "lives" says at least two
    ("an unspecified number", 1, None, V, 1),
    ("un nombre indéterminé de victimes", 1, None, V, 1),
    ("some lives were lost", 2, None, V, 2),
    ("multiple others", 2, None, V, 2),
    ("many", 2, None, V, 2),
    ("many civilians were killed", 2, None, V, 2),
    ("Many were wounded", 2, None, V, 2),
    ("some others", 2, None, V, 2),
    ("de nombreux morts", 2, None, V, 2),
    ("de nombreuses victimes", 2, None, V, 2),
    ("d'autres soldats", 2, None, V, 2),
    # one person named in the singular, with a casualty verb
    ("an official was killed", 1, 1, E, 1),
    ("a third assailant was shot dead", 1, 1, E, 1),
    ("an officer from the fire brigade was killed", 1, 1, E, 1),
    ("a soldier died", 1, 1, E, 1),
    ("a soldier killed in the attack", 1, 1, E, 1),
    ("un soldat a été tué", 1, 1, E, 1),
    ("une femme est morte", 1, 1, E, 1),
    ("no case of abduction", 0, 0, E, 0),
    # a clause that adds counts gives their sum
    ("six soldiers and at least 34 auxiliaries", 40, None, L, 40),
    ("84 Wagner fighters and 47 government soldiers", 131, 131, E, 131),
    ("dozens of soldiers and several civilians", 27, 108, V, 27),
    # ... where "a" or "an" before a person counts one
    ("a woman and four children", 5, 5, E, 5),
    ("four children and a woman", 5, 5, E, 5),
    ("two soldiers, a civilian and a child were killed", 4, 4, E, 4),
    ("un soldat et deux civils", 3, 3, E, 3),
    ("12 police officers, three medics and a child", 16, 16, E, 16),
    ("a woman and nearly 50 children", 46, 51, A, 51),
    ("six soldiers and 34 auxiliaries may have been killed", 40, 40, H, 40),
    # a qualifier written after the count
    ("sixty civilians, at least", 60, None, L, 60),
    ("une soixantaine, au moins", 54, None, L, 54),
    ("une soixantaine de morts, au moins", 54, None, L, 54),
    ("40 people were killed, at most", 1, 40, M, 40),
    # number words in any order that reads as one number
    ("thousand nine hundred twenty", 1920, 1920, E, 1920),
    ("nineteen hundred and twenty", 1920, 1920, E, 1920),
    ("mille neuf cent vingt", 1920, 1920, E, 1920),
    # ... but not counts of different measures: the first is the answer
    ("at least 50 killed and 73 wounded", 50, None, L, 50),
    # digits with their context
    ("which has killed more than 1,400 people since 2015", 1401, None, L, 1401),
    ("On 2 August, CSP said that 84 Wagner mercenaries", 84, 84, E, 84),
    ("on the night of June 4-5 that left more than 100 people dead", 101, None, L, 101),
    ("In 2024, 50 people were killed", 50, 50, E, 50),
    ("2024", 2024, 2024, E, 2024),  # a bare number is a count; a year needs a date-like context
    ("the toll fell from 40 to 25", 40, 40, E, 40),  # two counts, not a reversed range
    ("le bilan est passé de 9 à 14 morts", 9, 9, E, 9),
]


@pytest.mark.parametrize(("phrase", "low", "high", "qualifier", "point"), PHRASES)
def test_parse_count(
    phrase: str, low: int, high: int | None, qualifier: Qualifier, point: int
) -> None:
    assert parse_count(phrase) == CountRange(low, high, qualifier, phrase, point)


NOT_COUNTS = [
    "",
    "   ",
    "no comment",
    "the army said",
    # years
    "in 2024",
    "since late 2021",
    "by 2030",
    "in May 2023",
    "the year 2000",
    "(2019)",
    "2023-24",
    "between 2015 and 2020",
    # dates
    "2 August",
    "June 6",
    "April 1",
    "Sunday, June 6",
    "on 5 May",
    "June 6, 2024",
    "from March 23 to 31",
    "6/6/2024",
    "2024-06-06",
    # times
    "10:30",
    "3 pm",
    "at 3 p.m.",
    "15h30",
    # ages
    "aged 12",
    "a 12-year-old",
    "12 years old",
    "aged between 18 and 30",
    "at the age of 12",
    # money
    "$5 million",
    "€500",
    "500 euros",
    "5,000 CFA francs",
    "USD 20",
    # unit numbers
    "Battalion 33",
    "Route 4",
    "Resolution 2719",
    "flight MH17",
    "No. 5",
    # percentages, ordinals, rates
    "12%",
    "30 percent",
    "12 per cent",
    "first",
    "13th squad",
    "the 2nd",
    "5 per 100,000",
    # measurements, compounds
    "three days",
    "5 km",
    "20 tonnes",
    "a two-thirds majority",
    "1.5",
    "COVID-19",
    "three times",
    "within a few hours",
    "hundreds of millions of dollars",
    # a year-like number with a determiner before it and no people after it
    "the UN said in a 2023 report on the 2015 peace deal",
    "one of the deadliest attacks",
    # reversed ranges give no count
    "between 10 and 5",
    "entre 20 et 10",
    "10 to 5",
    "between ten and five people were killed",
    # ages, not counts: "under" and "over" after the people they describe
    "children under five",
    "people over 60",
    "d'une dizaine d'années",
    # a person alone, with no casualty verb and no list: no count
    "an official said",
    "a soldier's family",
    "how many people died",
]


@pytest.mark.parametrize("phrase", NOT_COUNTS)
def test_not_a_count(phrase: str) -> None:
    assert parse_count(phrase) is None
    assert extract_counts(phrase) == []


K, IN, KI, MI, AB, CA = (
    Measure.KILLED,
    Measure.INJURED,
    Measure.KILLED_OR_INJURED,
    Measure.MISSING,
    Measure.ABDUCTED,
    Measure.CAPTURED,
)

# (text, [(phrase, low, high, measure), ...]): every mention, in order.
RUNNING_TEXT = [
    (
        "On 2 August 2024, CSP said that 84 Wagner mercenaries were killed.",
        [("84", 84, 84, K)],
    ),
    (
        "At least 14 Malian soldiers were killed and 11 wounded on Tuesday.",
        [("At least 14", 14, None, K), ("11", 11, 11, IN)],
    ),
    (
        "Six soldiers and at least 34 auxiliaries were killed.",
        [("Six", 6, 6, K), ("at least 34", 34, None, K)],
    ),
    (
        "At least 21 people, including 11 children, were killed by drone strikes.",
        [("At least 21", 21, None, K), ("11", 11, 11, K)],
    ),
    (
        "ont fait plus de 70 morts et 200 blessés",
        [("plus de 70", 71, None, K), ("200", 200, 200, IN)],
    ),
    (
        "The fighting saw dozens of Malian and Wagner forces killed, injured or captured.",
        [("dozens", 24, 99, KI)],
    ),
    ("about 30 troops were either dead or seriously injured", [("about 30", 27, 33, KI)]),
    ("with some estimates pointing to around 80 casualties", [("around 80", 72, 88, KI)]),
    (
        "Twelve people were kidnapped, 3 are missing and 5 were taken prisoner.",
        [("Twelve", 12, 12, AB), ("3", 3, 3, MI), ("5", 5, 5, CA)],
    ),
    (
        "Quelques civils ont été enlevés et une dizaine sont disparus.",
        [("Quelques", 2, 5, AB), ("une dizaine", 9, 11, MI)],
    ),
    (
        "A video shows five bodies near a damaged vehicle.",
        [("five", 5, 5, None)],
    ),
    (
        "In a statement on April 1, the ministry said from March 23 to 31, "
        "the army had killed 203 “terrorists” and arrested 51 more.",
        [("203", 203, 203, K), ("51", 51, 51, None)],
    ),
    (
        "The toll rose from 132 to 160 on Sunday, June 6.",
        [("132", 132, 132, K), ("160", 160, 160, None)],
    ),
    (
        "There were no casualties. No one was hurt. Up to 20 fled.",
        [("no casualties", 0, 0, KI), ("No one", 0, 0, IN), ("Up to 20", 0, 20, None)],
    ),
    (
        "At 3 pm on Route 4, a 12-year-old saw the $5 million convoy of Battalion 33, "
        "paid 500 euros, 12% more than in 2023, on its 13th trip in three days.",
        [],
    ),
    (
        "Up to 50 people were killed, but up to 50 more may have been killed.",
        [("Up to 50", 1, 50, K), ("up to 50", 0, 50, K)],
    ),
    # a measure word right before a count is that count's
    ("The attack killed 30, wounded 40.", [("30", 30, 30, K), ("40", 40, 40, IN)]),
    ("25 dead, 3 soldiers among them", [("25", 25, 25, K), ("3", 3, 3, None)]),
    (
        "The 2000 people who fled and the deaths of 2000 civilians in 2019.",
        [("2000", 2000, 2000, None), ("2000", 2000, 2000, K)],
    ),
    (
        "One of the deadliest attacks killed 50 people; one of the soldiers died.",
        [("50", 50, 50, K), ("one", 1, 1, K)],
    ),
    ("several dozens of fighters were abducted", [("several dozens", 36, 108, AB)]),
    # lists that count one person with "a", and a person alone
    (
        "A woman and four children were killed when the shell hit.",
        [("A woman", 1, 1, K), ("four", 4, 4, K)],
    ),
    (
        "Three villagers and a teacher were killed, and 12 people were injured.",
        [("Three", 3, 3, K), ("a teacher", 1, 1, K), ("12", 12, 12, IN)],
    ),
    (
        "Un soldat et deux civils ont été tués, dont un enfant.",
        [("Un soldat", 1, 1, K), ("deux", 2, 2, K), ("un enfant", 1, 1, K)],
    ),
    ("An official said 20 people were killed.", [("20", 20, 20, K)]),
    ("A gunman killed 20 people.", [("20", 20, 20, K)]),
    ("A soldier killed in the ambush was buried.", [("A soldier", 1, 1, K)]),
    # the measure of a whole is its part's: "huit morts dont un gendarme"
    (
        "The group reported the death of five fighters, including a commander, "
        "with 8 more wounded.",
        [("five", 5, 5, K), ("a commander", 1, 1, K), ("8", 8, 8, IN)],
    ),
    # ages and how many
    (
        "Children under five and 30 adults died; under 100 people were hurt.",
        [("30", 30, 30, K), ("under 100", 1, 99, IN)],
    ),
    ("How many people died is not known; many were wounded.", [("many", 2, None, IN)]),
    # a falling toll is two counts; a reversed range none
    (
        "The death toll fell from 40 to 25 after a recount.",
        [("40", 40, 40, K), ("25", 25, 25, None)],
    ),
    ("Between 10 and 5 people were killed.", []),
]


@pytest.mark.parametrize(("text", "expected"), RUNNING_TEXT)
def test_extract_counts(
    text: str, expected: list[tuple[str, int, int | None, Measure | None]]
) -> None:
    mentions = extract_counts(text)
    assert [(m.phrase, m.low, m.high, m.measure) for m in mentions] == expected
    _check_mentions(text, mentions)


# (text, [(phrase, low, high, qualifier, point), ...]): the qualifiers that only
# the words around a count give.
QUALIFIED_TEXT = [
    (
        "At least 12 people have been killed so far, officials said.",
        [("At least 12", 12, None, P, 12)],
    ),
    (
        "The toll could exceed 200, officials warned, after 150 were confirmed dead.",
        [("exceed 200", 201, None, H, 201), ("150", 150, 150, E, 150)],
    ),
    (
        "Up to 50 people were killed, but up to 50 more may have been killed.",
        [("Up to 50", 1, 50, M, 50), ("up to 50", 0, 50, H, 50)],
    ),
    (
        "The army said 12 soldiers were killed, a toll that could rise.",
        [("12", 12, 12, E, 12)],
    ),
    (
        "It was the deadliest attack so far: 40 people were killed.",
        [("40", 40, 40, E, 40)],
    ),
    (
        "Rescuers could not find 3 of the missing; 20 people are feared dead.",
        [("3", 3, 3, E, 3), ("20", 20, 20, H, 20)],
    ),
    (
        "Sixty civilians, at least, were killed. Plus de 70 morts, selon un bilan provisoire.",
        [("Sixty", 60, None, L, 60), ("Plus de 70", 71, None, P, 71)],
    ),
]


@pytest.mark.parametrize(("text", "expected"), QUALIFIED_TEXT)
def test_extract_counts_qualifiers(
    text: str, expected: list[tuple[str, int, int | None, Qualifier, int]]
) -> None:
    mentions = extract_counts(text)
    assert [(m.phrase, m.low, m.high, m.qualifier, m.point) for m in mentions] == expected
    _check_mentions(text, mentions)


@pytest.mark.parametrize(
    "phrase",
    ["20", "at least 20", "more than 20", "nearly 50", "about 50", "between 10 and 20", "several"],
)
@pytest.mark.parametrize("hedge", ["possibly {}", "may have killed {}", "{} may have died"])
def test_a_hedge_keeps_the_interval_and_point(phrase: str, hedge: str) -> None:
    plain, hedged = parse_count(phrase), parse_count(hedge.format(phrase))
    assert plain is not None and hedged is not None
    assert hedged.qualifier is Qualifier.HEDGED
    assert (hedged.low, hedged.high, hedged.point) == (plain.low, plain.high, plain.point)


def test_new_qualifiers() -> None:
    assert (Qualifier.PROVISIONAL.value, Qualifier.HEDGED.value) == ("provisional", "hedged")


def test_mention_fields() -> None:
    text = "Officials said at least six Wagner operatives were killed."
    [m] = extract_counts(text)
    assert m == CountMention(6, None, Qualifier.AT_LEAST, 15, 27, Measure.KILLED, "at least six", 6)
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.low = 7  # type: ignore[misc]


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("at least six", "several", True),  # [6, open] and [3, 9] share 6..9
        ("nearly 50", "84", False),
        ("at least 84", "nearly 100", True),
        ("more than 600", "600", False),
        ("50", "50", True),
        ("hundreds", "dozens", False),
        ("at least 7", "at least 1000", True),
        ("up to 50", "no one", True),
    ],
)
def test_compatible(a: str, b: str, expected: bool) -> None:
    ra, rb = parse_count(a), parse_count(b)
    assert ra is not None and rb is not None
    assert compatible(ra, rb) is expected
    assert compatible(rb, ra) is expected


def test_compatible_takes_anything_with_low_and_high() -> None:
    @dataclasses.dataclass
    class Row:
        low: int
        high: int | None

    assert compatible(Row(5, None), extract_counts("killed 7 people")[0])
    assert not compatible(Row(0, 0), Row(1, None))


def test_describe() -> None:
    assert describe(50, 50) == "50 (exactly)"
    assert describe(84, None) == "at least 84"
    assert describe(45, 50) == "45\N{EN DASH}50"


# --------------------------------------------------------------------------
# Properties


def _check_mentions(text: str, mentions: list[CountMention]) -> None:
    last_end = 0
    for m in mentions:
        assert text[m.start : m.end] == m.phrase
        assert last_end <= m.start < m.end <= len(text)
        _check_interval(m)
        last_end = m.end


def _check_interval(c: CountMention | CountRange) -> None:
    assert c.low >= 0
    assert c.high is None or c.low <= c.high
    assert c.low <= c.point and (c.high is None or c.point <= c.high)


# Words and signs the grammar reacts to, so random text reaches its corners.
NEWS_TOKENS = str.split(
    "at least more than up to nearly about some between and or to - – , . ; ( ) “ ” ’ % $ "
    "killed wounded dead or injured casualties missing kidnapped captured no one none zero "
    "a few several dozen dozens hundreds hundred thousand million scores of tens "
    "une centaine soixantaine plus de au moins quelques plusieurs des centaines morts blessés "
    "June May may August in since 2024 1999 aged year-old Route Battalion pm 10:30 13th "
    "six Sixty-four two hundred and five 1,400 21 000 half a dozen İ ß 𝟘 ٣ \n \t",
    " ",
)
news_text = st.lists(
    st.one_of(
        st.sampled_from(NEWS_TOKENS),
        st.integers(0, 10**7).map(str),
        st.text(max_size=4),
    ),
    max_size=40,
).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(), news_text))
def test_never_raises_and_offsets_slice(text: str) -> None:
    _check_mentions(text, extract_counts(text))
    parsed = parse_count(text)
    if parsed is not None:
        _check_interval(parsed)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10**9))
def test_every_number_parses_to_itself(n: int) -> None:
    words = num2words(n, lang="en")
    for phrase in (str(n), f"{n:,}", words, words.replace(" and ", " ")):
        parsed = parse_count(phrase)
        assert parsed is not None, phrase
        assert (parsed.low, parsed.high) == (n, n), phrase


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10**6), st.integers(0, 10**6), st.booleans())
def test_a_reversed_range_never_parses(a: int, b: int, in_words: bool) -> None:
    high, low = max(a, b) + 1, min(a, b)
    forms = ["between {} and {}", "entre {} et {}", "{} to {}", "{} or {}"]
    if not in_words:
        forms += ["{}-{}", "{}–{}", "between {}-{}"]
    for form in forms:
        words = [num2words(n, lang="fr" if "entre" in form else "en") for n in (high, low)]
        phrase = form.format(*(words if in_words else (high, low)))
        assert parse_count(phrase) is None, phrase
        assert extract_counts(f"{phrase} people were killed") == [], phrase


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 10**6), st.sampled_from(["killed", "wounded", "missing"]))
def test_a_count_in_a_sentence_keeps_its_offsets(n: int, verb: str) -> None:
    text = f"Officials said on Monday that {n:,} people were {verb} in the attack."
    [mention] = extract_counts(text)
    assert (mention.low, mention.high, mention.phrase) == (n, n, f"{n:,}")
    assert mention.start == text.index(f"{n:,}")


def test_megabytes_of_text() -> None:
    # Long runs of what the grammar would try to extend: a quadratic scan would hang here.
    chunks = [
        "1 000 " * 50_000,
        "one " * 50_000,
        "at least " * 20_000,
        "a" * 300_000,
        " " * 300_000,
        "1" * 200_000,
        "killed " * 40_000,
        "İ 12 casualties, " * 20_000,
    ]
    text = "".join(chunks)
    assert len(text) > 2_000_000
    _check_mentions(text, extract_counts(text))


# --------------------------------------------------------------------------
# The real phrases


# Lines whose label predates a row COUNTS.md gained (line number -> the
# qualifier that row gives; the interval becomes [expected_low, open]). The old
# label is checked too, so that a corrected data file makes this test fail
# until the entry is removed.
LABELS_OLDER_THAN_THE_CONTRACT = {20: Qualifier.PROVISIONAL}  # a provisional toll of N


def test_dev_phrases() -> None:
    lines = DEV_PHRASES.read_text(encoding="utf-8").splitlines()
    misses = []
    for number, line in enumerate(lines, start=1):
        row = json.loads(line)
        expected = (row["expected_low"], row["expected_high"], Qualifier(row["qualifier"]))
        if number in LABELS_OLDER_THAN_THE_CONTRACT:
            assert row["qualifier"] == "exact", f"line {number} relabelled: drop its entry"
            expected = (row["expected_low"], None, LABELS_OLDER_THAN_THE_CONTRACT[number])
        mentions = extract_counts(row["text"])
        if expected not in [(m.low, m.high, m.qualifier) for m in mentions]:
            found = [(m.phrase, m.low, m.high, m.qualifier.value) for m in mentions]
            misses.append(f"line {number}: expected {expected}, found {found}")
    assert not misses, f"{len(misses)} of {len(lines)} lines wrong:\n" + "\n".join(misses)


def test_importing_counts_loads_no_django() -> None:
    code = (
        "import sys, claims.counts; "
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, check=True)
