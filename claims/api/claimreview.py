"""schema.org ClaimReview for a published claim, as JSON-LD (what search engines read).

``claimReviewed`` is the claim in a few words, without the verdict (under 75
characters, as Google asks); the verdict is in ``reviewRating``: ``alternateName``
in words and a numeric scale where 1 is false and 5 confirmed. "Unverifiable" sits
in the middle: neither shown true nor shown false.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings

from claims.models import Attribution, Claim, Source

WORST_RATING = 1
BEST_RATING = 5
RATINGS: dict[str, tuple[int, str]] = {
    Claim.Verdict.FALSE: (1, "False"),
    Claim.Verdict.DISPUTED: (2, "Disputed"),
    Claim.Verdict.UNVERIFIABLE: (3, "Unverifiable"),
    Claim.Verdict.CONFIRMED: (5, "Confirmed"),
}
MAX_CLAIM_REVIEWED = 74  # "under 75 characters"

# People, not organisations, make these kinds of statement.
PERSON_KINDS = {Source.Kind.EYEWITNESS, Source.Kind.ANONYMOUS_OFFICIAL}
APPEARS_IN = {Attribution.Stance.ASSERTS, Attribution.Stance.RELAYS}


def shorten(text: str, limit: int = MAX_CLAIM_REVIEWED) -> str:
    """Cut at a word boundary, with an ellipsis, to at most ``limit`` characters."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:.")
    return cut + "…"


def claim_reviewed(claim: Claim) -> str:
    """'JNIM: at least six Wagner fighters killed': who said what count, no verdict."""
    return shorten(
        f"{claim.claimant.name}: {claim.count_text} {claim.group} {claim.get_measure_display()}"
    )


def _date(value: datetime | None) -> str | None:
    return None if value is None else value.date().isoformat()


def _agent(source: Source) -> dict[str, Any]:
    agent: dict[str, Any] = {
        "@type": "Person" if source.kind in PERSON_KINDS else "Organization",
        "name": source.name,
    }
    if source.url:
        agent["url"] = source.url
    return agent


def claim_review(claim: Claim, *, url: str, site_url: str) -> dict[str, Any]:
    """The ClaimReview of a published claim (claimant selected, attributions prefetched
    with their sources)."""
    value, name = RATINGS[claim.verdict]
    appearances = []
    for attribution in claim.attributions.all():
        if (
            attribution.stance not in APPEARS_IN
            or not attribution.url
            or attribution.verification == Attribution.Verification.REJECTED
        ):
            continue
        work: dict[str, Any] = {
            "@type": "CreativeWork",
            "url": attribution.url,
            "author": _agent(attribution.source),
        }
        if attribution.published_at:
            work["datePublished"] = _date(attribution.published_at)
        if attribution.archive_url:
            work["archivedAt"] = attribution.archive_url
        appearances.append(work)
    item: dict[str, Any] = {"@type": "Claim", "author": _agent(claim.claimant)}
    made = claim.made_at or min(
        (a.published_at for a in claim.attributions.all() if a.published_at), default=None
    )
    if made is not None:
        item["datePublished"] = _date(made)
    item["appearance"] = appearances
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": claim_reviewed(claim),
        "datePublished": _date(claim.published_at),
        "author": {
            "@type": "Organization",
            "name": getattr(settings, "CLAIMREVIEW_AUTHOR_NAME", "Verifier"),
            "url": site_url,
        },
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": value,
            "worstRating": WORST_RATING,
            "bestRating": BEST_RATING,
            "alternateName": name,
        },
        "itemReviewed": item,
    }
