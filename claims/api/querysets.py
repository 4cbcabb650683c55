"""What each resource reads: the relations its serializer follows, fetched up front.

A page of claims is two queries whatever its size (the claims with their claimant and
assignee joined, then all their attributions with their sources), a page of sources
two (their aliases), the other lists one. ``rechecking`` (a change to the claim's
event waits for its recheck) comes from the same row. Times people and imports set are
read through ``readable_times``, so that one written out of Python's range shows as
null instead of failing the page.
"""

from __future__ import annotations

from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q, QuerySet

from claims.api.fields import readable_times
from claims.models import Attribution, Claim, ConflictFlag, Event, Source, Toll


def events() -> QuerySet[Event]:
    return Event.objects.all()


def sources() -> QuerySet[Source]:
    return Source.objects.prefetch_related("aliases")


def attributions() -> QuerySet[Attribution]:
    return readable_times(
        Attribution.objects.select_related("source", "verified_by"), "published_at", "verified_at"
    )


def claim_rows() -> QuerySet[Claim]:
    """Claims without their attributions (the CSV export)."""
    rechecking = ExpressionWrapper(
        Q(event__needs_recheck_since__isnull=False), output_field=BooleanField()
    )
    return readable_times(
        Claim.objects.select_related("claimant", "assignee").annotate(rechecking=rechecking),
        "made_at",
        "published_at",
    )


def claims() -> QuerySet[Claim]:
    return claim_rows().prefetch_related(Prefetch("attributions", queryset=attributions()))


def flags() -> QuerySet[ConflictFlag]:
    return ConflictFlag.objects.select_related("closed_by")


def tolls(event_id: int) -> QuerySet[Toll]:
    return Toll.objects.filter(event_id=event_id).select_related("confirmed_by")
