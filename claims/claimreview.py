"""schema.org ClaimReview for a published claim, as JSON-LD (what search engines read).

``claimReviewed`` is the claim in a few words, without the verdict (under 75
characters, as Google asks); the verdict is in ``reviewRating``: ``alternateName``
in words and a numeric scale where 1 is false and 5 confirmed. "Unverifiable" sits
in the middle: neither shown true nor shown false.

Publishing freezes the review: ``review_body`` is what the editor approves, stored on
the claim (``Claim.published_review``) by ``claims.services.review``, and served as it
was until an editor republishes. Later edits to the evidence (a source renamed, a link
changed, an attribution added) are recorded as ever, and ``changes`` says how a
republish would differ, for the claim page. Only the addresses (where the review is
served, the site) are filled in when it is served: they are not the desk's judgement.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, prefetch_related_objects

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


def _appearances(claim: Claim) -> list[dict[str, Any]]:
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
    return appearances


def review_body(claim: Claim) -> dict[str, Any]:
    """What the editor approves by publishing (claimant selected, attributions prefetched
    with their sources): every part of the ClaimReview but the addresses."""
    value, name = RATINGS[claim.verdict]
    item: dict[str, Any] = {"@type": "Claim", "author": _agent(claim.claimant)}
    made = claim.made_at or min(
        (a.published_at for a in claim.attributions.all() if a.published_at), default=None
    )
    if made is not None:
        item["datePublished"] = _date(made)
    item["appearance"] = _appearances(claim)
    return {
        "claimReviewed": claim_reviewed(claim),
        "datePublished": _date(claim.published_at),
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": value,
            "worstRating": WORST_RATING,
            "bestRating": BEST_RATING,
            "alternateName": name,
        },
        "itemReviewed": item,
    }


def current_body(claim: Claim) -> dict[str, Any]:
    """The body a publish now would freeze, read from the database (claimant selected)."""
    evidence = Attribution.objects.select_related("source").order_by("created_at", "id")
    prefetch_related_objects([claim], Prefetch("attributions", queryset=evidence))
    return review_body(claim)


def document(body: dict[str, Any], *, url: str, site_url: str) -> dict[str, Any]:
    """The ClaimReview as served: a frozen ``body`` with where it lives and who wrote it."""
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": body["claimReviewed"],
        "datePublished": body["datePublished"],
        "author": {
            "@type": "Organization",
            "name": getattr(settings, "CLAIMREVIEW_AUTHOR_NAME", "Verifier"),
            "url": site_url,
        },
        "reviewRating": body["reviewRating"],
        "itemReviewed": body["itemReviewed"],
    }


# --- What changed since publication -----------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Change:
    """One difference between the published review and what a republish would serve."""

    what: str
    before: str
    after: str


LABELS = {
    "claimReviewed": "Claim reviewed",
    "datePublished": "Review date",
    "reviewRating.alternateName": "Rating",
    "itemReviewed.author.name": "Claimant",
    "itemReviewed.author.@type": "Claimant is a",
    "itemReviewed.author.url": "Claimant's link",
    "itemReviewed.datePublished": "Claim made on",
}
NOTHING = "—"


def _flat(node: Any, path: str = "") -> dict[str, Any]:
    if not isinstance(node, dict):
        return {path: node}
    flat: dict[str, Any] = {}
    for key, value in node.items():
        if key != "appearance" and key != "ratingValue":  # said apart / follows the rating
            flat |= _flat(value, f"{path}.{key}" if path else key)
    return flat


def _label(path: str) -> str:
    return LABELS.get(path, path.replace(".", " › "))


def _said(value: Any) -> str:
    return NOTHING if value in (None, "") else str(value)


def appearance_words(work: dict[str, Any]) -> str:
    """'JNIM Media (https://…), 2 Aug 2024, archived at https://…' in one line."""
    words = f"{work['author']['name']} at {work['url']}"
    if work.get("datePublished"):
        words += f", {work['datePublished']}"
    if work.get("archivedAt"):
        words += f", archived at {work['archivedAt']}"
    return words


def _appearance_changes(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[Change]:
    gone = [w for w in before if w not in after]
    new = [w for w in after if w not in before]
    changes = []
    for work in gone:
        # The same link on both sides: one appearance edited, said as old → new.
        twin = next((w for w in new if w["url"] == work["url"]), None)
        if twin is not None:
            new.remove(twin)
        after_words = NOTHING if twin is None else appearance_words(twin)
        changes.append(Change("Appears in", appearance_words(work), after_words))
    changes += [Change("Appears in", NOTHING, appearance_words(work)) for work in new]
    return changes


def changes(published: dict[str, Any], current: dict[str, Any]) -> list[Change]:
    """How ``current`` (what a republish would serve) differs from ``published``."""
    old, new = _flat(published), _flat(current)
    found = [
        Change(_label(path), _said(old.get(path)), _said(new.get(path)))
        for path in dict.fromkeys([*old, *new])
        if old.get(path) != new.get(path)
    ]
    return found + _appearance_changes(
        published.get("itemReviewed", {}).get("appearance", []),
        current.get("itemReviewed", {}).get("appearance", []),
    )


def changed_since_publication(claim: Claim) -> list[Change]:
    """For a published claim: what its evidence says now that readers do not see yet.

    A claim marked published past the services has no frozen review, and readers get
    none: all of it is a change, which an editor's republish freezes.
    """
    if claim.status != Claim.Status.PUBLISHED:
        return []
    return changes(claim.published_review or {}, current_body(claim))
