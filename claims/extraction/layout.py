"""How an article is laid out: paragraphs, sentences, headlines, dateline, quotations, credits.

Offsets are into the article text as given, so every draft can point at its words.
A headline (or a menu, a byline, a share counter) is a paragraph without
sentence-final punctuation. The dateline ("MOMBASA (Reuters) -") and the credit
lines ("(SOURCE: Al Jazeera)", "— AFP") say which wire service wrote the copy: it
relays what it reports, and the publisher relays it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .words import CREDIT_LINE_RE, DATELINE_CREDIT_RE, NEWS, words


@dataclass(slots=True)
class Sentence:
    start: int
    end: int
    para: int
    heading: bool


@dataclass(slots=True)
class Layout:
    """The article's parts, found once and shared by every reader of it."""

    text: str
    sentences: list[Sentence]
    paragraphs: list[tuple[int, int]]
    dateline: tuple[int, int] | None = None
    credits: list[str] = field(default_factory=list)  # wire services, in order
    quotations: list[tuple[int, int]] = field(default_factory=list)
    credit_spans: list[tuple[int, int]] = field(default_factory=list)

    def sentence_at(self, offset: int) -> Sentence | None:
        for s in self.sentences:
            if s.start <= offset < s.end:
                return s
        return None


_ABBREVIATIONS = words(
    "mr mrs ms dr gen col lt sgt capt cpl maj st no jan feb mar apr jun jul aug sep sept oct"
    " nov dec u.s u.n vs etc gov sen rep jr sr prof mt ft mme mlle lt.-col brig cmdr"
)
_SENTENCE_END = re.compile(r"[.!?…]+[\"”’»)\]]*(?=\s)")
_TERMINAL = '.!?…"”’»):;'
DATELINE_RE = re.compile(
    r"[A-Z][A-Z.'’-]{2,}(?:[ ][A-Z][A-Z.'’-]+)*(?:,\s*[A-Z][\w.'’-]*(?:[ ][\w.'’-]+){0,3})?,?\s*"
    r"(?:\([^)]{1,40}\)\s*)?(?:[—–-]{1,2}|:)\s*"
)


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph: lines, with hard-wrapped lines joined up."""
    spans: list[tuple[int, int]] = []
    for m in re.finditer(r"[^\n]*\S[^\n]*", text):
        start, end = m.start(), m.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if spans:
            prev_start, prev_end = spans[-1]
            between = text[prev_end:start]
            # A line that runs on in lower case continues the previous one (hard wrap).
            if (
                between.count("\n") == 1
                and text[prev_end - 1] not in _TERMINAL
                and text[start].islower()
            ):
                spans[-1] = (prev_start, end)
                continue
        spans.append((start, end))
    return spans


def sentences(text: str, paras: list[tuple[int, int]] | None = None) -> list[Sentence]:
    found: list[Sentence] = []
    for para, (p_start, p_end) in enumerate(paras if paras is not None else paragraphs(text)):
        # A headline, a menu, a byline or a share counter: no sentence-final punctuation.
        if text[p_end - 1] not in _TERMINAL and len(text[p_start:p_end].split()) < 40:
            found.append(Sentence(p_start, p_end, para, heading=True))
            continue
        start = p_start
        for m in _SENTENCE_END.finditer(text, p_start, p_end):
            end = m.end()
            if not _ends_sentence(text, start, m):
                continue
            found.append(Sentence(start, end, para, heading=False))
            start = end
            while start < p_end and text[start].isspace():
                start += 1
        if start < p_end:
            found.append(Sentence(start, p_end, para, heading=False))
    return found


def _ends_sentence(text: str, start: int, m: re.Match[str]) -> bool:
    end = m.end()
    before = re.search(r"([\w.’'-]+)[.]+\W*$", text[max(start, end - 20) : end])
    if before and text[m.start()] == ".":
        word = before.group(1).lower().rstrip(".")
        if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
            return False  # "Mr. Klymenko", "U.S. forces", "J. Smith"
    nxt = text[end : end + 3].lstrip()
    return not nxt or nxt[0].isupper() or nxt[0].isdigit() or nxt[0] in "\"“«'‘(—–-"


_QUOTE_RE = re.compile(r"“[^”\n]{2,}?”|«[^»\n]{2,}?»|\"[^\"\n]{2,}?\"|''[^'\n]{2,}?''")


def quotations(text: str) -> list[tuple[int, int]]:
    """Spans of the quoted passages, quotation marks included."""
    return [m.span() for m in _QUOTE_RE.finditer(text)]


def _credit_names(raw: str) -> list[str]:
    """ "Xinhua/GNA" -> ["Xinhua", "GNA"]; "LeMonde" -> ["Le Monde"]."""
    names = []
    for part in re.split(r"\s*/\s*|\s+and\s+|\s*,\s*", raw.strip()):
        part = re.sub(r"(?<=[a-z])(?=[A-Z][a-z])", " ", part).strip(" -—–.")
        if part:
            names.append(part)
    return names


def read_layout(text: str) -> Layout:
    paras = paragraphs(text)
    layout = Layout(text, [], paras, quotations=quotations(text))
    _trailing_credits(layout)
    # "... in July. — AFP": the sentence ends before its credit.
    cuts = [start for start, _ in layout.credit_spans]
    layout.paragraphs = [
        (a, _rstrip(text, a, min([c for c in cuts if a < c < b], default=b))) for a, b in paras
    ]
    layout.sentences = sentences(text, layout.paragraphs)
    body = next((s for s in layout.sentences if not s.heading), None)
    if body is not None:
        m = DATELINE_RE.match(text, body.start, body.end)
        if m and len(m.group(0).split()) <= 8:
            layout.dateline = m.span()
            credit = DATELINE_CREDIT_RE.search(m.group(0))
            if credit:
                layout.credits[:0] = _credit_names(credit.group("credit"))
    layout.credits = list(dict.fromkeys(layout.credits))
    return layout


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in " \t—–-":
        end -= 1
    return end


_TAIL_CREDIT_RE = re.compile(r"[.!?]\s*[—–-]{1,2}\s*(?P<name>[A-Z][\w/ ]{1,30}?)\s*$")


def _credit_line(line: str) -> str | None:
    """The agency a closing line credits ("(SOURCE: Al Jazeera)", "GNA"), else None."""
    m = CREDIT_LINE_RE.match(line)
    if m is None or re.match(r"\W*(?:By|Par)\b", line):
        return None  # a byline names a reporter, not a wire service
    name = m.group("a") or m.group("b")
    # One word ("GNA", "LeMonde") or a known outlet; "Freddy Upar, à Bunia" is a byline.
    return name if m.group("a") or len(name.split()) == 1 or NEWS.search(name) else None


def _trailing_credits(layout: Layout) -> None:
    """Credit lines at the end: "(SOURCE: Al Jazeera)", "GNA", "... in July. — AFP"."""
    text = layout.text
    for start, end in reversed(layout.paragraphs[1:]):
        line = text[start:end]
        name = _credit_line(line)
        if name is not None:
            layout.credits += _credit_names(name)
            layout.credit_spans.append((start, end))
            continue
        tail = _TAIL_CREDIT_RE.search(line)
        if tail:
            layout.credits += _credit_names(tail.group("name"))
            layout.credit_spans.append((start + tail.start("name"), end))
        return
