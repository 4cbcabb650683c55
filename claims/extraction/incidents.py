"""Which incident each figure is about: the story's own, or another one it mentions.

A figure belongs to the main incident unless the text ties it to another time or
place:

- a relational marker sends what follows it, to the end of the paragraph, to
  another incident: "another ambush", "in a separate attack", "five days after a
  bombing ...", "weeks earlier", "last year", "une autre attaque", "il y a deux mois";
- a running tally is its own: "since April 15, which left over 3,000 people killed",
  "more than 2,000 people have been killed since 2015" (but not "the deadliest
  attack since 2015");
- a month or a year more than a month before publication, in the figure's clause:
  "avait fait douze morts à Nassoumbou en décembre 2016";
- a fronted adjunct naming one incident among several: "In the first strike, ...";
- an attack, strike or clash at a place the main incident has not been placed at,
  once it has a place: "... were also killed when bombs hit houses in Kharkiv Region".
  "The attack occurred near X" only says more about the main incident's place;
- "those attacks" in the next paragraph goes on with the incident just told.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from .dates import past_anchor
from .figures import Figure
from .layout import Layout, Sentence
from .places import localities, regions
from .words import (
    ANAPHOR_RE,
    CLAUSE_END_RE,
    FRONTED_INCIDENT_RE,
    INCIDENT_RE,
    INCIDENT_VERB_RE,
    OTHER_INCIDENT_RE,
    SUPERLATIVE_RE,
    TALLY_RE,
)


@dataclass(slots=True)
class Incident:
    spans: list[tuple[int, int]] = field(default_factory=list)
    tally: bool = False  # a running tally of a war or a campaign, not one incident
    marker: str = ""  # the words that set it apart ("since April 15")


@dataclass(slots=True)
class Incidents:
    """The incidents of an article and which part of the text each holds."""

    items: list[Incident]
    regions: list[tuple[int, int, int]]  # (start, end, incident index)

    def at(self, offset: int) -> int:
        for start, end, index in self.regions:
            if start <= offset < end:
                return index
        return 0


_REFINES_RE = re.compile(
    r"\b(?:the|this|l['’]|cette)\s*(?:[\w-]+\s+){0,2}?(?:attack|ambush|raid|assault|strike|bombing"
    r"|incident|attaque|embuscade)\s+(?:\w+\s+){0,2}?(?:occurred|happened|took\s+place|unfolded"
    r"|was\s+carried\s+out|started|began|a\s+eu\s+lieu|s['’]est\s+déroulée|s['’]est\s+produite"
    r"|qui\s+a\s+eu\s+lieu)\b",
    re.IGNORECASE,
)


class _Reader:
    def __init__(self, layout: Layout, published: datetime, figures: list[Figure]) -> None:
        self.layout = layout
        self.figures = figures
        # What the headline says is the story: a figure it gives is the main incident's.
        body = next((s.start for s in layout.sentences if not s.heading), 0)
        self.headline = {(f.low, f.high, f.measure) for f in figures if f.start < body}
        self.text = layout.text
        self.published = published
        self.items = [Incident()]
        self.regions: list[tuple[int, int, int]] = []
        self.main_places: set[str] = set()
        self.current = 0
        self.last_other = 0

    def new(self, marker: str, *, tally: bool = False) -> int:
        self.items.append(Incident(tally=tally, marker=marker))
        self.last_other = len(self.items) - 1
        return self.last_other

    def assign(self, a: int, b: int, index: int) -> None:
        if a >= b:
            return
        self.regions.append((a, b, index))
        self.items[index].spans.append((a, b))
        if index == 0:
            self.main_places |= _places(self.text, a, b)

    def read(self, s: Sentence, new_paragraph: bool) -> None:
        text = self.text
        a = (
            self.layout.dateline[1]
            if self.layout.dateline and self.layout.dateline[0] == s.start
            else s.start
        )
        if new_paragraph:
            anaphor = ANAPHOR_RE.search(text, a, s.end)
            self.current = self.last_other if anaphor and self.last_other else 0
        if FRONTED_INCIDENT_RE.match(text, a, s.end):
            noun = INCIDENT_RE.search(text, a, s.end)
            self.assign(a, s.end, self.new(noun.group(0) if noun else ""))
            return
        split = self._relational(a, s.end)
        if split is not None:
            at, marker, tally = split
            self.assign(a, at, self.current)
            self.current = self.new(marker, tally=tally)
            self.assign(at, s.end, self.current)
            return
        if self.current == 0:
            elsewhere = self._elsewhere(a, s.end)
            if elsewhere:
                self.assign(a, s.end, self.new(elsewhere))
                return
            past = self._past_clause(a, s.end)
            if past is not None:
                start, end, when = past
                self.assign(a, start, 0)
                self.assign(start, end, self.new(when))
                self.assign(end, s.end, 0)
                return
        self.assign(a, s.end, self.current)

    def _relational(self, a: int, b: int) -> tuple[int, str, bool] | None:
        """Where a marker of another incident or of a running tally starts, if any."""
        text = self.text
        marker = OTHER_INCIDENT_RE.search(text, a, b)
        tally = next(
            (
                m
                for m in TALLY_RE.finditer(text, a, b)
                if not SUPERLATIVE_RE.search(text, a, m.start())
            ),
            None,
        )
        if tally is not None and (marker is None or tally.start() < marker.start()):
            # "more than 2,000 killed since 2015": the tally's clause, from its start.
            clause = max([a, *(m.end() for m in CLAUSE_END_RE.finditer(text, a, tally.start()))])
            return clause, tally.group(0).strip(), True
        if marker is not None and not self._headline_figure(marker.start(), b):
            return marker.start(), marker.group(0), False
        return None

    def _headline_figure(self, a: int, b: int) -> bool:
        """ "Strikes on Saturday, a day after the rebels killed dozens": if the headline
        says "Dozens die", the killing is the story, not the strikes."""
        return any(
            a <= f.start < b and (f.low, f.high, f.measure) in self.headline for f in self.figures
        )

    def _elsewhere(self, a: int, b: int) -> str:
        """A new place right after an attack, strike or clash: another incident."""
        text = self.text
        if not self.main_places or _REFINES_RE.search(text, a, b):
            return ""
        for m in (*INCIDENT_RE.finditer(text, a, b), *INCIDENT_VERB_RE.finditer(text, a, b)):
            window_end = min(b, m.end() + 70)
            for name in _place_names(text, m.end(), window_end):
                if not any(_same_place(name, known) for known in self.main_places):
                    return f"{m.group(0)} {name}"
        return ""

    def _past_clause(self, a: int, b: int) -> tuple[int, int, str] | None:
        """ "... douze morts à Nassoumbou en décembre 2016": the clause with an old date."""
        anchor = past_anchor(self.text, a, b, self.published)
        if anchor is None:
            return None
        start = max([a, *(m.end() for m in CLAUSE_END_RE.finditer(self.text, a, anchor.start()))])
        end = next((m.start() for m in CLAUSE_END_RE.finditer(self.text, anchor.end(), b)), b)
        return start, end, anchor.group(0)


def _places(text: str, a: int, b: int) -> set[str]:
    return {n.lower() for n in _place_names(text, a, b)}


def _place_names(text: str, a: int, b: int) -> list[str]:
    names = [name for name, _, _ in localities(text, a, b)]
    names += [name for name, _, _, _ in regions(text, a, b)]
    return names


def _same_place(name: str, known: str) -> bool:
    first = name.lower().split()[0]
    return first in known or known.split()[0] in name.lower()


def split_incidents(layout: Layout, figures: list[Figure], published: datetime) -> Incidents:
    """The incidents in the article (the main one first) and which text each holds."""
    reader = _Reader(layout, published, figures)
    para = -1
    body_started = False
    for s in layout.sentences:
        if s.heading and body_started:
            continue  # a closing credit or byline
        body_started = body_started or not s.heading
        if any(a <= s.start < b for a, b in layout.credit_spans):
            continue
        reader.read(s, new_paragraph=s.para != para)
        para = s.para
    return Incidents(reader.items, reader.regions)
