"""Reads that the admin, the API and the commands share.

Each works on a page of rows in a constant number of queries, whatever its size.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Lower

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


# --- Queue filters (the admin's list filters; usable by any interface) -----------------------
# Origins and groups are compared with Lower() here, where the Python rules use casefold()
# (both are single-spaced on save). The two differ only for a few letters such as "ß",
# and SQLite's lower() folds ASCII only: a development database may disagree there.
def open_flag_exists() -> Exists:
    """True for a claim whose event has an open flag for the claim's measure and group."""
    return Exists(
        ConflictFlag.objects.open().filter(
            event_id=OuterRef("event_id"),
            measure=OuterRef("measure"),
            group=Lower(OuterRef("group")),
        )
    )


def filter_by_corroboration(queryset: QuerySet[Claim], status: str) -> QuerySet[Claim]:
    """Claims whose derived corroboration status is ``status``, in SQL.

    The same rules as ``conflicts.corroboration_status`` (which the lists display), so
    a filter shows exactly the rows that carry its badge.
    """
    verified = Attribution.objects.filter(
        claim_id=OuterRef("pk"), verification=Attribution.Verification.VERIFIED
    )
    independent = (
        verified.exclude(stance=Attribution.Stance.RELAYS)
        .annotate(origin_key=Lower("source__origin"))
        .exclude(origin_key=Lower(OuterRef("claimant__origin")))
    )
    disagrees = Q(count_low__isnull=False) & (
        Q(count_high__isnull=False, count_high__lt=OuterRef("count_low"))
        | Q(count_low__gt=OuterRef("count_high"))
    )
    contested = open_flag_exists() | Exists(
        independent.filter(Q(stance=Attribution.Stance.CONTRADICTS) | disagrees)
    )
    corroborates = Exists(
        independent.filter(stance__in=[Attribution.Stance.CORROBORATES, Attribution.Stance.ASSERTS])
    )
    status = conflicts.Corroboration(status)
    if status == conflicts.Corroboration.CONTESTED:
        return queryset.filter(contested)
    if status == conflicts.Corroboration.CORROBORATED:
        return queryset.filter(~contested & corroborates)
    if status == conflicts.Corroboration.SINGLE_SOURCE:
        return queryset.filter(~contested & ~corroborates & Exists(verified))
    return queryset.filter(~contested & ~Exists(verified))
