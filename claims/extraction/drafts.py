"""What extraction hands over: draft events and claims, and the checks on its input."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field
from typing import Any

MAX_ARTICLE_CHARS = 200_000  # about 30,000 words: one long feature, never a whole site

ASSERTS, CORROBORATES, CONTRADICTS, RELAYS = "asserts", "corroborates", "contradicts", "relays"


@dataclass(slots=True)
class ClaimDraft:
    """One figure (or one denial or confirmation) as found: who, with which stance, about whom.

    ``start``/``end`` are the offsets of the count phrase (of the verb, for a figure-less
    denial or confirmation) in the article text; ``quote`` is its sentence. ``mentions``
    are the other places the same speaker gives the same figure. ``disputes`` says what
    a contradiction disputes (ANALYSIS.md section 2). ``source_id`` is the existing
    source the claimant was matched to, if any (set when drafts are shown, never here).
    """

    claimant: str
    claimant_kind: str
    stance: str
    measure: str
    group: str
    count_text: str
    count_low: int | None
    count_high: int | None
    quote: str
    start: int
    end: int
    disputes: str = ""
    mentions: list[tuple[int, int]] = field(default_factory=list)
    source_id: int | None = None


@dataclass(slots=True)
class EventDraft:
    """One incident the article reports, with the claims made about it."""

    title: str
    date: dt.date | None
    place: str
    region: str = ""
    country: str = ""
    claims: list[ClaimDraft] = field(default_factory=list)
    date_end: dt.date | None = None


@dataclass(slots=True)
class ArticleDraft:
    events: list[EventDraft] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The dry-run JSON: events with title, dates (ISO), place and their claims."""
        return {
            "events": [
                {
                    "title": e.title,
                    "date": e.date.isoformat() if e.date else None,
                    "date_end": e.date_end.isoformat() if e.date_end else None,
                    "place": e.place,
                    "region": e.region,
                    "country": e.country,
                    "claims": [_claim_dict(c) for c in e.claims],
                }
                for e in self.events
            ]
        }


def _claim_dict(claim: ClaimDraft) -> dict[str, Any]:
    data = asdict(claim)
    data["mentions"] = [list(m) for m in claim.mentions]
    return data


class ArticleError(ValueError):
    """Text that cannot be read as an article; the message says why, for the editor."""


_JUNK_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd\ue000-\uf8ff\ud800-\udfff]")
_SPACE_RE = re.compile(r"\s")
_LETTER_RE = re.compile(r"[^\W\d_]")


def check_article_text(text: str) -> str:
    """Return ``text`` unchanged if it reads as an article, else raise ArticleError."""
    if not text or not text.strip():
        raise ArticleError("The article is empty: paste its text.")
    if len(text) > MAX_ARTICLE_CHARS:
        raise ArticleError(
            f"The article is too long ({len(text):,} characters). The limit is "
            f"{MAX_ARTICLE_CHARS:,} characters (about 30,000 words): paste one article at a time."
        )
    # Binary data decoded as text shows up as NULs, control characters, replacement
    # characters, private-use and surrogate code points; real text has almost none.
    sample = text[:20_000]
    junk = len(_JUNK_RE.findall(sample))
    if "\x00" in text or junk > max(4, len(sample) // 200):
        raise ArticleError(
            "This does not look like text: it contains binary data. Paste the article's "
            "words, not a file or an image."
        )
    visible = len(sample) - len(_SPACE_RE.findall(sample))
    if visible and len(_LETTER_RE.findall(sample)) < 0.3 * visible:
        raise ArticleError("This does not look like an article: it has almost no words.")
    return text
