"""Attribution frames: who a passage of the text is given to, and which passage.

A frame is a reporting verb or phrase with its speaker and its scope, the text it
governs:

- forward: "X said (that) ...", "X told Reuters ...", "X put the toll at ...",
  "According to X, ...", "Selon X, ...": the scope runs to the end of the sentence;
- trailing: "..., X said.", "..., said X.", "..., a déclaré X.", "..., according to X.",
  a quotation followed by its speaker ('"...," the army said'), a headline's
  "... - county official": the scope is what comes before (the whole quotation,
  even over several sentences);
- nested: "a raid which local officials say killed 15" inside "Authorities said
  ...": a figure takes the innermost frame whose scope holds it;
- a participle ("..., saying 20 died"), a coordinated verb ("..., and said") or a
  relative clause ("the group, which claimed") takes the subject it hangs from;
- a relay: "told Reuters", "a indiqué à l'AFP", "citing X" (X speaks, the subject
  relays).

This module finds the frames and their speaker phrases as written; ``speakers``
says who each phrase means.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .layout import Layout, Sentence
from .words import (
    ACCORDING_RE,
    AUXILIARIES,
    CITING_RE,
    DETERMINERS,
    FILLER_CHUNKS,
    NEWS,
    PARTICIPLES,
    PREPOSITIONS,
    REPORT_FRAME_RE,
    STATEMENT_RE,
    TOLL_OBJECT_RE,
    TOLL_VERBS,
    VERB_KIND,
)


@dataclass(slots=True)
class Frame:
    speaker: str  # the speaker's noun phrase as written ("he", "the group", "Abid")
    kind: str  # "say", "confirm" or "deny"
    cue: tuple[int, int]  # the reporting verb or phrase
    scope: tuple[int, int]  # the text it governs
    para: int
    relay: str = ""  # an outlet named as passing it on ("told Reuters")
    aside: str = ""  # what the text says of the speaker ("Abid, the police chief")
    obj: tuple[int, int] = (0, 0)  # the verb's object, for what a denial disputes


_VERBS = "|".join(sorted(VERB_KIND, key=len, reverse=True))
VERB_RE = re.compile(
    r"(?<![\w-])(?P<verb>" + _VERBS + r")(?P<clitic>-t-(?:il|elle)|-(?:il|elle))?(?![\w-])"
)
_NEGATED = re.compile(
    r"(?:\b(?:not|never|n['’]a\s+pas|n['’]ont\s+pas|did\s+not|didn['’]t|has\s+not|have\s+not"
    r"|had\s+not|was\s+not|were\s+not)\s+(?:\w+\s+)?)$",
    re.IGNORECASE,
)
_NOUN_BEFORE = re.compile(r"\b(?:an?|the|these|those|its|their|his|her|such|some)\s+$", re.I)
_AUX_TAIL = re.compile(
    r"(?:\s+(?:has|have|had|was|is|are|were|will|would|also|earlier|later|further|then|again"
    r"|previously|already|initially|subsequently|yesterday|today|separately|a|ont|avait|avaient"
    r"|aurait|encore|également|aussi|déjà|alors|ne|n['’]|[a-z]+ly))+\s*$",
)  # lower case only: "IS said" is the Islamic State
_COORDINATED = re.compile(r"(?:^|[\s,;])(?:and|but|then|mais|et|puis|or)\s*$", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r"[;:\"“”«»]|\s[—–]\s|\bthat\b|\bque\b|\bqu['’]|\s-\s")
_RELATIVE_OBJECT = re.compile(r"\b(?:which|that|que|qu['’])\s+(?P<np>\S.*)$", re.IGNORECASE)
_PARTITIVE = re.compile(r"^\s*(?:de|des|d['’])\s*(?=\w)", re.IGNORECASE)
_RELATIVE_SUBJECT = re.compile(r"^(?P<np>.*?)\s*,?\s+(?:who|which|qui)\s*$", re.IGNORECASE)
_NP_STRIP = " \t\n,;:—–-\"“”'‘’«»"
_END_OF_NP = re.compile(
    r"\s*(?:,|\s(?:who|which|qui|that|and|et|in\s+a|on\s+(?:condition|Monday|Tuesday|Wednesday"
    r"|Thursday|Friday|Saturday|Sunday))\b)",
    re.IGNORECASE,
)


def find_frames(layout: Layout) -> list[Frame]:
    """Every attribution frame in the article, in text order."""
    frames: list[Frame] = []
    for sentence in layout.sentences:
        frames += _sentence_frames(layout, sentence)
    return frames


def _sentence_frames(layout: Layout, s: Sentence) -> list[Frame]:
    text = layout.text
    start = s.start
    if layout.dateline and layout.dateline[0] == start:
        start = layout.dateline[1]
    frames = _according_frames(text, start, s)
    for m in REPORT_FRAME_RE.finditer(text, start, s.end):
        frames.append(_frame_before(layout, text, start, s, m.start(), m.end(), "say", frames))
    for v in VERB_RE.finditer(text, start, s.end):
        frame = _verb_frame(layout, s, start, v, frames)
        if frame is not None:
            frames.append(frame)
    if s.heading and not frames:
        frames += _headline_frames(text, s)
    frames = [f for f in frames if f.speaker]
    frames.sort(key=lambda f: f.cue[0])
    _citing(text, s, frames)
    return frames


_CITED_NP = re.compile(
    r"\s*(?P<np>[^,.;:!?\"“”«»]{2,80}?)(?=\s*(?:[,.;:!?]|\bthat\b|\bas\s+saying\b|$))"
)


def _citing(text: str, s: Sentence, frames: list[Frame]) -> None:
    """ "X said, citing Y, ...": Y speaks and X relays; "Y, quoted by X, said": X relays."""
    for m in CITING_RE.finditer(text, s.start, s.end):
        cited = _CITED_NP.match(text, m.end(), s.end)
        if cited is None:
            continue
        np = clean_np(cited.group("np"))
        passive = m.group(0).lower().startswith(("cited", "quoted", "cité"))
        if passive:  # the frame whose speaker this passage describes comes after it
            frame = next((f for f in frames if f.cue[0] >= m.end()), None)
            if frame is not None and not frame.relay:
                frame.relay = np
            continue
        frame = next((f for f in reversed(frames) if f.cue[1] <= m.start()), None)
        if frame is None or m.start() - frame.cue[1] >= 60:
            # "X, citing Y, said ...": the verb comes after the citation.
            frame = next((f for f in frames if 0 <= f.cue[0] - cited.end() < 40), None)
        if frame is not None and _plausible(np):
            frame.relay, frame.speaker, frame.aside = frame.speaker, np, ""


def _according_frames(text: str, start: int, s: Sentence) -> list[Frame]:
    """ "According to X, ...", "..., according to X.", "selon X", "d'après X"."""
    frames = []
    for m in ACCORDING_RE.finditer(text, start, s.end):
        np = _END_OF_NP.split(m.group("np"), maxsplit=1)[0]
        np_end = m.start("np") + len(np)
        opening = not text[start : m.start()].strip(" \"“«'‘—–-").rstrip(",") or re.fullmatch(
            r"\W*(?:but|and|mais|et|however)\W*", text[start : m.start()], re.I
        )
        scope = (np_end, s.end) if opening else (start, m.start())
        aside = _aside_after(text, np_end, s.end, "," if opening else ".")
        if opening and not aside[:1].isupper():
            aside = ""  # "According to X, the mercenaries, who ...": that is the clause
        frames.append(
            Frame(np.strip(_NP_STRIP), "say", (m.start(), np_end), scope, s.para, aside=aside)
        )
    return frames


def _aside_after(text: str, at: int, end: int, closing: str = ",.") -> str:
    """ "According to X, an anti-coup fighter from the village.": the description after."""
    m = re.match(
        r"\s*,\s*((?:an?|the|le|la|un|une|l['’])\s[^,.;]{3,80}|[A-Z][^,.;]{2,40})"
        rf"(?=[{re.escape(closing)}])",
        text[at:end],
    )
    return m.group(1).strip() if m and _plausible(m.group(1)) else ""


def _verb_frame(
    layout: Layout, s: Sentence, start: int, v: re.Match[str], frames: list[Frame]
) -> Frame | None:
    text = layout.text
    verb = v.group("verb")
    before = text[max(start, v.start() - 40) : v.start()]
    after = text[v.end() : s.end]
    french = not verb.isascii() or verb in ("dit", "reconnu", "nie")
    if _NEGATED.search(before) or (_NOUN_BEFORE.search(before) and not french):
        return None  # "did not confirm", "the claims", "an estimated" (not "a déclaré")
    if re.match(r"\s+(?:by|of|par)\b", after) or VERB_RE.match(after.lstrip()):
        return None  # "an attack claimed by IS", "claims of", "media reports said"
    if verb.lower() in TOLL_VERBS and not TOLL_OBJECT_RE.match(after):
        return None  # "put" and "gave" report only a toll: "put the toll at 18"
    kind = VERB_KIND[verb]
    if v.group("clitic"):  # "lance-t-il"
        return _frame("il", kind, v, (_scope_start(layout, s, start, v.start()), v.start()), s)
    inverted = _inverted(layout, s, start, v, kind)
    if inverted is not None:
        return inverted
    if verb.lower() in PARTICIPLES:
        return _participle(text, start, s, v, kind, frames)
    return _frame_before(layout, text, start, s, v.start(), v.end(), kind, frames)


def _frame(speaker: str, kind: str, v: re.Match[str], scope: tuple[int, int], s: Sentence) -> Frame:
    return Frame(speaker, kind, (v.start(), v.end()), scope, s.para, obj=(v.end(), s.end))


_INVERTED_AFTER = re.compile(
    r"\s+(?:encore\s+|également\s+|aussi\s+|earlier\s+|later\s+)?"
    r"(?:(?:to|à|au)\s+(?P<relay>(?:l['’]|la\s+|le\s+|the\s+)?[A-Z][\w.'’-]*"
    r"(?:[ -][A-Z][\w.'’-]*)*)"
    r"(?:\s+news\s+agency)?\s*,?\s+)?(?P<np>[^,.;:!?\"“”«»()]{2,80})"
)


def _inverted(layout: Layout, s: Sentence, start: int, v: re.Match[str], kind: str) -> Frame | None:
    """'"...," said the army.', "..., a déclaré le gouvernement.", "..., affirme X."."""
    text = layout.text
    head = text[start : v.start()]
    if not re.search(r"[,”\"»'’]\s*(?:(?:a|ont|avait|has|had)\s+)?$", head):
        return None
    m = _INVERTED_AFTER.match(text, v.end(), s.end)
    if m is None:
        return None
    np = m.group("np")
    rest_at = m.end()
    if text[rest_at : rest_at + 1] == ",":  # ", a déclaré X, ministre chargé de ...":
        rest_at = _appositive_end(text, rest_at, s.end)  # a description of X
    if not _ends_clause(text, rest_at, s.end) or not _plausible(np.strip(_NP_STRIP)):
        return None  # "..., said the attack occurred at dawn": a clause, not a speaker
    speaker = _END_OF_NP.split(np, maxsplit=1)[0].strip(_NP_STRIP)
    aux = re.search(r"(?:(?:a|ont|avait|has|had)\s+)?$", head)
    cue_start = v.start() - (len(aux.group(0)) if aux else 0)
    scope = (_scope_start(layout, s, start, cue_start), cue_start)
    relay = m.group("relay") or ""
    aside = _aside_after(text, m.start("np") + len(speaker), s.end, ",.")
    return Frame(speaker, kind, (cue_start, v.end()), scope, s.para, relay=relay, aside=aside)


_PARTICIPLE_AFTER = re.compile(r",\s+(?:" + "|".join(sorted(PARTICIPLES)) + r")\b")
_ADJUNCT_START = re.compile(
    r"[\W]*(?:$|(?:in|on|at|by|to|from|via|during|after|before|late|earlier|later|yesterday"
    r"|today|last|this|again|also|too|dans|à|au|en|sur|par|lors|sans|hier|encore|jeudi"
    r"|mercredi|mardi|lundi|vendredi|samedi|dimanche|[a-z]+ly)\b)",
    re.IGNORECASE,
)


def _appositive_end(text: str, at: int, end: int) -> int:
    m = re.match(r",\s*[^,.;:!?\d]{2,100}?(?=[,.;!?]|$)", text[at:end])
    return at + m.end() if m and not re.search(r"\b(?:that|que)\b", m.group(0)) else at


_CITING_TAIL = re.compile(r",?\s*(?:citing|quoting|citant)\s+[^,.;]{2,80}?(?=[,.;]|$)", re.I)


def _ends_clause(text: str, at: int, end: int) -> bool:
    """Only adjuncts left: "in a statement.", "on Sunday.", ", sans donner plus de détail."."""
    rest = _CITING_TAIL.sub("", text[at:end]).strip()
    return (
        len(rest.split()) <= 8
        and not re.search(r"\d|\bthat\b|\bque\b", rest)
        and bool(_ADJUNCT_START.match(rest))
    )


def _scope_start(layout: Layout, s: Sentence, start: int, end: int) -> int:
    """Where a trailing frame's scope starts: the sentence, or the quotation it closes
    when that began in an earlier sentence ('"We lost five. We killed 13," X said.')."""
    for q0, q1 in layout.quotations:
        if q0 < start <= q1 <= end and not layout.text[q1:end].strip(" ,"):
            return q0
    return start


def _participle(
    text: str, start: int, s: Sentence, v: re.Match[str], kind: str, frames: list[Frame]
) -> Frame | None:
    """ "..., with some outlets saying nine died" or "..., saying two died" (the subject's)."""
    with_np = re.search(r"\b(?:with|avec)\s+([^,;]{2,60}?)\s*$", text[start : v.start()])
    if with_np:
        speaker = with_np.group(1)
    elif frames:
        speaker = frames[-1].speaker
    else:
        speaker = subject_before(text[start : v.start()])
    return _frame(speaker, kind, v, (v.end(), s.end), s) if speaker else None


def _frame_before(
    layout: Layout,
    text: str,
    start: int,
    s: Sentence,
    cue_start: int,
    cue_end: int,
    kind: str,
    frames: list[Frame],
) -> Frame:
    """A frame whose speaker comes before its verb: forward, or trailing at the clause's end."""
    earlier = [f for f in frames if f.cue[1] <= cue_start]
    window_start = max([start, *(f.cue[1] for f in earlier)])
    window = text[window_start:cue_start]
    relay, obj_start = _relay_after(text, cue_end, s.end)
    # "..., security sources said." and not "Security sources said 10 died".
    last_break = max(window.rfind(c) for c in ',”"»:')
    rest_at = text.find(relay, cue_end, s.end) + len(relay) if relay else cue_end
    told = re.match(
        r"\s+(?:the\s+)?(?:agency|reporters|journalists|press|media|[A-Z]\w*)\b",
        text[rest_at : s.end],
    )
    if told and text[cue_start:cue_end].lower() in ("told", "tells"):
        rest_at += told.end()  # "..., a source told the agency."
    toll = text[cue_start:cue_end].lower() in TOLL_VERBS
    # '"...," he said, adding that ...': the participle starts a frame of its own.
    participle = _PARTICIPLE_AFTER.search(text, rest_at, s.end)
    rest_end = participle.start() if participle else s.end
    trailing = last_break >= 0 and not toll and _ends_clause(text, rest_at, rest_end)
    if earlier and (_COORDINATED.search(window) or re.fullmatch(r"\W*(?:who|qui)?\W*", window)):
        speaker, aside = earlier[-1].speaker, ""  # "... and said", "X, qui affirme"
    elif trailing:
        speaker, aside = _subject(window[last_break + 1 :])
    else:
        speaker, aside = _subject(window)
    if trailing:
        end = window_start + last_break + 1
        scope = (_scope_start(layout, s, start, end), end)
    else:
        scope = (cue_end, s.end)
    return Frame(
        speaker, kind, (cue_start, cue_end), scope, s.para, relay, aside, (obj_start, s.end)
    )


_OUTLET_RE = re.compile(
    r"\s+(?:to\s+|à\s+|au\s+)?(?P<outlet>(?:the\s+|l['’]|la\s+|le\s+)?(?:state[- ](?:run\s+)?)?"
    r"(?P<noun>(?:broadcaster|television|TV|radio|newspaper|daily|news\s+agency|media|outlet)\s+)?"
    r"(?:[A-Z][\w.'’-]*|dpa|al-[\w'’-]+)(?:[ -][A-Z][\w.'’-]*)*(?:\s+news\s+agency)?)",
)


def _relay_after(text: str, at: int, end: int) -> tuple[str, int]:
    """ "told Reuters that": the outlet told, and where the reported clause starts."""
    m = _OUTLET_RE.match(text, at, end)
    if m and (m.group("noun") or NEWS.search(m.group("outlet"))):
        outlet = m.group("outlet").strip().rstrip(".")
        return outlet, m.start("outlet") + len(outlet)
    cited = CITING_RE.search(text, at, min(end, at + 30))
    return "", (cited.start() if cited else at)


_WHEN_TAIL = re.compile(
    r"\s+(?:on|this|last|late|early)\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday"
    r"|Sunday|morning|evening|night|week|month)\s*$",
    re.IGNORECASE,
)


def _subject(window: str) -> tuple[str, str]:
    """The subject of a verb from the words before it, and an appositive if any."""
    window = _AUX_TAIL.sub("", _WHEN_TAIL.sub("", _AUX_TAIL.sub("", window)))
    relative = _RELATIVE_OBJECT.search(window)
    if relative:
        np = _PARTITIVE.sub("", relative.group("np")).strip(_NP_STRIP)
        if _plausible(np):
            return np, ""  # "a raid which officials say", "avant que de sources ne"
    rel_subject = _RELATIVE_SUBJECT.match(window)
    if rel_subject:
        window = rel_subject.group("np")  # "another commander who said"
    segment = _CLAUSE_BREAK.split(window)[-1]
    if re.search(r"\b(?:que|qu['’])\s*$", window):
        segment = ""
    if not segment.strip(_NP_STRIP):
        return "", ""
    return _subject_chunks(_PARTITIVE.sub("", segment))


def _subject_chunks(segment: str) -> tuple[str, str]:
    """ "Reacting, Major X, the army spokesman, " -> ("Major X", "the army spokesman")."""
    chunks = [c for c in (clean_np(c) for c in segment.split(",")) if c]
    chunks = [c for c in chunks if not CITING_RE.match(c)]  # ", quoted by AFP,": a relay
    for i, chunk in enumerate(chunks):
        first = chunk.split()[0].lower()
        if first in PREPOSITIONS or first.endswith("ing") or first in FILLER_CHUNKS:
            continue  # "In a statement,", "Speaking to local media,", "However,"
        if _plausible(chunk):
            return chunk, ", ".join(chunks[i + 1 :])
    return "", ""


def subject_before(window: str) -> str:
    return _subject(window)[0]


_NP_LEAD = re.compile(
    r"^(?:(?:and|but|while|as|whereas|et|mais|later|earlier|then|however|meanwhile|also"
    r"|separately|instead|reacting)\s+)+",
    re.IGNORECASE,
)
_NP_CLAUSE = re.compile(
    r"\s*,?\s+(?:who|which|whose|qui|dont|speaking|citing|quoted|in\s+a\s+statement)\b", re.I
)


def clean_np(np: str) -> str:
    """A speaker phrase without the words around it: "But the army, who" -> "the army"."""
    np = _NP_LEAD.sub("", np.strip(_NP_STRIP))
    np = re.sub(r"^(?:known\s+as|called|dubbed)\s+", "", np, flags=re.IGNORECASE)
    np = _AUX_TAIL.sub("", " " + np).strip()
    m = STATEMENT_RE.search(np)
    if m:
        np = m.group("np")  # "A statement from an extremist group" -> "an extremist group"
    return _NP_CLAUSE.split(np, maxsplit=1)[0].strip(_NP_STRIP)


_NOT_SPEAKERS = re.compile(
    r"\b(?:killed|died|dead|deaths?|wounded|injured|missing|tués?|morts?|blessés?|bilan|toll"
    r"|figure|chiffre|number|nombre|attack|attaque|strike|raid|it\s+was|there)\b",
    re.IGNORECASE,
)


def _plausible(np: str) -> bool:
    words = np.split()
    if not words or len(words) > 10:
        return False
    lowered = [w.lower() for w in words]
    # "IS said": the Islamic State, not a verb.
    if {w for w in words if w.islower()} & AUXILIARIES or any(ch.isdigit() for ch in np):
        return False
    if lowered[0] in PREPOSITIONS or _NOT_SPEAKERS.search(np):
        return False
    return not (len(words) == 1 and lowered[0] in FILLER_CHUNKS | DETERMINERS)


_SPEAKER_NOUN = re.compile(
    r"\b(?:officials?|police|army|military|ministry|minister|sources?|witness(?:es)?|residents?"
    r"|governor|spokes(?:man|woman|person)|group|UN|NGO|government|mayor|rebels|militants)\b",
    re.IGNORECASE,
)


def _headline_frames(text: str, s: Sentence) -> list[Frame]:
    """ "Militants kill five soldiers in Lamu - county official": the headline's source."""
    m = re.search(r"\s[-–—:]\s+(?P<np>[^-–—:]{2,40})$", text[s.start : s.end])
    if m is None or not _SPEAKER_NOUN.search(m.group("np")) or not _plausible(m.group("np")):
        return []
    cue = (s.start + m.start(), s.start + m.end())
    return [Frame(m.group("np").strip(), "say", cue, (s.start, cue[0]), s.para)]
