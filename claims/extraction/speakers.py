"""Who a speaker phrase means, and what kind of source that is.

Read in text order, so that a phrase can point back:

- a pronoun ("he said", "It added", "lance-t-il") is the last speaker;
- "the same sources", "la même source" is the last speaker of that kind;
- a definite description ("the group", "The jihadist group", "the official", "the
  paramilitary forces") is the latest speaker, or party named in the text, that it
  describes;
- a surname or a short name ("Abid", "Mr Klymenko", "l'état-major") is the speaker
  first named in full ("local police Chief Ejad Abid");
- an acronym is spelled out when the text spells it out ("RSF": "Rapid Support
  Forces (RSF)"), and an unnamed armed group ("an extremist group") is the party the
  article names ("known as JNIM").

An unnamed official or source ("a senior official", "security sources", "who asked
not to be named") is an anonymous official.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .frames import Frame
from .layout import Layout
from .words import (
    ANONYMOUS,
    ANONYMOUS_HEADS,
    COMMON_FIRST_WORDS,
    DETERMINERS,
    EYEWITNESS,
    GOVERNMENT,
    INTERNATIONAL,
    KNOWN_PARTIES,
    MILITARY,
    NAMED_PARTY_RE,
    NEWS,
    NGO,
    PARTY_HEADS,
    PRONOUNS,
    REFERRING_HEADS,
    SOCIAL,
    words,
)


@dataclass(slots=True)
class Speaker:
    name: str  # as shown and saved: "Interior ministry spokesman Saad Maan"
    kind: str  # a Source.Kind value
    proper: frozenset[str]  # its proper-name words, lower case, to know it again


_TITLES = words("mr mrs ms dr gen col lt maj capt sgt m mme président president")
_NATIONALITY = re.compile(r"^[A-Z]\w+(?:an|ian|ese|ish|i|ic)$")
_DEFINITE = re.compile(r"^(?:the|this|that|these|those|le|la|les|ce|cette|ces|l['’])\s*", re.I)
_ACRONYM_RE = re.compile(r"^[A-Z]{2,6}$")


def proper_words(phrase: str) -> frozenset[str]:
    """The words of a name: "local police Chief Ejad Abid" -> {"chief", "ejad", "abid"}."""
    words = re.findall(r"[\w'’-]+", phrase)
    out = set()
    for i, w in enumerate(words):
        lowered = w.lower()
        if not w[:1].isupper() or lowered in _TITLES or lowered in DETERMINERS:
            continue
        if i == 0 and lowered in COMMON_FIRST_WORDS:
            continue
        if _NATIONALITY.match(w) and i + 1 < len(words) and words[i + 1][:1].islower():
            continue  # "Ukrainian officials", "Somali military official"
        out.add(re.sub(r"^[ld]['’]", "", lowered).removesuffix("'s").removesuffix("’s"))
    return frozenset(out)


class Speakers:
    """The speakers of one article, resolved in text order."""

    def __init__(self, layout: Layout, publisher: str) -> None:
        self.text = layout.text
        self.layout = layout
        self.publisher = publisher
        self.known: list[Speaker] = []
        self.parties = _named_parties(self.text)

    def resolve(self, frame: Frame) -> Speaker:
        speaker = self._earlier(frame) or self._new(frame)
        if speaker in self.known:
            self.known.remove(speaker)
        self.known.append(speaker)
        return speaker

    def relay(self, phrase: str) -> Speaker:
        """Who passes a claim on: an outlet ("told Reuters") or anyone citing another."""
        if NEWS.search(phrase):
            return self.outlet(phrase)
        cue = (0, 0)
        return self._earlier(Frame(phrase, "say", cue, cue, -1)) or self._new(
            Frame(phrase, "say", cue, cue, -1)
        )

    def outlet(self, name: str) -> Speaker:
        """A news outlet named as a relay ("told Reuters"), known again by its name."""
        name = _display(_spelled_out(self.text, _strip_determiners(name.strip())))
        for s in self.known:
            if s.kind == "news_outlet" and (s.proper & proper_words(name)):
                return s
        return Speaker(name, "news_outlet", proper_words(name))

    def _earlier(self, frame: Frame) -> Speaker | None:
        phrase = frame.speaker.strip()
        lowered = phrase.lower()
        if lowered in PRONOUNS or lowered in ("il", "elle", "on"):
            return self.known[-1] if self.known else None
        if re.search(r"\b(?:same|même|mêmes)\b", lowered):
            return self._latest(lambda s: "source" in s.name.lower()) or (
                self.known[-1] if self.known else None
            )
        same = _strip_determiners(phrase).lower()
        for s in reversed(self.known):
            if s.name.lower().removesuffix(" (anonymous)") == same:
                return s  # "a local official" again
        proper = proper_words(phrase)
        if proper:
            spelled = proper_words(_spelled_out(self.text, _strip_determiners(phrase))) or proper
            return self._latest(lambda s: proper <= s.proper or spelled <= s.proper)
        if _DEFINITE.match(phrase):
            return self._described(_DEFINITE.sub("", lowered), frame.cue[0])
        return None

    def _described(self, description: str, offset: int) -> Speaker | None:
        """ "the group", "the official", "l'état-major": someone already named."""
        words = description.split()
        head = words[-1] if words else ""
        if head in PARTY_HEADS:
            party = self._latest(lambda s: s.kind == "party")
            if party is not None:
                return party
            named = _nearest(self.parties, offset)
            return self._new_named(named, "party") if named else None
        if head in REFERRING_HEADS:
            stem = head.rstrip("s")
            return self._latest(lambda s: stem in s.name.lower())
        return self._latest(lambda s: description in s.name.lower())

    def _latest(self, test: Callable[[Speaker], bool]) -> Speaker | None:
        return next((s for s in reversed(self.known) if test(s)), None)

    def _new_named(self, name: str, kind: str) -> Speaker:
        name = _display(name)
        return Speaker(name, kind, proper_words(name))

    def _new(self, frame: Frame) -> Speaker:
        phrase = _strip_determiners(frame.speaker.strip())
        anonymous = self._anonymous_nearby(frame)
        _, kind, generic = classify(phrase + (f", {frame.aside}" if frame.aside else ""), anonymous)
        if generic and kind == "party":
            named = _nearest(self.parties, frame.cue[0])
            if named:  # "an extremist group" ... "known as JNIM"
                return self._new_named(named, "party")
        display = _display(_spelled_out(self.text, phrase))
        if generic and frame.aside and proper_words(frame.aside):
            display = (
                f"{display} {frame.aside}"  # "A local government official, Abdullahi Ali Ahmed"
            )
        if kind == "anonymous_official":
            display += " (anonymous)"
        if kind == "news_outlet" and display.lower() in self.publisher.lower():
            display = self.publisher
        return Speaker(display, kind, proper_words(display))

    def _anonymous_nearby(self, frame: Frame) -> bool:
        """ "..., who asked not to be named," here or in the next sentence of the paragraph."""
        sentences = [s for s in self.layout.sentences if s.para == frame.para]
        for i, s in enumerate(sentences):
            if s.start <= frame.cue[0] < s.end:
                end = sentences[i + 1].end if i + 1 < len(sentences) else s.end
                return bool(ANONYMOUS.search(self.text, s.start, end))
        return False


def _strip_determiners(phrase: str) -> str:
    words = phrase.split()
    # "A", "the", "une"; but "UN" is the United Nations, not French "un".
    while words and words[0].lower() in DETERMINERS and not words[0][1:].isupper():
        words = words[1:]
    name = " ".join(words).removesuffix("'s").removesuffix("’s")
    return re.sub(r"^[LlDd]['’](?=\w)", "", name)  # "L'armée nigérienne"


def _display(name: str) -> str:
    name = " ".join(name.split())
    return name[:1].upper() + name[1:]


def _spelled_out(text: str, phrase: str) -> str:
    """ "RSF" -> "Rapid Support Forces (RSF)" when the text spells the acronym out."""
    if not _ACRONYM_RE.match(phrase):
        return phrase
    letters = r"[ -]+".join(rf"{c}[a-z][\w'’]*" for c in phrase)
    m = re.search(rf"\b(?:{letters})\b", text)
    return f"{m.group(0)} ({phrase})" if m and m.group(0) != phrase else phrase


def _named_parties(text: str) -> list[tuple[int, str]]:
    found = []
    for m in NAMED_PARTY_RE.finditer(text):
        name = m.group("name") or m.group("name2") or m.group("name3") or m.group("acronym")
        words = name.split()
        while words and words[0] in ("The", "A", "An", "Le", "La", "Les"):
            words = words[1:]
        if words and (m.group("acronym") is None or KNOWN_PARTIES.fullmatch(name)):
            found.append((m.start(), " ".join(words)))
    return found


def _nearest(parties: list[tuple[int, str]], offset: int) -> str | None:
    if not parties:
        return None
    return min(parties, key=lambda p: abs(p[0] - offset))[1]


def classify(phrase: str, anonymous: bool = False) -> tuple[str, str, bool]:
    """(name, kind, generic) for a speaker phrase; generic: no proper name in it."""
    name = _strip_determiners(phrase)
    main = name.split(",")[0]
    generic = not proper_words(main)
    display = _display(main)
    lowered = main.lower().split()
    head = lowered[-1] if lowered else ""
    if NEWS.search(name):
        kind = "news_outlet"
    elif generic and (anonymous or set(lowered) & ANONYMOUS_HEADS):
        kind = "anonymous_official"
    elif INTERNATIONAL.search(name):
        kind = "international_organisation"
    elif NGO.search(name):
        kind = "ngo"
    elif SOCIAL.search(name):
        kind = "social_media"
    elif KNOWN_PARTIES.search(name) and not (MILITARY.search(main) or GOVERNMENT.search(main)):
        kind = "party"  # "Abdiasis Abu Musab, al Shabaab's spokesman for military operations"
    elif MILITARY.search(name):
        kind = "military"
    elif GOVERNMENT.search(name):
        kind = "government"
    elif head in PARTY_HEADS:
        kind = "party"
    elif EYEWITNESS.search(name):
        kind = "eyewitness"
    else:
        kind = "official"
    return display, kind, generic
