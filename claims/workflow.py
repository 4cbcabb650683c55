"""The review workflow as a table: which transitions exist, from where, who may take them.

Pure Python. ``claims.services.review`` enforces it with the guards that need data
(independent corroboration, open flags).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    NEW = "new"
    IN_REVIEW = "in_review"
    REVIEWED = "reviewed"
    PUBLISHED = "published"


class Verdict(StrEnum):
    CONFIRMED = "confirmed"
    DISPUTED = "disputed"
    FALSE = "false"
    UNVERIFIABLE = "unverifiable"


@dataclass(frozen=True, slots=True)
class Transition:
    name: str
    label: str
    sources: frozenset[Status]
    target: Status
    permission: str


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition(
            "start_review",
            "Start review",
            frozenset({Status.NEW}),
            Status.IN_REVIEW,
            "claims.change_claim",
        ),
        Transition(
            "give_verdict",
            "Give verdict",
            frozenset({Status.IN_REVIEW, Status.REVIEWED}),
            Status.REVIEWED,
            "claims.give_verdict",
        ),
        Transition(
            "publish",
            "Publish",
            frozenset({Status.REVIEWED}),
            Status.PUBLISHED,
            "claims.publish_claim",
        ),
        # Publishing freezes the ClaimReview readers get; republishing a published claim
        # replaces it with what the evidence says now (the claim page lists the changes).
        Transition(
            "republish",
            "Republish",
            frozenset({Status.PUBLISHED}),
            Status.PUBLISHED,
            "claims.publish_claim",
        ),
        Transition(
            "reopen",
            "Back to review",
            frozenset({Status.REVIEWED, Status.PUBLISHED}),
            Status.IN_REVIEW,
            "claims.give_verdict",
        ),
    )
}


def available(status: str) -> list[Transition]:
    """The transitions a claim in ``status`` can take, in workflow order."""
    return [t for t in TRANSITIONS.values() if Status(status) in t.sources]
