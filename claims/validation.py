"""What every input must be before it is stored: times in range, one-line names, sizes.

Pure Python, no Django: the services (``claims.services.common.clean_input``) apply
these rules to every write, whichever interface it comes from (admin, API, article
import, ``import_claims``), and turn each problem into a field error.

Times. Verifier tracks claims about recent violence, so a date or a time is accepted
from 1 January 1900 to one day after now (UTC). Before 1900 is a typo ("0024",
"1024") or history, not news; more than a day ahead is a typo ("2204") or a wrong
time zone, with a day of slack for places ahead of UTC (Kiribati is UTC+14). The
range also keeps every stored value far from the years 1 and 9999, where a time zone
shift makes a value that PostgreSQL stores but Python cannot read back (year 10000
wedged an event's recheck, issue #15).

Text. A single-line field (a name, a title, a place, a group, a count as written)
heads lists, pages and email subjects: its whitespace (newlines and tabs included)
becomes single spaces, and control characters are removed: NUL and the other C0
controls, and the bidirectional controls (U+202A-U+202E, U+2066-U+2069, U+200E,
U+200F, U+061C) that reverse the text shown after them ("JNIM\u202egnp.exe").
Free text (a statement, a quote, notes) keeps its lines but loses NUL and the other
C0 controls but tab and newline (PostgreSQL refuses NUL; the rest is invisible junk).

Sizes, in characters, after cleaning. Single-line fields are the model's column sizes
(a name up to 200, a title or a place up to 300: longer is a paragraph pasted into
the wrong box). Free text is capped where no real use reaches: a quote (a sentence or
a paragraph of the source) 5,000; a claim's statement, an event's summary and a
source's notes 10,000 (a few pages); a note or reason given with a decision 2,000.
A 10 MB field made one claim's API detail 20 MB (issue #15).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from claims.counts import Qualifier, parse_count

EARLIEST = date(1900, 1, 1)
FUTURE_SLACK = timedelta(days=1)

# Single-line fields and their size; the same name means the same rule on every model.
SINGLE_LINE: dict[str, int] = {
    "title": 300,
    "place": 300,
    "name": 200,
    "origin": 200,
    "region": 200,
    "country": 200,
    "group": 200,
    "count_text": 200,
    "publisher": 200,
    "term": 100,
}
MULTI_LINE: dict[str, int] = {
    "text": 10_000,
    "summary": 10_000,
    "notes": 10_000,
    "quote": 5_000,
    "note": 2_000,
    "reason": 2_000,
    "override_reason": 2_000,
}
TIMES = frozenset({"date", "date_end", "made_at", "published_at", "published"})

_BIDI = "\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
_C0_BUT_TAB_NEWLINE = "\x00-\x08\x0b-\x1f\x7f"
_SINGLE_LINE_JUNK = re.compile(f"[\x00-\x08\x0e-\x1f\x7f{_BIDI}]")
_MULTI_LINE_JUNK = re.compile(f"[{_C0_BUT_TAB_NEWLINE}]")
_RANGE = re.compile(r"\b(?P<a>\w+)(?P<mid>\s*(?:-|–|—|\bto\b|\band\b)\s*)(?P<b>\w+)\b")


def single_line(value: str) -> str:
    """One line, single spaces, no control characters (bidi ones included)."""
    return " ".join(_SINGLE_LINE_JUNK.sub("", value).split())


def multi_line(value: str) -> str:
    """Lines kept (CRLF and CR become LF); NUL and the other C0 controls removed."""
    return _MULTI_LINE_JUNK.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def size_problem(field: str, value: str) -> str | None:
    """What is wrong with the size of an already cleaned value, or None."""
    limit = SINGLE_LINE.get(field) or MULTI_LINE.get(field)
    if limit is None or len(value) <= limit:
        return None
    return (
        f"This is {len(value):,} characters long; at most {limit:,} are kept here. "
        "Shorten it (put long material in a linked document)."
    )


def time_problem(value: date | datetime, *, now: datetime) -> str | None:
    """What is wrong with a date or time, or None when it is in the accepted range."""
    latest = now.astimezone(UTC) + FUTURE_SLACK
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return "Give the time with its time zone."
        too_early = value < datetime(EARLIEST.year, 1, 1, tzinfo=UTC)
        too_late = value > latest
    else:
        too_early, too_late = value < EARLIEST, value > latest.date()
    shown = value.isoformat(timespec="minutes") if isinstance(value, datetime) else str(value)
    if too_early:
        return f"{shown} is before {EARLIEST.year}: Verifier tracks recent events. Check the year."
    if too_late:
        return (
            f"{shown} is in the future (more than a day from now). "
            "Check the year and the time zone."
        )
    return None


def reversed_range(phrase: str) -> str | None:
    """The phrase with its range the right way round when it is written backwards
    ("between 10 and 5" gives "between 5 and 10"), else None."""
    for m in _RANGE.finditer(phrase):
        swapped = f"{phrase[: m.start()]}{m['b']}{m['mid']}{m['a']}{phrase[m.end() :]}"
        parsed = parse_count(swapped)
        if parsed is not None and parsed.qualifier is Qualifier.RANGE:
            return swapped
    return None


def clean_input(
    values: Mapping[str, Any], *, now: datetime
) -> tuple[dict[str, Any], dict[str, str]]:
    """``values`` cleaned by the rules above, and a problem per field that breaks one.

    Fields without a rule pass unchanged; None and empty values are not checked.
    """
    cleaned = dict(values)
    problems: dict[str, str] = {}
    for field, value in values.items():
        problem = None
        if field in TIMES and isinstance(value, date):
            problem = time_problem(value, now=now)
        elif isinstance(value, str) and (field in SINGLE_LINE or field in MULTI_LINE):
            value = single_line(value) if field in SINGLE_LINE else multi_line(value)
            cleaned[field] = value
            problem = size_problem(field, value)
        if problem is not None:
            problems[field] = problem
    return cleaned, problems
