"""The casualty figures in an article: each count with what it measures and whom it counts.

``claims.counts.extract_counts`` finds the counts and, when the words around a count
say so, its measure. This adds what only the sentence shows: the measure of a count
in a list ("those killed included 10 soldiers, 45 troops and five police"), of a
subset ("54 morts dont 1 civil"), of "7 others", of a present-tense verb ("kill five
soldiers", "troops die"); the group counted; a toll that moved ("rose from 16 to
23": two figures, not a range); and the sum of a list when its parts share a measure.
A count with no measure, or that counts things ("several vehicles") or an age ("une
dizaine d'années"), is no figure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from claims.counts import CountMention, extract_counts, parse_count

from .layout import Layout
from .words import (
    AGE_AFTER,
    BODIES_RE,
    FRENCH_ADJECTIVE,
    GROUP_JOIN,
    GROUP_LEAD,
    GROUP_STOP,
    LIST_HEAD_RE,
    LIST_MEASURE,
    LOSS_NOUNS,
    MEASURE_VERBS_BEFORE,
    MEASURE_WORDS_AFTER,
    PERSON_NOUNS,
    REVISION_RE,
    VERB_KIND,
    words,
)


@dataclass(slots=True)
class Figure:
    """A casualty figure as written: the count phrase's span, its interval, measure, group."""

    low: int
    high: int | None
    start: int
    end: int
    phrase: str
    measure: str
    group: str
    sum_of: int = 0  # a list's sum: how many figures it adds up


def figures(layout: Layout) -> list[Figure]:
    """Every figure in the headline and the body, in text order."""
    found: list[Figure] = []
    for start, end in _readable(layout):
        found += _figures_in(layout, start, end)
    return found


def _readable(layout: Layout) -> list[tuple[int, int]]:
    """Paragraphs to read: the headline and the body, not a credit line or a closing byline."""
    spans = []
    body_started = False
    for para, (start, end) in enumerate(layout.paragraphs):
        heading = any(s.heading for s in layout.sentences if s.para == para)
        if heading and body_started:
            continue
        body_started = body_started or not heading
        if layout.dateline and start == layout.dateline[0]:
            start = layout.dateline[1]
        spans.append((start, end))
    return spans


def _figures_in(layout: Layout, a: int, b: int) -> list[Figure]:
    text = layout.text
    revised = [m for m in REVISION_RE.finditer(text, a, b)]
    mentions = [
        CountMention(
            m.low, m.high, m.qualifier, m.start + a, m.end + a, m.measure, m.phrase, m.point
        )
        for m in extract_counts(text[a:b])
    ]
    found: list[Figure] = []
    for r in revised:
        found += _revision(text, r, b)
    taken = [(f.start, f.end) for f in found]
    previous: list[Figure] = list(found)
    for i, m in enumerate(mentions):
        if any(s <= m.start < e or s < m.end <= e for s, e in taken):
            continue
        if AGE_AFTER.match(text, m.end) or re.search(
            r"\baged?\s*$", text[max(a, m.start - 8) : m.start]
        ):
            continue  # "a 10-year-old", "d'une dizaine d'années": an age
        if i and re.fullmatch(
            r"\s+(?:of|out\s+of|sur)\s+(?:the|its|their|les)\s+",
            text[mentions[i - 1].end : m.start],
        ):
            continue  # "one of the two attackers": the two are not a figure
        measure = m.measure.value if m.measure else _measure(text, m, mentions[:i], previous, a)
        group = group_after(text, m.end, b)
        if group is None and measure is not None and _SUBSET_RE.match(text, m.end):
            group = previous[-1].group if previous else "people"  # "six injured, two critically"
        if measure is None or group is None:
            continue
        figure = Figure(m.low, m.high, m.start, m.end, m.phrase, measure, group)
        found.append(figure)
        previous.append(figure)
    found += _sums(text, previous)
    return sorted(found, key=lambda f: (f.start, -f.end))


def _revision(text: str, m: re.Match[str], limit: int) -> list[Figure]:
    """ "has risen from 16 to 23 dead": the earlier toll and the new one."""
    out = []
    group = group_after(text, m.end("b"), limit) or "people"
    for name in ("a", "b"):
        count = parse_count(m.group(name))
        if count is not None:
            out.append(
                Figure(count.low, count.high, m.start(name), m.end(name), m.group(name).strip(),
                       "killed", group)
            )  # fmt: skip
    return out if len(out) == 2 else []


# "six soldiers were injured, two critically": a part of the figure before.
_SUBSET_RE = re.compile(
    r"\s+(?:\w+ly|gravement|grièvement|sérieusement)\s*(?:[,.;]|and\b|et\b|$)", re.I
)
_SEPARATOR = re.compile(r"^(?:\s*,\s*(?:and\s+|et\s+)?|\s+(?:and|et)\s+)$")


def _measure(
    text: str, m: CountMention, before: list[CountMention], previous: list[Figure], start: int
) -> str | None:
    """The measure of a count whose own words name none, from its sentence."""
    sentence_start = max(text.rfind(c, start, m.start) for c in ".!?") + 1 or start
    if previous and previous[-1].start >= sentence_start:
        last = previous[-1]
        gap = text[last.end : m.start]
        # In a list: "19 police officers, five rescuers and a child" share the measure.
        if _SEPARATOR.match(_drop_group(gap, last.group)):
            return last.measure
        # "54 morts dont 1 civil", "23 dead; 7 others were found".
        if (
            re.search(r"\b(?:dont|including|among\s+them|parmi\s+eux)\s*$", gap, re.I)
            or re.match(r"\s*(?:others?|more|autres)\b", text[m.end : m.end + 8], re.I)
            or _SUBSET_RE.match(text, m.end)
        ):
            return last.measure
    head = LIST_HEAD_RE.search(text, sentence_start, m.start)
    if head:
        return LIST_MEASURE[(head.group("m1") or head.group("m2")).lower()]
    if BODIES_RE.search(text[max(start, m.start - 12) : m.start]):
        return "killed"
    return _measure_from_verbs(text, m)


def _drop_group(gap: str, group: str) -> str:
    """The gap between two counts without the first one's group: ", " in "19 officers, five"."""
    stripped = gap.lstrip()
    if group != "people" and stripped.lower().startswith(group.lower()):
        stripped = stripped[len(group) :]
    stripped = re.sub(
        r"^(?:\s+(?:from|of|de|du|des)\s+(?:the\s+)?[\w' -]+?)(?=,|\s+and\s)", "", stripped
    )
    return stripped if stripped != gap.lstrip() else gap


_OBJECT_AFTER = re.compile(
    r"\s+(?:at\s+least|more\s+than|over|about|some|around|nearly|the|a|an|his|her|their|its"
    r"|several|many|dozens|scores|hundreds|\d|one|two|three|four|five|six|seven|eight|nine|ten)\b",
    re.IGNORECASE,
)
_WORD_BEFORE = re.compile(r"(\w+)\s+(?:(?:about|some|around|at\s+least)\s+)?$")


def _measure_from_verbs(text: str, m: CountMention) -> str | None:
    """ "kill five soldiers", "have lost five soldiers", "troops die", "15 ... in his custody"."""
    before = _WORD_BEFORE.search(text[max(0, m.start - 30) : m.start])
    if before and before.group(1).lower() in MEASURE_VERBS_BEFORE:
        return MEASURE_VERBS_BEFORE[before.group(1).lower()]
    after = text[m.end : m.end + 80]
    words = re.findall(r"[\w'’-]+|[.;,]", after)[:8]
    for i, word in enumerate(words):
        lowered = word.lower()
        if lowered in ".;":
            break
        if lowered in MEASURE_WORDS_AFTER and (word.islower() or i == 0):  # not "Frontier Corps"
            # "Two bombers killed three people": the count did the killing.
            if lowered in ("killed", "wounded", "injured") and _OBJECT_AFTER.match(
                after, after.lower().find(lowered) + len(lowered)
            ):
                return None
            return MEASURE_WORDS_AFTER[lowered]
    return None


def _sums(text: str, found: list[Figure]) -> list[Figure]:
    """The sum of a list whose parts share a measure: "four civilians and an official"."""
    sums = []
    i = 0
    while i < len(found):
        j = i
        while j + 1 < len(found) and _joined(text, found[j], found[j + 1]):
            j += 1
        if j > i:
            parts = found[i : j + 1]
            end = _group_end(text, parts[-1])
            phrase = text[parts[0].start : end]
            total = parse_count(phrase)
            if total is not None and total.low > parts[0].low:
                sums.append(
                    Figure(total.low, total.high, parts[0].start, end, phrase, parts[0].measure,
                           " and ".join(dict.fromkeys(p.group for p in parts)), sum_of=len(parts))
                )  # fmt: skip
        i = j + 1
    return sums


def _joined(text: str, a: Figure, b: Figure) -> bool:
    return a.measure == b.measure and bool(
        _SEPARATOR.match(_drop_group(text[a.end : b.start], a.group))
    )


def _group_end(text: str, f: Figure) -> int:
    if f.group == "people":
        return f.end
    at = text.find(f.group.split()[-1], f.end)
    return at + len(f.group.split()[-1]) if at != -1 and at - f.end < 60 else f.end


_NOT_A_PEOPLE = words(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may"
    " june july august september october november december lundi mardi mercredi jeudi vendredi"
    " samedi dimanche"
)


# --- Who is counted --------------------------------------------------------------------------
_TOKEN_RE = re.compile(r"\s*([^\W\d_][\w'’-]*)")
_OF_RE = re.compile(
    r"(?:\s+(?:of|de|des|d['’]entre)\b|\s+d['’])\s*(?:the\s+|them\b|whom\b|those\b|eux\b)?"
)


def group_after(text: str, end: int, limit: int) -> str | None:
    """Who a count counts, from the words after it: a group, "people", or None for things."""
    pos = end
    m = _OF_RE.match(text, pos, limit)  # "12 of the soldiers", "20 of them"
    if m:
        if re.search(r"\b(?:them|whom|eux)\s*$", m.group(0)):
            return "people"
        pos = m.end()
    tokens: list[str] = []
    while len(tokens) < 5:
        t = _TOKEN_RE.match(text, pos, limit)
        if t is None:
            break
        tokens.append(t.group(1))
        pos = t.end()
    while tokens and tokens[0].lower() in GROUP_LEAD:
        tokens = tokens[1:]  # "nine more people", "30 other troops"
    lowered = [t.lower() for t in tokens]
    for i, word in enumerate(lowered):
        if word in LOSS_NOUNS:  # "20 Wagner fatalities", "20 deaths"
            return " ".join(tokens[:i]) or "people"
        if (word in GROUP_STOP and not (word in GROUP_JOIN and i)) or word in VERB_KIND:
            break
        if word in PERSON_NOUNS:
            group = tokens[: i + 1]
            if i + 1 < len(lowered) and FRENCH_ADJECTIVE.match(lowered[i + 1]):
                group.append(tokens[i + 1])
            return " ".join(group)
    if (
        not lowered
        or lowered[0] in GROUP_STOP
        or lowered[0] in VERB_KIND
        or lowered[0] in _NOT_A_PEOPLE
    ):
        return "people"  # "12 were killed", "killing 12", "wounded 34 Tuesday"
    if len(lowered) > 1 and lowered[0].endswith("ed") and lowered[1] in GROUP_STOP:
        return "people"  # "seven managed to return", "two escaped from"
    if tokens[0][0].isupper() and lowered[0] not in _NOT_A_PEOPLE:
        return tokens[0]  # a people named by their origin: "13 Fulani"
    return None  # "several vehicles"
