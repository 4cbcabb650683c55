"""claims.validation: the rules every write obeys (pure: no database, no Django)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claims import validation
from claims.validation import clean_input, multi_line, reversed_range, single_line, time_problem

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


# --- Single-line text -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("Ambush near\nMenaka", "Ambush near Menaka"),
        ("  Ambush\r\n\tnear  Menaka \u2028", "Ambush near Menaka"),
        ("JNIM\u202egnp.exe", "JNIMgnp.exe"),  # the override that shows "exe.png"
        (f"Wagner{BIDI}fighters", "Wagnerfighters"),
        ("Front\x00 de\x07 libération\x1b", "Front de libération"),
        ("الجيش المالي", "الجيش المالي"),  # right-to-left script itself is kept
    ],
)
def test_a_single_line_field_is_one_line_without_control_or_bidi_characters(
    given: str, stored: str
) -> None:
    assert single_line(given) == stored


@given(st.text())
def test_single_line_leaves_nothing_that_breaks_a_line_or_reverses_text(text: str) -> None:
    line = single_line(text)
    assert not any(c in BIDI or ord(c) < 32 or c == "\x7f" for c in line)
    assert line == line.strip() and "  " not in line and len(line.splitlines()) <= 1
    assert single_line(line) == line


def test_free_text_keeps_its_lines_but_loses_nul_and_other_controls() -> None:
    assert multi_line("First line\r\nsecond\x00 line\rthird\x1b\tend") == (
        "First line\nsecond line\nthird\tend"
    )


# --- Sizes -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("field", "limit"), [("name", 200), ("title", 300), ("quote", 5_000), ("text", 10_000)]
)
def test_a_field_over_its_size_is_refused_saying_by_how_much(field: str, limit: int) -> None:
    _, problems = clean_input({field: "x" * limit}, now=NOW)
    assert problems == {}
    _, problems = clean_input({field: "x" * (limit + 1)}, now=NOW)
    assert problems[field] == (
        f"This is {limit + 1:,} characters long; at most {limit:,} are kept here. "
        "Shorten it (put long material in a linked document)."
    )


def test_the_size_is_counted_after_cleaning() -> None:
    cleaned, problems = clean_input({"name": "JNIM" + " \n" * 500}, now=NOW)
    assert (cleaned["name"], problems) == ("JNIM", {})


# --- Times -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "value",
    [
        datetime(1900, 1, 1, tzinfo=UTC),
        NOW + timedelta(days=1),
        date(1900, 1, 1),
        date(2026, 3, 11),  # already tomorrow where the day starts first
    ],
)
def test_times_from_1900_to_a_day_ahead_are_accepted(value: date) -> None:
    assert time_problem(value, now=NOW) is None


@pytest.mark.parametrize(
    ("value", "says"),
    [
        (datetime(1899, 12, 31, 23, 59, tzinfo=UTC), "1899-12-31T23:59+00:00 is before 1900"),
        (datetime(1, 1, 1, tzinfo=UTC), "0001-01-01T00:00+00:00 is before 1900"),
        (NOW + timedelta(days=1, minutes=1), "is in the future (more than a day from now)"),
        (datetime(9999, 12, 31, 23, 59, tzinfo=UTC), "9999-12-31T23:59+00:00 is in the future"),
        (date(1899, 12, 31), "1899-12-31 is before 1900"),
        (date(2026, 3, 12), "2026-03-12 is in the future"),
        (datetime(2026, 1, 1), "Give the time with its time zone."),
    ],
)
def test_times_out_of_range_are_refused_saying_what_to_check(value: date, says: str) -> None:
    problem = time_problem(value, now=NOW)
    assert problem is not None and says in problem


def test_clean_input_checks_the_time_fields_only() -> None:
    old = datetime(1850, 5, 1, tzinfo=UTC)
    _, problems = clean_input({"made_at": old, "published_at": None, "created": old}, now=NOW)
    assert list(problems) == ["made_at"]


# --- Ranges -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("phrase", "right_way_round"),
    [
        ("between 10 and 5", "between 5 and 10"),
        ("10-5", "5-10"),
        ("20 to 15 soldiers", "15 to 20 soldiers"),
    ],
)
def test_a_range_written_backwards_is_found(phrase: str, right_way_round: str) -> None:
    assert reversed_range(phrase) == right_way_round


@pytest.mark.parametrize("phrase", ["between 5 and 10", "heavy losses", "six", "5 to 10"])
def test_a_phrase_that_is_not_a_backwards_range_is_left_alone(phrase: str) -> None:
    assert reversed_range(phrase) is None


def test_the_module_imports_nothing_from_django() -> None:
    source = Path(validation.__file__).read_text(encoding="utf-8")
    assert "django" not in source.split('"""', 2)[2]
