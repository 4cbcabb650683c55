"""Rechecking an event: mark it in the writer's transaction, then make its flags match.

The writer and the recheck serialise on the event's row: every write updates the
event's ``needs_recheck_since`` in its own transaction, and the recheck holds
that row locked (SELECT ... FOR UPDATE) from before it reads the counts until it
has written the flags and cleared the marker. So a change that commits while a
recheck runs either was seen by it or leaves the marker set and queues another
recheck. Running the recheck twice, or on two workers at once, changes nothing
the second time.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from claims import conflicts
from claims.models import Attribution, Claim, ConflictFlag, Event
from claims.queueing import enqueue_rechecks

from .common import remember

logger = logging.getLogger(__name__)

AUTO_RESOLVED_NOTE = "Resolved automatically: the counts no longer conflict."


def mark_for_recheck(event_ids: Iterable[int]) -> None:
    """Mark events as needing a recheck now, and queue the rechecks after commit.

    Call inside the writer's transaction. The UPDATE always touches the row (keeping
    the earliest mark), which is what makes writers wait for a running recheck.
    """
    ids = sorted({int(i) for i in event_ids if i is not None})
    if not ids:
        return
    Event.objects.filter(pk__in=ids).update(
        needs_recheck_since=Coalesce("needs_recheck_since", timezone.now())
    )
    transaction.on_commit(lambda: enqueue_rechecks(ids), robust=True)


@dataclass(frozen=True, slots=True)
class RecheckResult:
    event_id: int
    opened: tuple[int, ...]
    updated: tuple[int, ...]
    resolved: tuple[int, ...]

    @property
    def changed(self) -> bool:
        return bool(self.opened or self.updated or self.resolved)


@functools.lru_cache(maxsize=4096)
def origin_key(origin: str) -> str:
    """Origins compare casefolded and single-spaced ("JNIM " is "jnim")."""
    return " ".join(origin.casefold().split())


def side(count: conflicts.Count | conflicts.Contradiction, row: dict[str, Any]) -> dict[str, Any]:
    """What a flag keeps about one count: enough to show it without the rows."""
    is_claim = count.key.startswith("claim:")
    contradiction = isinstance(count, conflicts.Contradiction)
    return {
        "key": count.key,
        "speaker": count.speaker,
        "source": row["claimant__name"] if is_claim else row["source__name"],
        "count_text": "" if contradiction else row["count_text"],
        "low": None if contradiction else row["count_low"],
        "high": None if contradiction else row["count_high"],
        "claim_id": row["id"] if is_claim else row["claim_id"],
        "attribution_id": None if is_claim else row["id"],
        **({"contradicts": True} if contradiction else {}),
    }


CLAIM_COLUMNS = (
    "id",
    "claimant__origin",
    "claimant__name",
    "measure",
    "group",
    "count_text",
    "count_low",
    "count_high",
    "made_at",
    "verdict",
)
ATTRIBUTION_COLUMNS = (
    "id",
    "claim_id",
    "source__origin",
    "source__name",
    "stance",
    "count_text",
    "count_low",
    "count_high",
    "published_at",
    "verification",
)


def build_inputs(
    claims: Iterable[dict[str, Any]], attributions: Iterable[dict[str, Any]]
) -> tuple[list[conflicts.Count], list[conflicts.Contradiction], dict[str, dict[str, Any]]]:
    """Turn one event's rows into the pure rules' inputs, plus each count's row by key.

    Rows are plain dicts (``CLAIM_COLUMNS``, ``ATTRIBUTION_COLUMNS``): an event can hold
    thousands of counts, and building model instances would cost more than the rules.
    """
    counts: list[conflicts.Count] = []
    contradictions: list[conflicts.Contradiction] = []
    shown: dict[str, dict[str, Any]] = {}
    claim_by_id: dict[int, dict[str, Any]] = {}
    for claim in claims:
        claim_by_id[claim["id"]] = claim
        key = f"claim:{claim['id']}"
        origin = claim["claimant__origin"]
        counts.append(
            conflicts.Count(
                key=key,
                claim_key=key,
                origin=origin_key(origin),
                speaker=origin,
                measure=claim["measure"],
                group=claim["group"],
                low=claim["count_low"],
                high=claim["count_high"],
                published_at=claim["made_at"],
                excluded=claim["verdict"] == Claim.Verdict.FALSE,
            )
        )
        shown[key] = claim
    for row in attributions:
        owner = claim_by_id.get(row["claim_id"])
        if owner is None:
            continue
        claim = owner
        # A relay is the relayed party speaking, not an independent witness.
        relays = row["stance"] == Attribution.Stance.RELAYS
        origin = claim["claimant__origin"] if relays else row["source__origin"]
        key = f"attribution:{row['id']}"
        claim_key = f"claim:{claim['id']}"
        excluded = (
            row["verification"] == Attribution.Verification.REJECTED
            or claim["verdict"] == Claim.Verdict.FALSE
        )
        if row["count_low"] is not None:
            counts.append(
                conflicts.Count(
                    key=key,
                    claim_key=claim_key,
                    origin=origin_key(origin),
                    speaker=origin,
                    measure=claim["measure"],
                    group=claim["group"],
                    low=row["count_low"],
                    high=row["count_high"],
                    published_at=row["published_at"],
                    stance=conflicts.Stance(row["stance"]),
                    verification=conflicts.Verification(row["verification"]),
                    excluded=excluded,
                )
            )
            shown[key] = row
        elif (
            row["stance"] == Attribution.Stance.CONTRADICTS
            and row["verification"] == Attribution.Verification.VERIFIED
            and not excluded
        ):
            contradictions.append(
                conflicts.Contradiction(
                    key=key,
                    claim_key=claim_key,
                    origin=origin_key(origin),
                    speaker=row["source__name"],
                    measure=claim["measure"],
                    group=claim["group"],
                    claimant=claim["claimant__origin"],
                )
            )
            shown[key] = row
    return counts, contradictions, shown


def fingerprint(conflict: conflicts.Conflict) -> str:
    """Which counts, with which figures, make the conflict: changes when either does."""
    parts = sorted(f"{c.key}={c.low}-{c.high}" for c in conflict.sides)
    parts += sorted(x.key for x in conflict.contradictions)
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def recheck_event(*, event_id: int, force: bool = False) -> RecheckResult | None:
    """Make the event's open flags match its counts. Idempotent; None if the event is gone.

    An event that is not marked has had every committed change seen by an earlier
    recheck (writers mark in their own transaction; only a recheck holding the lock
    clears the mark), so the rechecks queued by a burst after the first cost one
    locked read. ``force`` rechecks anyway (benchmarks, repairs).
    """
    with transaction.atomic():
        event = Event.objects.select_for_update().filter(pk=event_id).first()
        if event is None:
            return None
        if event.needs_recheck_since is None and not force:
            return RecheckResult(event_id, (), (), ())
        claims = Claim.objects.filter(event_id=event_id).values(*CLAIM_COLUMNS)
        # Only attributions that can take part: a figure of their own, or a verified
        # contradiction. Most are links and quotes behind the claimant's own figure.
        attributions = (
            Attribution.objects.filter(claim__event_id=event_id)
            .filter(
                Q(count_low__isnull=False)
                | Q(
                    stance=Attribution.Stance.CONTRADICTS,
                    verification=Attribution.Verification.VERIFIED,
                )
            )
            .values(*ATTRIBUTION_COLUMNS)
        )
        counts, contradictions, shown = build_inputs(claims, attributions)
        wanted = {(c.measure, c.group): c for c in conflicts.find_conflicts(counts, contradictions)}

        # Open flags, plus the ones a person closed: a conflict an editor dismissed or
        # resolved stays closed until its counts change.
        flags = list(
            ConflictFlag.objects.filter(event_id=event_id)
            .filter(Q(status=ConflictFlag.Status.OPEN) | Q(closed_by__isnull=False))
            .defer("sides")  # can be large; only written, never compared
        )
        open_flags = {
            (f.measure, f.group): f for f in flags if f.status == ConflictFlag.Status.OPEN
        }
        settled = {(f.measure, f.group, f.fingerprint) for f in flags if f.closed_by_id}

        now = timezone.now()
        opened: list[int] = []
        updated: list[int] = []
        resolved: list[int] = []
        for (measure, group), conflict in sorted(wanted.items()):
            print_ = fingerprint(conflict)
            sides = [side(c, shown[c.key]) for c in conflict.sides]
            sides += [side(x, shown[x.key]) for x in conflict.contradictions]
            flag = open_flags.pop((measure, group), None)
            if flag is None:
                if (measure, group, print_) in settled:
                    continue
                flag = ConflictFlag(
                    event_id=event_id,
                    measure=measure,
                    group=group,
                    explanation=conflict.explanation,
                    sides=sides,
                    fingerprint=print_,
                )
                remember(flag, None, "Opened by the recheck")
                flag.save()
                opened.append(flag.pk)
            elif flag.fingerprint != print_ or flag.explanation != conflict.explanation:
                flag.explanation = conflict.explanation
                flag.sides = sides
                flag.fingerprint = print_
                remember(flag, None, "Counts changed; updated by the recheck")
                flag.save()
                updated.append(flag.pk)
        for flag in open_flags.values():
            flag.status = ConflictFlag.Status.RESOLVED
            flag.closed_at = now
            flag.resolution_note = AUTO_RESOLVED_NOTE
            remember(flag, None, AUTO_RESOLVED_NOTE)
            flag.save()
            resolved.append(flag.pk)

        Event.objects.filter(pk=event_id).update(needs_recheck_since=None, last_checked_at=now)
        if opened:
            from claims.tasks import notify_flag_opened

            def notify(flag_ids: tuple[int, ...] = tuple(opened)) -> None:
                for flag_id in flag_ids:
                    notify_flag_opened.delay(flag_id)

            transaction.on_commit(notify, robust=True)
    result = RecheckResult(event_id, tuple(opened), tuple(updated), tuple(resolved))
    if result.changed:
        logger.info(
            "Event %s rechecked: %d opened, %d updated, %d resolved",
            event_id,
            len(opened),
            len(updated),
            len(resolved),
        )
    return result


def requeue_stale_rechecks(*, older_than: timedelta | None = None) -> int:
    """The sweep: queue a recheck for every event marked longer ago than ``older_than``."""
    if older_than is None:
        older_than = timedelta(seconds=settings.RECHECK_STALE_SECONDS)
    cutoff = timezone.now() - older_than
    ids = list(
        Event.objects.filter(needs_recheck_since__lte=cutoff).values_list("pk", flat=True)[:5000]
    )
    # The sweep runs when something was lost, so it does not trust the queued keys.
    return enqueue_rechecks(ids, coalesce=False)
