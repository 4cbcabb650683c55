"""When an incident happened, read against the publication time.

"On Thursday" is the last Thursday up to and including the publication day (news
says "on Thursday" for today and "last Thursday" for a week before); "yesterday",
"18 November", "le 19 novembre", "dimanche dernier" likewise. "In the night of 5 to 6
November" is a range. "Saturday, a day after the rebels killed ..." dates the killing
to Friday. A date that says when someone spoke ("officials told dpa on Sunday",
"Residents yesterday disclosed") is not the incident's.

dateparser is slow to import and to call: it only sees the few phrases a regex found.
"""

from __future__ import annotations

import functools
import re
from datetime import date, datetime, timedelta
from typing import Any

from .words import words

_EN_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_FR_WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
WEEKDAY_INDEX = {w.lower(): i for ws in (_EN_WEEKDAYS, _FR_WEEKDAYS) for i, w in enumerate(ws)}
_EN_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
)
_FR_MONTH = (
    r"(?:janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre"
    r"|novembre|décembre|decembre)"
)
DATE_RE = re.compile(
    r"(?P<last>\blast\s+)?\b(?P<weekday>" + "|".join(_EN_WEEKDAYS) + r")\b"
    r"|\b(?P<frday>(?i:" + "|".join(_FR_WEEKDAYS) + r"))\b(?!\s+\d)"
    r"|\b(?P<relative>yesterday|today|last\s+night|this\s+morning|(?i:hier|avant-hier"
    r"|aujourd['’]hui|cette\s+nuit))\b"
    rf"|\b(?P<explicit>\d{{1,2}}(?:st|nd|rd|th|er)?\s+(?:of\s+)?(?:{_EN_MONTH}|(?i:{_FR_MONTH}))"
    rf"(?:,?\s+\d{{4}})?|{_EN_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?!\d)(?:,?\s+\d{{4}})?"
    r"|\d{4}-\d{2}-\d{2})\b"
)
# "dans la nuit du 5 au 6 novembre", "from 5 to 6 November", "between 5 and 6 November".
RANGE_RE = re.compile(
    r"\b(?:du|from|between)\s+(?P<a>\d{1,2})(?:er|st|nd|rd|th)?\s+(?:au|to|and|-)\s+"
    rf"(?P<b>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month>{_EN_MONTH}|(?i:{_FR_MONTH}))"
    r"(?:\s+(?P<year>\d{4}))?",
)
# "Saturday, a day after ...", "samedi, au lendemain de ...": the clause after is earlier.
DAYS_AFTER_RE = re.compile(
    r"\s*,?\s*(?:(?:just|only|some)\s+)?(?P<n>a|one|two|three|four|five|six|seven|\d+)\s+"
    r"days?\s+after\b",
    re.IGNORECASE,
)
_SMALL = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
# Months and years far from publication: "in December 2016", "en 2015", "last year".
PAST_ANCHOR_RE = re.compile(
    rf"\b(?:in|en|since|depuis|of)\s+(?:(?:early|late|mid|début|fin)[\s-]+)?(?:(?P<month>{_EN_MONTH}"
    rf"|(?i:{_FR_MONTH}))\s+)?(?P<year>(?:19|20)\d\d)\b"
    rf"|\b(?:in|en)\s+(?P<month_only>{_EN_MONTH}|(?i:{_FR_MONTH}))\b(?!\s+\d)"
    r"|\b(?P<last_year>last\s+year|l['’]an(?:née)?\s+derni(?:er|ère)|l['’]année\s+passée)\b",
)
_MONTH_NUMBER = {
    m: i + 1
    for i, names in enumerate(
        [("jan", "janvier"), ("feb", "février", "fevrier"), ("mar", "mars"), ("apr", "avril"),
         ("may", "mai"), ("jun", "juin"), ("jul", "juillet"), ("aug", "août", "aout"),
         ("sep", "septembre"), ("oct", "octobre"), ("nov", "novembre"),
         ("dec", "décembre", "decembre")]
    )
    for m in names
}  # fmt: skip
STATEMENT_WORDS = words("statement communiqué release conference interview message video post")


def relative_date(phrase: str, published: datetime) -> date | None:
    """The day a date phrase means, read on the publication day; None when not a day.

    A weekday alone ("on Thursday") is the last such day up to and including the
    publication day: news says "on Thursday" for today, "last Thursday" for a week ago.
    The common shapes are read here; dateparser (slow) only sees the others.
    """
    base = published.replace(tzinfo=None)
    day = _simple_date(phrase.lower().strip(), base)
    if day is not None:
        return day
    data = _date_parser(base).get_date_data(phrase)
    if data.date_obj is None or data.period not in ("day", "time"):
        return None
    return data.date_obj.date()


_RELATIVE_DAYS = {
    "today": 0, "aujourd'hui": 0, "aujourd’hui": 0, "this morning": 0, "cette nuit": 0,
    "yesterday": 1, "hier": 1, "last night": 1, "avant-hier": 2,
}  # fmt: skip
_DAY_MONTH = re.compile(
    r"^(?P<d>\d{1,2})(?:st|nd|rd|th|er)?\s+(?:of\s+)?(?P<m>[^\W\d]+)\.?(?:,?\s+(?P<y>\d{4}))?$"
    r"|^(?P<m2>[^\W\d]+)\.?\s+(?P<d2>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(?P<y2>\d{4}))?$"
)


def _simple_date(phrase: str, base: datetime) -> date | None:
    """Weekdays, "yesterday", "18 November (2024)", "Nov. 18": no parser needed."""
    words_ = phrase.split()
    if words_ and words_[-1] in WEEKDAY_INDEX and len(words_) <= 2:
        back = (base.weekday() - WEEKDAY_INDEX[words_[-1]]) % 7
        if words_[0] == "last" and back == 0:
            back = 7
        return (base - timedelta(days=back)).date()
    if phrase in _RELATIVE_DAYS:
        return (base - timedelta(days=_RELATIVE_DAYS[phrase])).date()
    m = _DAY_MONTH.match(phrase)
    if m is None:
        return None
    try:
        month = month_of(m.group("m") or m.group("m2"))
    except KeyError:
        return None
    year = int(m.group("y") or m.group("y2") or base.year)
    try:
        day = date(year, month, int(m.group("d") or m.group("d2")))
    except ValueError:
        return None
    if not (m.group("y") or m.group("y2")) and day > base.date() + timedelta(days=1):
        day = day.replace(year=year - 1)  # "18 November" read in January: last year's
    return day


@functools.lru_cache(maxsize=8)
def _date_parser(base: datetime) -> Any:
    """One dateparser parser per publication time: the first parse warms it up (~3 ms)."""
    import dateparser  # slow to import: only when an article has a date phrase

    return dateparser.DateDataParser(
        languages=["en", "fr"],
        settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past"},
    )


def month_of(name: str) -> int:
    key = name.lower().rstrip(".")
    return _MONTH_NUMBER.get(key) or _MONTH_NUMBER[key[:3]]


def past_anchor(text: str, a: int, b: int, published: datetime) -> re.Match[str] | None:
    """A month or year in text[a:b] more than a month before publication: another time."""
    for m in PAST_ANCHOR_RE.finditer(text, a, b):
        if m.group("last_year"):
            return m
        year = int(m.group("year")) if m.group("year") else published.year
        month = month_of(m.group("month") or m.group("month_only") or "dec")
        if m.group("month_only") and month > published.month:
            year -= 1  # "in October", read in January: last October
        if (published.year - year) * 12 + published.month - month > 1:
            return m
    return None


def incident_date(
    text: str,
    spans: list[tuple[int, int]],
    published: datetime,
    statements: list[tuple[int, int]],
) -> tuple[date | None, date | None]:
    """(first day, last day or None) of an incident told in the spans of text.

    ``statements`` are the spans of reporting verbs: a date right after one ("said on
    Monday") or between a speaker and its verb is when it was said, not the incident's.
    """
    for a, b in spans:
        for m in RANGE_RE.finditer(text, a, b):
            year = int(m.group("year") or published.year)
            month = month_of(m.group("month"))
            try:
                return date(year, month, int(m.group("a"))), date(year, month, int(m.group("b")))
            except ValueError:
                continue
        for m in DATE_RE.finditer(text, a, b):
            if _said_when(text, m, statements):
                continue
            day = _day(text, m, published)
            if day is not None and day <= published.date() + timedelta(days=1):
                return day, None
    return None, None


def _day(text: str, m: re.Match[str], published: datetime) -> date | None:
    phrase = "last " + m.group("weekday") if m.group("last") else m.group(0)
    day = relative_date(phrase, published)
    after = DAYS_AFTER_RE.match(text, m.end())
    if day is not None and after:
        n = after.group("n").lower()
        day -= timedelta(days=int(n) if n.isdigit() else _SMALL.get(n, 1))
    return day


_SAID_TO = words(
    "on in late early this last to the by phone reporters journalists news agency a an at dpa"
    " conference briefing media local state broadcaster television radio"
)


def _said_when(text: str, m: re.Match[str], statements: list[tuple[int, int]]) -> bool:
    for cue_start, cue_end in statements:
        between_after = text[cue_end : m.start()]
        between_before = text[m.end() : cue_start]
        if 0 <= m.start() - cue_end <= 40 and all(
            w[:1].isupper() or w.lower() in _SAID_TO for w in between_after.split()
        ):
            return True  # "said on Monday", "told dpa on Sunday"
        if 0 <= cue_start - m.end() <= 3 and not between_before.strip(" "):
            return True  # "Residents yesterday disclosed"
    before = text[max(0, m.start() - 30) : m.start()].lower()
    return any(w in before.split() for w in STATEMENT_WORDS)  # "In a statement late Tuesday"
