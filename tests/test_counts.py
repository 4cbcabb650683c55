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

E, L, M, A, R, V = (
    Qualifier.EXACT,
    Qualifier.AT_LEAST,
    Qualifier.AT_MOST,
    Qualifier.APPROX,
    Qualifier.RANGE,
    Qualifier.VAGUE,
)

# (phrase, low, high, qualifier): every row of COUNTS.md, then the edge cases.
PHRASES = [
    # a plain number
    ("six Wagner operatives", 6, 6, E),
    ("77 people were killed", 77, 77, E),
    ("1,400", 1400, 1400, E),
    ("21 000", 21000, 21000, E),
    ("21\u202f000 morts", 21000, 21000, E),
    ("two hundred and five", 205, 205, E),
    ("Sixty-four", 64, 64, E),
    ("One hundred people were killed", 100, 100, E),
    ("soixante-dix", 70, 70, E),
    ("quatre-vingt-dix blessés", 90, 90, E),
    ("3.5 million people", 3_500_000, 3_500_000, E),
    ("1,5 million de personnes", 1_500_000, 1_500_000, E),
    ("half a million", 500_000, 500_000, E),
    ("a total of 121 individuals", 121, 121, E),
    # at least N
    ("at least six", 6, None, L),
    ("At Least 85 Confirmed Killed", 85, None, L),
    ("25+", 25, None, L),
    ("50 or more", 50, None, L),
    ("upwards of 32", 32, None, L),
    ("au moins 12 soldats", 12, None, L),
    ("at least half a dozen", 6, None, L),
    # more than N
    ("more than 20", 21, None, L),
    ("over 500 people", 501, None, L),
    ("more than 1,400 people", 1401, None, L),
    ("could exceed 100", 101, None, L),
    ("plus de 70 morts", 71, None, L),
    ("plus d'une centaine de morts", 101, None, L),
    ("more than a dozen", 13, None, L),
    # nearly N
    ("nearly 50", 45, 50, A),
    ("almost 100", 90, 100, A),
    ("close to 7", 6, 7, A),
    ("près de 50", 45, 50, A),
    # about N; rounding is half up (banker's rounding would give 22 and 16)
    ("about 80", 72, 88, A),
    ("around 200", 180, 220, A),
    ("some 400 civilians", 360, 440, A),
    ("approximately seven", 6, 8, A),
    ("an estimated 300", 270, 330, A),
    ("closer to 45", 41, 50, A),
    ("about 25", 23, 28, A),
    ("about 15", 14, 17, A),
    ("around fifty", 45, 55, A),
    ("100 or so", 90, 110, A),
    ("environ 30", 27, 33, A),
    ("une soixantaine", 54, 66, A),
    ("une centaine", 90, 110, A),
    ("une vingtaine", 18, 22, A),
    # up to N: [1, N] when the sentence says deaths happened, else [0, N]
    ("up to 50", 0, 50, M),
    ("at most 3", 0, 3, M),
    ("as many as 40", 0, 40, M),
    ("jusqu'à 40", 0, 40, M),
    ("up to 50 people were killed", 1, 50, M),
    ("as many as 40 died", 1, 40, M),
    ("up to 50 people may have been killed", 0, 50, M),
    ("up to 30 people are feared dead", 0, 30, M),
    ("fewer than 10", 0, 9, M),
    # between A and B
    ("between 100 and 300", 100, 300, R),
    ("between 100 to 300 individuals", 100, 300, R),
    ("6-8", 6, 8, R),
    ("6–8", 6, 8, R),
    ("10 to 15", 10, 15, R),
    ("two or three", 2, 3, R),
    ("entre 10 et 20", 10, 20, R),
    ("between 1,000 and 2,000 people", 1000, 2000, R),
    # vague amounts
    ("a few", 2, 5, V),
    ("quelques", 2, 5, V),
    ("several", 3, 9, V),
    ("plusieurs", 3, 9, V),
    ("a dozen", 12, 12, V),
    ("half a dozen", 6, 6, V),
    ("dozens", 24, 99, V),
    ("Dozens more were injured", 24, 99, V),
    ("scores of civilians", 40, 199, V),
    ("hundreds", 200, 999, V),
    ("hundreds civilians were also killed", 200, 999, V),
    ("des centaines", 200, 999, V),
    ("several hundred", 300, 900, V),
    ("plusieurs centaines", 300, 900, V),
    ("a few dozen", 24, 60, V),
    ("des dizaines de morts", 20, 99, V),
    ("thousands", 2000, 9999, V),
    ("tens of thousands", 20_000, 99_999, V),
    ("hundreds of thousands", 200_000, 999_999, V),
    # none
    ("no one", 0, 0, E),
    ("none", 0, 0, E),
    ("zero", 0, 0, E),
    ("no casualties", 0, 0, E),
    ("No civilian from Moura lost their life", 0, 0, E),
    # an unspecified number; the explicit plural "lives" says at least two
    ("an unspecified number", 1, None, V),
    ("some lives were lost", 2, None, V),
    # a clause that adds counts gives their sum
    ("six soldiers and at least 34 auxiliaries", 40, None, L),
    ("84 Wagner fighters and 47 government soldiers", 131, 131, E),
    ("dozens of soldiers and several civilians", 27, 108, V),
    # ... but not counts of different measures: the first is the answer
    ("at least 50 killed and 73 wounded", 50, None, L),
    # digits with their context
    ("which has killed more than 1,400 people since 2015", 1401, None, L),
    ("On 2 August, CSP said that 84 Wagner mercenaries", 84, 84, E),
    ("on the night of June 4-5 that left more than 100 people dead", 101, None, L),
    ("In 2024, 50 people were killed", 50, 50, E),
    ("2024", 2024, 2024, E),  # a bare number is a count; a year needs a date-like context
]


@pytest.mark.parametrize(("phrase", "low", "high", "qualifier"), PHRASES)
def test_parse_count(phrase: str, low: int, high: int | None, qualifier: Qualifier) -> None:
    assert parse_count(phrase) == CountRange(low, high, qualifier, phrase)


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
]


@pytest.mark.parametrize(("text", "expected"), RUNNING_TEXT)
def test_extract_counts(
    text: str, expected: list[tuple[str, int, int | None, Measure | None]]
) -> None:
    mentions = extract_counts(text)
    assert [(m.phrase, m.low, m.high, m.measure) for m in mentions] == expected
    _check_mentions(text, mentions)


def test_mention_fields() -> None:
    text = "Officials said at least six Wagner operatives were killed."
    [m] = extract_counts(text)
    assert m == CountMention(6, None, Qualifier.AT_LEAST, 15, 27, Measure.KILLED, "at least six")
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
        assert m.low >= 0
        assert m.high is None or m.low <= m.high
        last_end = m.end


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
        assert parsed.low >= 0
        assert parsed.high is None or parsed.low <= parsed.high


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10**9))
def test_every_number_parses_to_itself(n: int) -> None:
    words = num2words(n, lang="en")
    for phrase in (str(n), f"{n:,}", words, words.replace(" and ", " ")):
        parsed = parse_count(phrase)
        assert parsed is not None, phrase
        assert (parsed.low, parsed.high) == (n, n), phrase


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


def test_dev_phrases() -> None:
    rows = [json.loads(line) for line in DEV_PHRASES.read_text(encoding="utf-8").splitlines()]
    misses = []
    for row in rows:
        expected = (row["expected_low"], row["expected_high"])
        mentions = extract_counts(row["text"])
        if expected not in [(m.low, m.high) for m in mentions]:
            found = [(m.phrase, m.low, m.high) for m in mentions]
            misses.append(f"{row['text']!r}: expected {expected}, found {found}")
    accuracy = 1 - len(misses) / len(rows)
    assert accuracy >= 0.95, f"{accuracy:.1%} right; misses:\n" + "\n".join(misses)


def test_importing_counts_loads_no_django() -> None:
    code = (
        "import sys, claims.counts; "
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, check=True)
