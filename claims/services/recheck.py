"""Rechecking an event: mark it in the writer's transaction, then store what the rules say.

The writer and the recheck serialise on the event's row: every write updates the
event's ``needs_recheck_since`` in its own transaction, and the recheck holds that
row locked (SELECT ... FOR UPDATE) from before it reads the statements until it has
stored the result and cleared the marker. So a change that commits while a recheck
runs either was seen by it or leaves the marker set and queues another recheck.
Running the recheck twice, or on two workers at once, changes nothing the second time.

What it stores, all from one ``claims.analysis.analyse`` call:
- the event's conflict flags: new conflicts open a flag, changed ones are updated,
  vanished ones resolve with a note; a conflict an editor closed stays closed until
  its figures change;
- each claim's class, comparison key, corroboration, credibility, and whether it is
  superseded or its responsibility disputed (only rows that change are written);
- the toll proposals; a confirmed toll whose proposal changes needs confirming again.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import DataError, connection, transaction
from django.db.models.functions import Coalesce
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from claims.analysis import EventAnalysis, analyse
from claims.conflicts import Conflict, Statement
from claims.models import Claim, ConflictFlag, Event, Toll
from claims.notifications import record_flags_opened
from claims.queueing import enqueue_rechecks, forget_queued
from claims.selectors import event_statements
from claims.tolls import TollProposal

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
    now = timezone.now()
    Event.objects.filter(pk__in=ids).update(
        needs_recheck_since=Coalesce("needs_recheck_since", now), last_change_at=now
    )
    transaction.on_commit(lambda: enqueue_rechecks(ids), robust=True)


def limit_lock_wait() -> None:
    """Inside the recheck's transaction: wait at most RECHECK_LOCK_TIMEOUT_MS for a lock.

    A recheck is redelivered when its worker dies; if that worker's connection still
    holds the event's row (a machine that vanished sends no FIN, and PostgreSQL only
    ends such a session after its keepalives or idle-in-transaction timeout, see
    settings), waiting behind it would hold this worker too. Failing fast lets the
    task retry with backoff while the worker does other events.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('lock_timeout', %s, true)",
                [f"{settings.RECHECK_LOCK_TIMEOUT_MS}ms"],
            )


@dataclass(frozen=True, slots=True)
class RecheckResult:
    event_id: int
    opened: tuple[int, ...] = ()
    updated: tuple[int, ...] = ()
    resolved: tuple[int, ...] = ()
    checked: bool = True  # False: nothing to do, every change was already seen
    retry_in: float = 0.0  # > 0: changes are still arriving; call again after this long

    @property
    def changed(self) -> bool:
        return bool(self.opened or self.updated or self.resolved)


# Below this, waiting for a lull is not worth another trip through the queue (and a
# task that arrives a few milliseconds early should not be sent round again).
MIN_WAIT_SECONDS = 0.05


def seconds_until_due(
    *, first_unseen: datetime, last_change: datetime, now: datetime, lull: float, max_wait: float
) -> float:
    """How long a recheck should wait so that one recheck sees a whole burst; 0: now.

    Changes still arriving less than ``lull`` seconds apart are a burst in progress
    (an editor's session, a script, an import): wait until ``lull`` has passed since the
    last one, but never let the first change the desk has not seen wait more than
    ``max_wait`` seconds, however long the burst goes on.
    """
    wait = min(
        (last_change - now).total_seconds() + lull,
        (first_unseen - now).total_seconds() + max_wait,
    )
    return wait if wait >= MIN_WAIT_SECONDS else 0.0


# --- Load -------------------------------------------------------------------------------------
@dataclass(slots=True)
class _Flags:
    """The event's flags as the recheck compares them."""

    open: dict[tuple[str, str], ConflictFlag]  # by (measure, group key)
    settled: set[tuple[str, str, str]]  # closed by a person: (measure, group key, fingerprint)


def _load_flags(event_id: int) -> _Flags:
    flags = _Flags(open={}, settled=set())
    # Sides can hold thousands of statements and are only ever rewritten, never read here.
    kept = ConflictFlag.objects.filter(event_id=event_id).exclude(
        status=ConflictFlag.Status.RESOLVED, closed_by__isnull=True
    )
    for flag in kept.defer("sides"):
        if flag.status == ConflictFlag.Status.OPEN:
            flags.open[(flag.measure, flag.group)] = flag
        else:
            flags.settled.add((flag.measure, flag.group, flag.fingerprint))
    return flags


# --- Apply: flags -----------------------------------------------------------------------------
def _side(s: Statement) -> dict[str, Any]:
    """What a flag keeps about one statement, so that it still says what it said after
    the statements change."""
    figure = s.figure
    attribution_id = int(s.key.removeprefix("attribution:")) if not s.is_claim else None
    side: dict[str, Any] = {
        "key": s.key,
        "speaker": s.speaker,
        "source": s.source,
        "via": s.via,
        "count_text": figure.text if figure else "",
        "low": figure.low if figure else None,
        "high": figure.high if figure else None,
        "measure": s.measure,
        "group": s.group.label,
        "class": str(s.group.group_class),
        "published_at": s.published_at.isoformat() if s.published_at else None,
        "claim_id": s.claim_id,
        "attribution_id": attribution_id,
    }
    if figure is None:
        side |= {"contradicts": True, "disputes": str(s.disputes or "")}
    return side


def _fill_flag(flag: ConflictFlag, conflict: Conflict, mark: str, reason: str) -> ConflictFlag:
    flag.explanation = conflict.explanation
    flag.sides = [_side(s) for s in (*conflict.sides, *conflict.disputes)]
    flag.fingerprint = mark
    flag.group_label = conflict.group.label
    flag.group_class = str(conflict.group.group_class)
    remember(flag, None, reason)
    return flag


def _apply_flags(
    event_id: int, analysis: EventAnalysis, flags: _Flags
) -> tuple[list[int], list[int], list[int]]:
    """Open, update and resolve flags so that they match the analysis."""
    new, updated = [], []
    for conflict, mark in analysis.conflicts:
        flag = flags.open.pop(conflict.topic_key, None)
        if flag is None:
            if (*conflict.topic_key, mark) not in flags.settled:
                flag = ConflictFlag(event_id=event_id, measure=conflict.measure)
                flag.group = conflict.group.key
                new.append(_fill_flag(flag, conflict, mark, "Opened by the recheck"))
        elif (flag.fingerprint, flag.explanation) != (mark, conflict.explanation):
            reason = "Counts changed; updated by the recheck"
            if flag.fingerprint == mark:
                reason = "Explanation reworded by the recheck"
            _fill_flag(flag, conflict, mark, reason).save()
            updated.append(flag.pk)
    # A new event's first recheck opens its flags at once (bench/import.py).
    opened = [flag.pk for flag in bulk_create_with_history(new, ConflictFlag)]
    resolved = []
    for flag in flags.open.values():
        flag.status = ConflictFlag.Status.RESOLVED
        flag.closed_at = timezone.now()
        flag.resolution_note = AUTO_RESOLVED_NOTE
        remember(flag, None, AUTO_RESOLVED_NOTE)
        flag.save()
        resolved.append(flag.pk)
    return opened, updated, resolved


# --- Apply: claims and tolls ------------------------------------------------------------------
def _store_assessments(event_id: int, analysis: EventAnalysis) -> int:
    """Write each claim's derived fields where they changed; returns how many changed."""
    changed: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    stored = Claim.objects.filter(event_id=event_id).order_by().values_list("pk", *Claim.ASSESSED)
    for pk, *before in stored:
        a = analysis.claims.get(pk)
        if a is None:
            continue
        now = (
            str(a.group.group_class),
            a.group.key,
            str(a.corroboration),
            int(a.credibility),
            a.superseded,
            a.responsibility_disputed,
        )
        if tuple(before) != now:
            changed[now].append(pk)
    # Derived, not edited: no history rows, and updated_at (the edit time) is left alone.
    # One UPDATE for the claims that get the same values: an event's claims share a few
    # (bench/import.py: bulk_update's CASE per claim and field took 3× as long).
    for now, pks in changed.items():
        Claim.objects.filter(pk__in=pks).update(**dict(zip(Claim.ASSESSED, now, strict=True)))
    return sum(len(pks) for pks in changed.values())


def _toll_fields(proposal: TollProposal | None) -> dict[str, Any]:
    if proposal is None:
        return {"low": None, "best": None, "high": None, "basis": {}, "method": ""}
    return {
        "group_label": proposal.group.label,
        "group_class": str(proposal.group.group_class),
        "low": proposal.low,
        "best": proposal.best,
        "high": proposal.high,
        "basis": {
            "low": list(proposal.low_claims),
            "best": list(proposal.best_claims),
            "high": list(proposal.high_claims),
            "candidates": [_side(s) for s in proposal.candidates],
        },
        "method": proposal.method,
    }


def _store_tolls(event_id: int, analysis: EventAnalysis) -> None:
    """Make the event's toll rows hold the current proposals (history on every change)."""
    proposals = {p.topic_key: p for p in analysis.tolls}
    existing = {(t.measure, t.group): t for t in Toll.objects.filter(event_id=event_id)}
    new: list[Toll] = []
    for key in sorted(set(proposals) | set(existing)):
        toll = existing.get(key) or Toll(event_id=event_id, measure=key[0], group=key[1])
        fields = _toll_fields(proposals.get(key))
        if toll.pk is not None and all(getattr(toll, k) == v for k, v in fields.items()):
            continue
        for name, value in fields.items():
            setattr(toll, name, value)
        reason = "Proposed by the recheck"
        if toll.confirmed:
            toll.confirmed, toll.confirmed_by, toll.confirmed_at = False, None, None
            reason = "The figures changed: the proposal needs confirming again"
        remember(toll, None, reason)
        if toll.pk is None:
            new.append(toll)
        else:
            toll.save()
    # An event's first recheck proposes all its tolls at once (bench/import.py: a
    # third of that recheck's time went to saving them one by one).
    bulk_create_with_history(new, Toll)


# --- The recheck ------------------------------------------------------------------------------
def _wait_for_lull(marked: datetime | None, last_change: datetime | None) -> float:
    if marked is None or last_change is None:
        return 0.0
    return seconds_until_due(
        first_unseen=marked,
        last_change=last_change,
        now=timezone.now(),
        lull=settings.RECHECK_COALESCE_SECONDS,
        max_wait=settings.RECHECK_MAX_WAIT_SECONDS,
    )


def recheck_event(
    *, event_id: int, force: bool = False, wait_for_lull: bool = False
) -> RecheckResult | None:
    """Store what the rules conclude about the event. Idempotent; None if it is gone.

    An event that is not marked has had every committed change seen by an earlier
    recheck (writers mark in their own transaction; only a recheck holding the lock
    clears the mark), so the rechecks queued by a burst after the first cost one
    locked read. ``force`` rechecks anyway (repairs, upgrades).

    ``wait_for_lull`` (the queued task): while changes to the event are still arriving,
    return ``retry_in`` instead of rechecking (``seconds_until_due``), and keep the
    queued key so that those changes queue nothing more.
    """
    with transaction.atomic():
        limit_lock_wait()
        # Only what the recheck needs: the event's own fields are not read here.
        marks = Event.objects.only("pk", "needs_recheck_since", "last_change_at")
        event = marks.select_for_update().filter(pk=event_id).first()
        if event is None:
            forget_queued(event_id)
            return None
        marked = event.needs_recheck_since
        if wait_for_lull and not force and (wait := _wait_for_lull(marked, event.last_change_at)):
            return RecheckResult(event_id, checked=False, retry_in=wait)
        # From here every change committed so far is read below, and a writer that
        # commits later waits for this lock first: let its commit queue a new recheck.
        forget_queued(event_id)
        if marked is None and not force:
            return RecheckResult(event_id, checked=False)
        try:
            with transaction.atomic():  # a savepoint: an unreadable row undoes only this
                opened, updated, resolved = _store_analysis(event_id)
        except DataError:
            # A row that cannot be read back (psycopg refuses a value PostgreSQL holds,
            # written around the services): retrying cannot help, so log it and clear
            # the mark rather than wedge the event. Times out of range are already read
            # as unknown (claims.selectors); this is for whatever else cannot be read.
            # Other errors (a bug, a lock timeout) still fail the task, which retries.
            logger.exception("Event %s: a row could not be read; recheck skipped", event_id)
            opened, updated, resolved = [], [], []
        Event.objects.filter(pk=event_id).update(
            needs_recheck_since=None, last_checked_at=timezone.now()
        )
        # Each new flag's email and webhook commit with it (an outbox): sent at least once.
        if opened:
            record_flags_opened(ConflictFlag.objects.filter(pk__in=opened).select_related("event"))
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


def _store_analysis(event_id: int) -> tuple[list[int], list[int], list[int]]:
    """Analyse the event's statements and store flags, assessments and tolls."""
    flags = _load_flags(event_id)
    analysis = analyse(event_statements(event_id), flags.settled)
    opened, updated, resolved = _apply_flags(event_id, analysis, flags)
    _store_assessments(event_id, analysis)
    _store_tolls(event_id, analysis)
    return opened, updated, resolved


def requeue_stale_rechecks(*, older_than: timedelta | None = None) -> int:
    """The sweep: queue a recheck for every event marked longer ago than ``older_than``
    that has none queued (a backlog after an outage is not multiplied by each sweep)."""
    if older_than is None:
        older_than = timedelta(seconds=settings.RECHECK_STALE_SECONDS)
    cutoff = timezone.now() - older_than
    ids = list(
        Event.objects.filter(needs_recheck_since__lte=cutoff).values_list("pk", flat=True)[:5000]
    )
    return enqueue_rechecks(ids)
