"""Read a news article and draft the claims in it: who gave which figure, about what.

Pure Python (no Django): the admin "Import article" page, the ``ingest_article``
command, the API's ingest endpoint and the benchmark all call ``extract_article``;
``claims.services.ingest`` saves the drafts an editor accepts.

The package, one module per question:

- ``layout``: paragraphs, sentences, headline, dateline, quotations, wire credits;
- ``figures``: the casualty figures (``claims.counts`` finds the counts), their
  measure and the group counted;
- ``frames``: attribution frames, the reporting verbs and phrases with their scope;
- ``speakers``: who each speaker phrase means (pronouns, "the group", surnames,
  acronyms) and what kind of source it is;
- ``incidents``: which incident each figure is about (the story's, an earlier or
  separate one, a running tally);
- ``dates`` and ``places``: when and where each incident happened; ``events``: the
  event drafts (title, dates, place) for the incidents with claims;
- ``names``: the key a source name is compared by, for matching sources and aliases;
- ``article``: putting it together; ``drafts``: what comes out.

Speed: one regex pass per concern over the text; dateparser (slow to import and to
call) only sees the few candidate date phrases a regex found.
"""

from __future__ import annotations

from .article import extract_article
from .dates import relative_date
from .drafts import (
    MAX_ARTICLE_CHARS,
    ArticleDraft,
    ArticleError,
    ClaimDraft,
    EventDraft,
    check_article_text,
)
from .layout import sentences

__all__ = [
    "MAX_ARTICLE_CHARS",
    "ArticleDraft",
    "ArticleError",
    "ClaimDraft",
    "EventDraft",
    "check_article_text",
    "extract_article",
    "highlight",
    "relative_date",
]


def highlight(text: str, start: int, end: int) -> tuple[str, str, str]:
    """The sentence around text[start:end], split as (before, the phrase, after).

    For showing an editor where a draft came from; offsets outside the text give
    three empty strings.
    """
    if not (0 <= start <= end <= len(text)):
        return "", "", ""
    around = [s for s in sentences(text) if s.start <= start < s.end or s.start < end <= s.end]
    a = around[0].start if around else start
    b = max((s.end for s in around), default=end)
    return text[a:start], text[start:end], text[end:b]
