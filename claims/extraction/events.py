"""The event drafts: for each incident with claims, its title, dates and place.

The date is the incident's own ("on Wednesday", "dans la nuit du 5 au 6 novembre"),
else, for the main incident, the day its first figure was given when the text says so
("officials told dpa on Sunday"), else none; another incident told "a day after" is
dated from the day it comes before. The place is the most specific the incident's
text gives, with the country of the main incident when its own text names none.
"""

from __future__ import annotations

import functools
from datetime import date, datetime

from .dates import DAYS_AFTER_RE, incident_date
from .drafts import ArticleDraft, ClaimDraft, EventDraft
from .frames import Frame
from .incidents import Incidents
from .layout import Layout
from .places import COUNTRIES, COUNTRY_RE, find_place
from .words import INCIDENT_RE, INCIDENT_VERB_RE


def event_drafts(
    text: str,
    layout: Layout,
    incidents: Incidents,
    drafts: list[list[ClaimDraft]],
    published: datetime,
    frames: list[Frame],
    told_by: Frame | None,
) -> ArticleDraft:
    """The article's events, the main one first; an incident without claims has none.

    ``told_by`` is the frame the main incident's first figure was given in.
    """
    skip = [layout.dateline] if layout.dateline else []
    statements = [f.cue for f in frames]
    result = ArticleDraft()
    titles: set[str] = set()
    main_country = ""
    for index, incident in enumerate(incidents.items):
        place = find_place(text, incident.spans, skip)
        if index == 0:
            main_country = place.country or _article_country(text, layout)
        if not drafts[index]:
            continue
        place.country = place.country or main_country
        day, last = incident_date(text, incident.spans, published, statements)
        if day is None and index == 0 and told_by is not None:
            day, last = _day_told(text, told_by, published)
        elif day is None and index > 0:
            day = _day_before_marker(text, layout, incident.spans[0][0], published)
        noun = "toll" if incident.tally else _noun(text, incident.spans)
        marker = incident.marker if incident.tally else ""
        title = _title(noun, marker, place.text(), day, published, titles)
        result.events.append(
            EventDraft(title, day, place.text(), place.region, place.country, drafts[index], last)
        )
    return result


def _day_told(text: str, frame: Frame, published: datetime) -> tuple[date | None, date | None]:
    """ "..., officials told dpa on Sunday": no day for the incident, the day it was told."""
    a = frame.cue[0]
    return incident_date(text, [(a, a + 60)], published, [])


def _day_before_marker(text: str, layout: Layout, start: int, published: datetime) -> date | None:
    """ "Troops raided the hills on Saturday, a day after rebels killed 11": Friday."""
    sentence = layout.sentence_at(start)
    if sentence is None or not DAYS_AFTER_RE.match(text, start):
        return None
    return incident_date(text, [(sentence.start, start)], published, [])[0]


def _article_country(text: str, layout: Layout) -> str:
    """The country when the story's own part names none: the dateline's (where the
    reporter was, usually the country of the incident), else the first one named."""
    spans = [layout.dateline] if layout.dateline else []
    spans.append((0, len(text)))
    for a, b in spans:
        m = COUNTRY_RE.search(text, a, b)
        if m:
            return COUNTRIES[m.group("country")]
    return ""


_NOUN_EN = {
    "attaque": "attack", "embuscade": "ambush", "frappe": "strike", "assaut": "assault",
    "affrontement": "clashes", "affrontements": "clashes", "enlèvement": "kidnapping",
    "attacked": "attack", "attacking": "attack", "struck": "strike", "hit": "strike",
    "bombed": "bombing", "bombarding": "bombardment", "bombarded": "bombardment",
    "shelled": "shelling", "raided": "raid", "ambushed": "ambush",
    "stormed": "attack", "attaqué": "attack", "attaquée": "attack", "attaqués": "attack",
    "clash": "clashes", "air strike": "air strike", "air raid": "air raid",
}  # fmt: skip


@functools.lru_cache(maxsize=4)
def _incident_words(text: str) -> list[tuple[int, str]]:
    found = [*INCIDENT_RE.finditer(text), *INCIDENT_VERB_RE.finditer(text)]
    return [(m.start(), " ".join(m.group(0).lower().split())) for m in found]


def _noun(text: str, spans: list[tuple[int, int]]) -> str:
    """What the incident was, in English: the word the text uses most for it."""
    counts: dict[str, int] = {}
    for start, word in _incident_words(text):
        if any(a <= start < b for a, b in spans):
            word = _NOUN_EN.get(word, _NOUN_EN.get(word.rstrip("s"), word))
            if word not in ("opened fire", "took place", "incident"):
                counts[word] = counts.get(word, 0) + 1
    return max(counts, key=lambda w: counts[w]) if counts else "incident"


def _title(
    noun: str, marker: str, place: str, day: date | None, published: datetime, taken: set[str]
) -> str:
    """ "Attack in Mopti region, Mali, 21 November 2024", unique among the article's."""
    where = ""
    if place:
        where = (
            f" {place}"
            if place.split()[0] in ("near", "along", "on", "at", "by")
            else f" in {place}"
        )
    when = f"{day.day} {day:%B %Y}" if day else f"reported {published.day} {published:%B %Y}"
    what = f"{noun} {marker}" if marker else noun
    title = f"{what[:1].upper()}{what[1:]}{where}, {when}"
    candidate, n = title, 2
    while candidate.casefold() in taken:
        candidate, n = f"{title} ({n})", n + 1
    taken.add(candidate.casefold())
    return candidate
