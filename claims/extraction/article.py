"""Putting it together: from an article's text to its draft events and claims.

Each figure (``figures``) takes the innermost attribution frame that holds it
(``frames``), else the paragraph's running attribution (a frame earlier in the
paragraph), else the outlet's own voice; the frame's phrase becomes a source
(``speakers``). The incident (``incidents``) says which event it is about.

Who relays what: a news outlet that frames another speaker ("According to Daily
Trust, the villagers ...", "told Reuters", "X, citing Y") relays that speaker's
claim; a wire service credited in the dateline or at the end ("(Reuters)", "— AFP")
relays every claim in the copy and speaks for the copy's own voice; the publisher
relays them all. So "the state railway company had said 30 were killed" in a Reuters
story is the railway company's claim, relayed by Reuters and by the publisher.

Stance: a denial contradicts the claim it answers, with its own figure or with the
scope it disputes (the toll, the event, the perpetrator); a confirmation corroborates
it; "only two" or "none were killed" after another source's figure contradicts it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from claims.counts import compatible

from .drafts import (
    ASSERTS,
    CONTRADICTS,
    CORROBORATES,
    RELAYS,
    ArticleDraft,
    ClaimDraft,
    check_article_text,
)
from .events import event_drafts
from .figures import Figure, figures
from .frames import Frame, find_frames
from .incidents import Incidents, split_incidents
from .layout import Layout, read_layout
from .speakers import Speaker, Speakers, proper_words
from .words import (
    CONFIRMED_EVENT_RE,
    CONTRAST_RE,
    DISPUTES_EVENT_RE,
    DISPUTES_PERPETRATOR_RE,
    INCIDENT_NOUNS,
)


@dataclass(slots=True)
class _Said:
    """Who gives a figure and who passes it on."""

    speaker: Speaker
    kind: str  # the frame's: "say", "confirm", "deny"
    relays: list[Speaker]
    frame: Frame | None


class _Article:
    def __init__(self, text: str, publisher: str, published: datetime) -> None:
        self.text = text
        self.publisher = publisher
        self.published = published
        self.layout: Layout = read_layout(text)
        self.figures: list[Figure] = figures(self.layout)
        self.frames: list[Frame] = find_frames(self.layout)
        self.incidents: Incidents = split_incidents(self.layout, self.figures, published)
        self.speakers = Speakers(self.layout, publisher)
        # Resolved in text order: "he" and "the group" point back at earlier speakers.
        self.said_by = {id(f): self.speakers.resolve(f) for f in self.frames}
        self.voice = self._own_voice()
        self.drafts: list[list[ClaimDraft]] = [[] for _ in self.incidents.items]

    def _own_voice(self) -> list[Speaker]:
        """Who speaks where the copy names no one: the wire service, then the publisher."""
        publisher = Speaker(self.publisher, "news_outlet", proper_words(self.publisher))
        chain = []
        for credit in self.layout.credits:
            if not _same_outlet(credit, self.publisher):
                chain.append(self.speakers.outlet(credit))
        return [*chain, publisher]

    def said(self, offset: int) -> _Said:
        holding = [f for f in self.frames if f.scope[0] <= offset < f.scope[1]]
        holding.sort(key=lambda f: f.scope[1] - f.scope[0])
        if not holding:
            running = self._running(offset)
            if running and self.incidents.at(running.cue[0]) != self.incidents.at(offset):
                running = None  # a speaker's account does not run on into another incident
            holding = [running] if running else []
        if not holding:
            return _Said(self.voice[0], "say", self.voice[1:], None)
        frame = holding[0]
        relays = [
            self.said_by[id(f)] for f in holding[1:] if self.said_by[id(f)].kind == "news_outlet"
        ]
        if frame.relay:
            relays.append(self.speakers.relay(frame.relay))
        return _Said(self.said_by[id(frame)], self._kind(frame), [*relays, *self.voice], frame)

    def _kind(self, frame: Frame) -> str:
        """A participle takes its clause's stance: "denied the toll, saying 5 died"."""
        if frame.kind == "say" and re.match(
            r"\w+ing|\w+ant$", self.text[frame.cue[0] : frame.cue[1]]
        ):
            before = [f for f in self.frames if f.para == frame.para and f.cue[1] <= frame.cue[0]]
            if before and before[-1].kind != "say":
                return before[-1].kind
        return frame.kind

    def _running(self, offset: int) -> Frame | None:
        """The paragraph's running attribution: the last frame of an earlier sentence in it."""
        sentence = self.layout.sentence_at(offset)
        if sentence is None or sentence.heading:
            return None
        earlier = [f for f in self.frames if f.para == sentence.para and f.cue[1] <= sentence.start]
        return earlier[-1] if earlier else None

    def quote(self, offset: int) -> str:
        s = self.layout.sentence_at(offset)
        if s is None:
            return ""
        start = s.start
        if self.layout.dateline and self.layout.dateline[0] == s.start:
            start = self.layout.dateline[1]
        return " ".join(self.text[start : s.end].split())


def _same_outlet(a: str, b: str) -> bool:
    """ "GNA" and "Ghana News Agency (GNA)", "Le Monde" and "LeMonde" are one outlet."""
    na, nb = re.sub(r"\W", "", a).lower(), re.sub(r"\W", "", b).lower()
    initials = "".join(w[0] for w in re.findall(r"[A-Za-z]+", b)).lower()
    if na in (nb, initials):
        return True
    # "Ghana News Agency" in "Ghana News Agency (GNA)"; but "AP" is not in "Japan Times".
    return min(len(na), len(nb)) >= 4 and (na in nb or nb in na)


def _stance(
    said: _Said, figure: Figure, earlier: list[ClaimDraft], voice: set[str], text: str
) -> str:
    others = [d for d in earlier if d.measure == figure.measure and d.claimant != said.speaker.name]
    if said.kind == "deny":
        return CONTRADICTS if others else ASSERTS
    # A party confirming its own figure does not corroborate the outlet's headline.
    if said.kind == "confirm" and any(d.claimant not in voice for d in others):
        return CORROBORATES
    contrast = CONTRAST_RE.search(text[max(0, figure.start - 20) : figure.start])
    if (contrast or figure.high == 0) and any(not compatible(_Interval(d), figure) for d in others):
        return CONTRADICTS  # "only two civilians were killed", "but none were killed"
    return ASSERTS


class _Interval:
    __slots__ = ("high", "low")

    def __init__(self, d: ClaimDraft) -> None:
        self.low = d.count_low or 0
        self.high = d.count_high


def _add_figure(article: _Article, figure: Figure) -> None:
    index = article.incidents.at(figure.start)
    drafts = article.drafts[index]
    said = article.said(figure.start)
    speaker = said.speaker
    for d in drafts:
        if (d.claimant, d.measure, d.count_low, d.count_high) == (
            speaker.name, figure.measure, figure.low, figure.high,
        ):  # fmt: skip
            d.mentions.append((figure.start, figure.end))  # the same figure again
            return
    stance = _stance(said, figure, drafts, {v.name for v in article.voice}, article.text)
    if said.frame is not None and said.frame.kind == "deny" and stance == ASSERTS:
        # "The army denied reports that 50 were killed": the figure is the reports'.
        speaker, stance = article.voice[0], ASSERTS
        said = _Said(speaker, "say", article.voice[1:], None)
    draft = ClaimDraft(
        speaker.name, speaker.kind, stance, figure.measure, figure.group, figure.phrase,
        figure.low, figure.high, article.quote(figure.start), figure.start, figure.end,
        disputes="toll" if stance == CONTRADICTS else "",
    )  # fmt: skip
    drafts.append(draft)
    if stance == ASSERTS:
        for relay in _unique(said.relays, speaker):
            drafts.append(_relay(draft, relay))


def _unique(relays: list[Speaker], speaker: Speaker) -> list[Speaker]:
    seen = {speaker.name.lower()}
    out = []
    for r in relays:
        if r.name.lower() not in seen:
            seen.add(r.name.lower())
            out.append(r)
    return out


def _relay(draft: ClaimDraft, relay: Speaker) -> ClaimDraft:
    return ClaimDraft(
        relay.name, relay.kind, RELAYS, draft.measure, draft.group, draft.count_text,
        draft.count_low, draft.count_high, draft.quote, draft.start, draft.end,
    )  # fmt: skip


def _add_stance_only(article: _Article, frame: Frame) -> None:
    """A confirmation or a denial with no figure of its own: it answers an earlier claim."""
    if frame.kind == "say":
        return
    speaker = article.said_by[id(frame)]
    in_scope = [f for f in article.figures if frame.scope[0] <= f.start < frame.scope[1]]
    for f in in_scope:
        said = article.said(f.start)
        if said.speaker.name == speaker.name and said.kind == frame.kind:
            return  # its figures speak for it ("corroborated ..., confirming several deaths")
    index = article.incidents.at(frame.cue[0])
    claims = [
        d for d in article.drafts[index]
        if d.stance == ASSERTS and d.start < frame.cue[0] and d.claimant != speaker.name
    ]  # fmt: skip
    if not claims:
        return
    what = article.text[frame.obj[0] : min(frame.obj[1], frame.obj[0] + 120)]
    target, disputes = _answered(frame.kind, what, claims)
    if target is None:
        return
    stance = CONTRADICTS if frame.kind == "deny" else CORROBORATES
    article.drafts[index].append(
        ClaimDraft(
            speaker.name, speaker.kind, stance, target.measure, target.group, "", None, None,
            article.quote(frame.cue[0]), frame.cue[0], frame.cue[1], disputes=disputes,
        )
    )  # fmt: skip


_EVENT_OBJECT = re.compile(
    r"\W*(?:that\s+|qu['’])?(?:the|an?|any|this|that|l['’]|une?|cette)?\s*"
    rf"(?:[\w-]+\s+){{0,2}}?(?:{INCIDENT_NOUNS})s?\b",
    re.IGNORECASE,
)


def _answered(kind: str, what: str, claims: list[ClaimDraft]) -> tuple[ClaimDraft | None, str]:
    """The claim a figure-less denial or confirmation answers, and what a denial disputes.

    Denying "responsibility" or "carrying out" disputes the perpetrator, denying that
    an attack took place the event (both about the incident's first claim); anything
    else denied is the toll of the claim just before. Confirming the attack confirms the
    event (the first claim); confirming the deaths or a statement, the claim just before.
    """
    if kind == "deny":
        if DISPUTES_PERPETRATOR_RE.search(what):
            return claims[0], "perpetrator"
        if DISPUTES_EVENT_RE.search(what) or _EVENT_OBJECT.match(what):
            return claims[0], "event"
        return claims[-1], "toll"
    if _EVENT_OBJECT.match(what):
        return claims[0], ""
    if not CONFIRMED_EVENT_RE.search(what):
        return None, ""
    # "confirmed the deaths": the latest claim about deaths, if another source made one.
    measure = next((m for word, m in _OBJECT_MEASURE.items() if word in what.lower()), None)
    same = [d for d in claims if measure is None or d.measure == measure]
    return (same[-1], "") if same else (None, "")


_OBJECT_MEASURE = {
    "death": "killed", "dead": "killed", "killing": "killed", "toll": "killed", "morts": "killed",
    "décès": "killed", "injur": "injured", "wound": "injured", "blessés": "injured",
    "abduct": "abducted", "kidnap": "abducted", "enlèvement": "abducted",
}  # fmt: skip


def extract_article(text: str, *, publisher: str, published: datetime) -> ArticleDraft:
    """The incidents an article reports and the claims made about each, as drafts.

    Raises ArticleError for text that is empty, too long or not text.
    """
    text = check_article_text(text)
    publisher = " ".join(publisher.split()) or "Publisher"
    article = _Article(text, publisher, published)
    # In text order: a denial answers the claims told before it.
    order = sorted(
        [(f.start, 0, i) for i, f in enumerate(article.figures)]
        + [(f.cue[0], 1, i) for i, f in enumerate(article.frames)]
    )
    for _, is_frame, i in order:
        if is_frame:
            _add_stance_only(article, article.frames[i])
        else:
            _add_figure(article, article.figures[i])
    first = next((d for d in article.drafts[0] if d.count_text), None)
    told_by = article.said(first.start).frame if first is not None else None
    return event_drafts(
        text, article.layout, article.incidents, article.drafts, published, article.frames,
        told_by,
    )  # fmt: skip
