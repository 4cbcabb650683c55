"""Reads that the admin, the API and the commands share.

Each works on a page of rows in a constant number of queries, whatever its size.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Prefetch

from claims import conflicts
from claims.models import Attribution, Claim, ConflictFlag
from claims.services.recheck import origin_key
from claims.services.review import supports_of


def open_flag_topics(claims: Sequence[Claim]) -> set[tuple[int, str, str]]:
    """(event id, measure, group key) of every open flag touching these claims. One query."""
    event_ids = {c.event_id for c in claims}
    if not event_ids:
        return set()
    return set(
        ConflictFlag.objects.open()
        .filter(event_id__in=event_ids)
        .values_list("event_id", "measure", "group")
    )


def claim_topic(claim: Claim) -> tuple[int, str, str]:
    return (claim.event_id, claim.measure, conflicts.group_key(claim.group))


def attributions_prefetch() -> Prefetch:
    return Prefetch(
        "attributions", queryset=Attribution.objects.select_related("source").order_by("id")
    )


def corroboration_for_claims(claims: Sequence[Claim]) -> dict[int, conflicts.Corroboration]:
    """Each claim's derived corroboration status.

    The claims should come with ``claimant`` selected and ``attributions`` prefetched
    (``attributions_prefetch()``); then this costs one query, for the open flags.
    """
    flagged = open_flag_topics(claims)
    result: dict[int, conflicts.Corroboration] = {}
    for claim in claims:
        attributions = list(claim.attributions.all())
        result[claim.pk] = conflicts.corroboration_status(
            claimant_origin=origin_key(claim.claimant.origin),
            claim_low=claim.count_low,
            claim_high=claim.count_high,
            supports=supports_of(claim, attributions),
            has_open_flag=claim_topic(claim) in flagged,
        )
    return result
