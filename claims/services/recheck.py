"""Rechecking an event: mark it in the writer's transaction, then store what the rules say.

The writer and the recheck serialise on the event's row: every write updates the
event's ``needs_recheck_since`` in its own transaction, and the recheck holds that
row locked (SELECT ... FOR UPDATE) from before it reads the statements until it has
stored the result and cleared the marker. So a change that commits while a recheck
runs either was seen by it or leaves the marker set and queues another recheck.
Running the recheck twice, or on two workers at once, changes nothing the second time.
``recheck_events`` rechecks several events in one transaction (the in-process queue,
after a commit that marked many); every step below reads and writes them together.

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
from dataclasses import dataclass, field
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
from claims.selectors import events_statements
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


def _load_flags(event_ids: list[int]) -> dict[int, _Flags]:
    flags = {event_id: _Flags(open={}, settled=set()) for event_id in event_ids}
    # Sides can hold thousands of statements and are only ever rewritten, never read here.
    kept = ConflictFlag.objects.filter(event_id__in=event_ids).exclude(
        status=ConflictFlag.Status.RESOLVED, closed_by__isnull=True
    )
    for flag in kept.defer("sides"):
        if flag.status == ConflictFlag.Status.OPEN:
            flags[flag.event_id].open[(flag.measure, flag.group)] = flag
        else:
            flags[flag.event_id].settled.add((flag.measure, flag.group, flag.fingerprint))
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


@dataclass(slots=True)
class _Changes:
    """The flags one event's recheck opened, updated and resolved."""

    opened: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    resolved: list[int] = field(default_factory=list)


def _apply_flags(
    analyses: dict[int, EventAnalysis], flags: dict[int, _Flags]
) -> dict[int, _Changes]:
    """Open, update and resolve each event's flags so that they match its analysis."""
    changes = {event_id: _Changes() for event_id in analyses}
    new = []
    for event_id, analysis in analyses.items():
        kept = flags[event_id]
        for conflict, mark in analysis.conflicts:
            flag = kept.open.pop(conflict.topic_key, None)
            if flag is None:
                if (*conflict.topic_key, mark) not in kept.settled:
                    flag = ConflictFlag(event_id=event_id, measure=conflict.measure)
                    flag.group = conflict.group.key
                    new.append(_fill_flag(flag, conflict, mark, "Opened by the recheck"))
            elif (flag.fingerprint, flag.explanation) != (mark, conflict.explanation):
                reason = "Counts changed; updated by the recheck"
                if flag.fingerprint == mark:
                    reason = "Explanation reworded by the recheck"
                _fill_flag(flag, conflict, mark, reason).save()
                changes[event_id].updated.append(flag.pk)
        for flag in kept.open.values():
            flag.status = ConflictFlag.Status.RESOLVED
            flag.closed_at = timezone.now()
            flag.resolution_note = AUTO_RESOLVED_NOTE
            remember(flag, None, AUTO_RESOLVED_NOTE)
            flag.save()
            changes[event_id].resolved.append(flag.pk)
    # New flags are saved together: an imported event's first recheck opens several
    # (saved one by one, bench/import.py --quick took 1.19× as long).
    for flag in bulk_create_with_history(new, ConflictFlag) if new else []:
        changes[flag.event_id].opened.append(flag.pk)
    return changes


# --- Apply: claims and tolls ------------------------------------------------------------------
def _store_assessments(analyses: dict[int, EventAnalysis]) -> int:
    """Write each claim's derived fields where they changed; returns how many changed."""
    changed: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    stored = (
        Claim.objects.filter(event_id__in=analyses)
        .order_by()
        .values_list("pk", "event_id", *Claim.ASSESSED)
    )
    for pk, event_id, *before in stored:
        a = analyses[event_id].claims.get(pk)
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
    # One UPDATE for the claims that get the same values: claims share a few. With
    # bulk_update (a CASE per claim and field) bench/import.py --quick took 1.45× as long.
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


def _store_tolls(analyses: dict[int, EventAnalysis]) -> None:
    """Make the events' toll rows hold the current proposals (history on every change)."""
    proposals = {(e, *p.topic_key): p for e, analysis in analyses.items() for p in analysis.tolls}
    existing = {
        (t.event_id, t.measure, t.group): t for t in Toll.objects.filter(event_id__in=analyses)
    }
    new: list[Toll] = []
    for key in sorted(set(proposals) | set(existing)):
        event_id, measure, group = key
        toll = existing.get(key) or Toll(event_id=event_id, measure=measure, group=group)
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
    # New tolls are saved together: an imported event's first recheck proposes several
    # (saved one by one, bench/import.py --quick took 1.38× as long).
    if new:
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
        return _recheck_locked([event_id])[0]


def recheck_events(*, event_ids: Iterable[int], force: bool = False) -> list[RecheckResult]:
    """``recheck_event`` for several events at once, without waiting for a lull: their
    rows read and written together, in one transaction that locks them in id order.

    For the queue that runs in-process (no Redis), after a commit that marked many
    events: an import's batch marks 25, and rechecking them one by one took 60 % of
    bench/import.py's time. Workers recheck one event a task, as its edits settle.
    """
    ids = sorted({int(i) for i in event_ids})
    with transaction.atomic():
        limit_lock_wait()
        marks = Event.objects.only("pk", "needs_recheck_since").select_for_update()
        events = list(marks.filter(pk__in=ids).order_by("pk"))
        # No "queued" keys to forget: the in-process queue sets none (claims.queueing).
        todo = [e.pk for e in events if force or e.needs_recheck_since is not None]
        skipped = [RecheckResult(e.pk, checked=False) for e in events if e.pk not in todo]
        done = _recheck_locked(todo) if todo else []
    return sorted(skipped + done, key=lambda result: result.event_id)


def _recheck_locked(event_ids: list[int]) -> list[RecheckResult]:
    """Analyse and store, clear the marks, record new flags' messages; events locked."""
    changes = _store_guarded(event_ids)
    Event.objects.filter(pk__in=event_ids).update(
        needs_recheck_since=None, last_checked_at=timezone.now()
    )
    # Each new flag's email and webhook commit with it (an outbox): sent at least once.
    opened = [pk for change in changes.values() for pk in change.opened]
    if opened:
        record_flags_opened(ConflictFlag.objects.filter(pk__in=opened).select_related("event"))
    results = []
    for event_id in event_ids:
        c = changes[event_id]
        result = RecheckResult(event_id, tuple(c.opened), tuple(c.updated), tuple(c.resolved))
        if result.changed:
            logger.info(
                "Event %s rechecked: %d opened, %d updated, %d resolved",
                event_id,
                len(c.opened),
                len(c.updated),
                len(c.resolved),
            )
        results.append(result)
    return results


def _store_guarded(event_ids: list[int]) -> dict[int, _Changes]:
    try:
        with transaction.atomic():  # a savepoint: an unreadable row undoes only this
            return _store_analyses(event_ids)
    except DataError:
        if len(event_ids) > 1:  # find the event that holds it: the others go on
            return {e: c for event_id in event_ids for e, c in _store_guarded([event_id]).items()}
        # A row that cannot be read back (psycopg refuses a value PostgreSQL holds,
        # written around the services): retrying cannot help, so log it and clear
        # the mark rather than wedge the event. Times out of range are already read
        # as unknown (claims.selectors); this is for whatever else cannot be read.
        # Other errors (a bug, a lock timeout) still fail the task, which retries.
        logger.exception("Event %s: a row could not be read; recheck skipped", event_ids[0])
        return {event_ids[0]: _Changes()}


def _store_analyses(event_ids: list[int]) -> dict[int, _Changes]:
    """Analyse each event's statements and store its flags, assessments and tolls."""
    flags = _load_flags(event_ids)
    statements = events_statements(event_ids)
    analyses = {e: analyse(statements[e], flags[e].settled) for e in event_ids}
    changes = _apply_flags(analyses, flags)
    _store_assessments(analyses)
    _store_tolls(analyses)
    return changes


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
