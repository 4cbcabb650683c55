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
import logging
import sys
from array import array
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import groupby
from operator import attrgetter, itemgetter
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from claims import conflicts
from claims.models import Attribution, Claim, ConflictFlag, Event
from claims.notifications import record_flag_opened
from claims.queueing import enqueue_rechecks, forget_queued

from .common import remember
from .compiled import CompiledQuery

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


@functools.lru_cache(maxsize=4096)
def origin_key(origin: str) -> str:
    """Origins compare casefolded and single-spaced ("JNIM " is "jnim")."""
    return " ".join(origin.casefold().split())


# The columns of one event's rows, read as plain tuples and unpacked in this order:
# an event can hold thousands of counts, and tuples cost a fraction of dicts, named
# tuples or model instances.
CLAIM_COLUMNS = (
    # A claim's figure: everything the rules read of it. Claims that agree on all of
    # it become one Count (build_inputs), so these come first, to be sliced off whole.
    "claimant__origin",
    "measure",
    "group",
    "count_low",
    "count_high",
    "made_at",
    "verdict",
    # Which claim, and how it is shown.
    "id",
    "claimant__name",
    "count_text",
)
CLAIM_FIGURE = 7  # CLAIM_COLUMNS[:CLAIM_FIGURE] is the figure
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
Row = tuple[Any, ...]  # CLAIM_COLUMNS or ATTRIBUTION_COLUMNS, as the count's key says
Inputs = tuple[list[conflicts.Count], list[conflicts.Contradiction], "RowsByKey"]


@dataclass(frozen=True, slots=True)
class Shown:
    """Who gave a count and how they put it, for flags and pages."""

    source: str  # the claimant's or the attribution's source name
    count_text: str
    claim_id: int
    attribution_id: int | None


def shown(key: str, row: Row) -> Shown:
    """Read a count's row (as ``load_inputs`` returns it by key) for display."""
    if key.startswith("claim:"):
        claim_id, name, count_text = row[CLAIM_FIGURE:]
        return Shown(name, count_text, claim_id, None)
    attribution_id, claim_id, _, name, _, count_text, *_ = row
    return Shown(name, count_text, claim_id, attribution_id)


def side(
    count: conflicts.Count | conflicts.Contradiction, row: Row, key: str | None = None
) -> dict[str, Any]:
    """What a flag keeps about one count: enough to show it without the rows.

    ``key``: which of the claims a grouped count stands for (``Count.claim_ids``).
    """
    key = key or count.key
    who = shown(key, row)
    kept = {
        "key": key,
        "speaker": count.speaker,
        "source": who.source,
        "count_text": who.count_text,
        "low": None,
        "high": None,
        "claim_id": who.claim_id,
        "attribution_id": who.attribution_id,
    }
    if isinstance(count, conflicts.Contradiction):
        return kept | {"count_text": "", "contradicts": True}
    return kept | {"low": count.low, "high": count.high}


def _claim_rows(event_id: int) -> QuerySet[Claim, Row]:
    # No ORDER BY: the rules do not depend on order, and sorting thousands of rows
    # by the model's default ordering is work the database need not do.
    return Claim.objects.filter(event_id=event_id).order_by().values_list(*CLAIM_COLUMNS)


def _attribution_rows(event_id: int) -> QuerySet[Attribution, Row]:
    # Only attributions that can take part: a figure of their own, or a verified
    # contradiction. Most are links and quotes behind the claimant's own figure.
    return (
        Attribution.objects.filter(claim__event_id=event_id)
        .filter(
            Q(count_low__isnull=False)
            | Q(
                stance=Attribution.Stance.CONTRADICTS,
                verification=Attribution.Verification.VERIFIED,
            )
        )
        .order_by()
        .values_list(*ATTRIBUTION_COLUMNS)
    )


# The SELECTs that read an event for a recheck (the benchmark times them bare).
CLAIM_ROWS = CompiledQuery(_claim_rows)
ATTRIBUTION_ROWS = CompiledQuery(_attribution_rows)


# The event's row, locked for the recheck: when it was marked and last changed.
EVENT_LOCK = CompiledQuery(
    lambda event_id: (
        Event.objects.select_for_update()
        .filter(pk=event_id)
        .values_list("needs_recheck_since", "last_change_at")
    )
)
# Its open flags and the ones a person closed, as the recheck compares them.
FLAGS = CompiledQuery(
    lambda event_id: (
        ConflictFlag.objects.filter(event_id=event_id)
        .filter(Q(status=ConflictFlag.Status.OPEN) | Q(closed_by__isnull=False))
        .order_by()
        .values_list(
            "pk", "measure", "group", "status", "fingerprint", "explanation", "closed_by_id"
        )
    )
)


def load_inputs(event_id: int) -> Inputs:
    """One event's counts and verified contradictions, in two queries (see build_inputs)."""
    return build_inputs(CLAIM_ROWS.rows(event_id), ATTRIBUTION_ROWS.rows(event_id))


class RowsByKey(Mapping[str, Row]):
    """Each count's row by its key ("claim:12", "attribution:40").

    Indexed on first use: only a flag being written or a page being shown looks rows
    up, and most rechecks of a big event find every flag unchanged.
    """

    def __init__(self, claims: list[Row], attributions: list[Row]) -> None:
        self._claims, self._attributions = claims, attributions
        self._index: dict[str, Row] | None = None

    def _built(self) -> dict[str, Row]:
        if self._index is None:
            index = {f"claim:{row[CLAIM_FIGURE]}": row for row in self._claims}
            index.update((f"attribution:{row[0]}", row) for row in self._attributions)
            self._index = index
        return self._index

    def __getitem__(self, key: str) -> Row:
        return self._built()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._built())

    def __len__(self) -> int:
        return len(self._built())


def build_inputs(claims: Iterable[Row], attributions: Iterable[Row]) -> Inputs:
    """Turn one event's rows into the pure rules' inputs, plus each count's row by key.

    Rows are tuples in the order of ``CLAIM_COLUMNS`` and ``ATTRIBUTION_COLUMNS``.
    This runs over every row of the biggest events on every recheck, so it touches
    each claim row once: claims giving the same figure (``CLAIM_COLUMNS[:CLAIM_FIGURE]``)
    are gathered under one key in a dict, and the rest of the work, and all of the
    rules, runs once per distinct figure (``Count.claim_ids``). A big event repeats a
    few figures from a few dozen origins: 10,000 claims in the benchmark give 1,677.
    """
    claims, attributions = list(claims), list(attributions)
    same_figure: dict[Row, list[int]] = {}
    ids_of = same_figure.get
    for row in claims:
        ids = ids_of(figure := row[:CLAIM_FIGURE])
        if ids is None:
            same_figure[figure] = [row[CLAIM_FIGURE]]
        else:
            ids.append(row[CLAIM_FIGURE])
    counts: list[conflicts.Count] = []
    contradictions: list[conflicts.Contradiction] = []
    origins = {origin: origin_key(origin) for origin in {figure[0] for figure in same_figure}}
    new_count = tuple.__new__  # Count(...) without the Python-level __new__ frame
    count_type, asserts = conflicts.Count, conflicts.Stance.ASSERTS
    unverified = conflicts.Verification.UNVERIFIED
    false = Claim.Verdict.FALSE.value  # a plain str: comparing with the member costs more
    for (origin, measure, group, low, high, made_at, verdict), ids in same_figure.items():
        first = ids[0]
        if len(ids) > 1:
            ids.sort()  # they come almost in order: cheap
            # The count goes by the key that sorts first, as each claim's own count
            # would ("claim:10" before "claim:9"), so sides and sentences come out the same.
            first = ids[0]
            if len(str(first)) != len(str(ids[-1])):
                first = int(min(map(str, ids)))
        key = f"claim:{first}"
        fields = (key, key, origins[origin], origin, measure, group, low, high, made_at, asserts,
                  unverified, verdict == false, tuple(ids))  # fmt: skip
        counts.append(new_count(count_type, fields))
    claim_by_id = {row[CLAIM_FIGURE]: row for row in claims} if attributions else {}
    for row in attributions:
        id_, claim_id, source_origin, source_name, stance, _, low, high, published_at, checked = row
        claim = claim_by_id.get(claim_id)
        if claim is None:
            continue
        claimant_origin, measure, group, _, _, _, verdict = claim[:CLAIM_FIGURE]
        # A relay is the relayed party speaking, not an independent witness.
        origin = claimant_origin if stance == Attribution.Stance.RELAYS else source_origin
        key = f"attribution:{id_}"
        claim_key = f"claim:{claim_id}"
        excluded = checked == Attribution.Verification.REJECTED or verdict == false
        if low is not None:
            counts.append(
                conflicts.Count(
                    key=key,
                    claim_key=claim_key,
                    origin=origin_key(origin),
                    speaker=origin,
                    measure=measure,
                    group=group,
                    low=low,
                    high=high,
                    published_at=published_at,
                    stance=conflicts.Stance(stance),
                    verification=conflicts.Verification(checked),
                    excluded=excluded,
                )
            )
        elif (
            stance == Attribution.Stance.CONTRADICTS
            and checked == Attribution.Verification.VERIFIED
            and not excluded
        ):
            contradictions.append(
                conflicts.Contradiction(
                    key=key,
                    claim_key=claim_key,
                    origin=origin_key(origin),
                    speaker=source_name,
                    measure=measure,
                    group=group,
                    claimant=claimant_origin,
                )
            )
    return counts, contradictions, RowsByKey(claims, attributions)


def flag_sides(conflict: conflicts.Conflict, rows: Mapping[str, Row]) -> list[dict[str, Any]]:
    """The sides a flag stores, one per claim or attribution, by interval, then key.

    Built only when a flag is written, since a big event's conflict can have thousands
    and most rechecks find their flags unchanged.
    """
    sides = []
    for _, same in groupby(conflict.sides, key=_LOW_HIGH):
        each = sorted(((key, count) for count in same for key in count.keys), key=_FIRST)
        sides += [side(count, rows[key], key) for key, count in each]
    sides += [side(x, rows[x.key]) for x in conflict.contradictions]
    return sides


_LOW_HIGH, _FIRST = attrgetter("low", "high"), itemgetter(0)


def fingerprint(conflict: conflicts.Conflict) -> str:
    """Which counts, with which figures, make the conflict: changes when either does.

    One part per interval, in order: its figures, then the ids of the claims giving
    it, sorted and packed as 8-byte integers, then the keys of the attributions giving
    it, sorted. Claims' ids stay integers because a big event's conflict has thousands,
    and sorting and packing integers costs a fraction of making and sorting their keys.
    Migration 0006 computes the same from the sides a flag stored; change both together.
    """
    digest = hashlib.sha256()
    for (low, high), same in groupby(conflict.sides, key=_LOW_HIGH):
        claim_ids: list[int] = []
        other_keys: list[str] = []
        for count in same:
            if count.claim_ids:
                claim_ids += count.claim_ids
            elif count.key.startswith("claim:"):  # a claim's count made by hand
                claim_ids.append(int(count.key.removeprefix("claim:")))
            else:
                other_keys.append(count.key)
        claim_ids.sort()
        packed = array("q", claim_ids)
        if sys.byteorder == "big":  # the same fingerprint on every machine
            packed.byteswap()
        digest.update(f"\n{low}-{high}=".encode())
        digest.update(packed.tobytes())
        digest.update(",".join(sorted(other_keys)).encode())
    for key in sorted(x.key for x in conflict.contradictions):
        digest.update(f"\n{key}".encode())
    return digest.hexdigest()


def recheck_event(
    *, event_id: int, force: bool = False, wait_for_lull: bool = False
) -> RecheckResult | None:
    """Make the event's open flags match its counts. Idempotent; None if the event is gone.

    An event that is not marked has had every committed change seen by an earlier
    recheck (writers mark in their own transaction; only a recheck holding the lock
    clears the mark), so the rechecks queued by a burst after the first cost one
    locked read. ``force`` rechecks anyway (benchmarks, repairs).

    ``wait_for_lull`` (the queued task): while changes to the event are still arriving,
    return ``retry_in`` instead of rechecking (``seconds_until_due``), and keep the
    queued key so that those changes queue nothing more.
    """
    with transaction.atomic():
        limit_lock_wait()
        locked = EVENT_LOCK.rows(event_id)
        if not locked:
            forget_queued(event_id)
            return None
        [(marked, last_change)] = locked
        if wait_for_lull and not force and marked is not None and last_change:
            wait = seconds_until_due(
                first_unseen=marked,
                last_change=last_change,
                now=timezone.now(),
                lull=settings.RECHECK_COALESCE_SECONDS,
                max_wait=settings.RECHECK_MAX_WAIT_SECONDS,
            )
            if wait:
                return RecheckResult(event_id, checked=False, retry_in=wait)
        # From here every change committed so far is read below, and a writer that
        # commits later waits for this lock first: let its commit queue a new recheck.
        forget_queued(event_id)
        if marked is None and not force:
            return RecheckResult(event_id, checked=False)
        counts, contradictions, rows = load_inputs(event_id)
        wanted = {(c.measure, c.group): c for c in conflicts.find_conflicts(counts, contradictions)}

        # Open flags, plus the ones a person closed: a conflict an editor dismissed or
        # resolved stays closed until its counts change. Read as tuples (sides can be
        # large and are only written, never compared); a flag that changes is loaded.
        open_flags: dict[tuple[str, str], tuple[int, str, str]] = {}
        settled: set[tuple[str, str, str]] = set()
        for pk, measure, group, status, print_, explanation, closed_by in FLAGS.rows(event_id):
            if status == ConflictFlag.Status.OPEN:
                open_flags[(measure, group)] = (pk, print_, explanation)
            if closed_by is not None:
                settled.add((measure, group, print_))

        # Flag -> its conflict now and that conflict's fingerprint; None: it has gone.
        changed: dict[int, tuple[conflicts.Conflict, str] | None] = {}
        new: list[tuple[conflicts.Conflict, str]] = []
        for (measure, group), conflict in sorted(wanted.items()):
            print_ = fingerprint(conflict)
            known = open_flags.pop((measure, group), None)
            if known is None:
                if (measure, group, print_) not in settled:
                    new.append((conflict, print_))
            elif known[1:] != (print_, conflict.explanation):
                changed[known[0]] = (conflict, print_)
        changed |= dict.fromkeys(pk for pk, _, _ in open_flags.values())

        now = timezone.now()
        opened: list[int] = []
        updated: list[int] = []
        resolved: list[int] = []
        for conflict, print_ in new:
            flag = ConflictFlag(
                event_id=event_id,
                measure=conflict.measure,
                group=conflict.group,
                explanation=conflict.explanation,
                sides=flag_sides(conflict, rows),
                fingerprint=print_,
            )
            remember(flag, None, "Opened by the recheck")
            flag.save()
            opened.append(flag.pk)
        loaded = ConflictFlag.objects.in_bulk(sorted(changed)) if changed else {}
        for pk, now_is in sorted(changed.items()):
            flag = loaded[pk]
            if now_is is not None:
                conflict, flag.fingerprint = now_is
                flag.explanation = conflict.explanation
                flag.sides = flag_sides(conflict, rows)
                remember(flag, None, "Counts changed; updated by the recheck")
                flag.save()
                updated.append(flag.pk)
                continue
            flag.status = ConflictFlag.Status.RESOLVED
            flag.closed_at = now
            flag.resolution_note = AUTO_RESOLVED_NOTE
            remember(flag, None, AUTO_RESOLVED_NOTE)
            flag.save()
            resolved.append(flag.pk)

        Event.objects.filter(pk=event_id).update(needs_recheck_since=None, last_checked_at=now)
        # Each new flag's email and webhook commit with it (an outbox): sent at least once.
        if opened:
            for flag in ConflictFlag.objects.filter(pk__in=opened).select_related("event"):
                record_flag_opened(flag)
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
    """The sweep: queue a recheck for every event marked longer ago than ``older_than``
    that has none queued (a backlog after an outage is not multiplied by each sweep)."""
    if older_than is None:
        older_than = timedelta(seconds=settings.RECHECK_STALE_SECONDS)
    cutoff = timezone.now() - older_than
    ids = list(
        Event.objects.filter(needs_recheck_since__lte=cutoff).values_list("pk", flat=True)[:5000]
    )
    return enqueue_rechecks(ids)
