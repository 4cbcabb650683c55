"""Putting work on the queue: coalesced, after commit, never failing or slowing a write.

Services enqueue through this module, by task name: it never imports ``claims.tasks``
(which imports the services), so there is no import cycle. ``ClaimsConfig.ready``
imports the tasks, so every process knows them.

Rechecks: a burst of edits to one event queues one recheck. The first edit sets a
"queued" key (SET NX in Redis through the cache) and queues the task a moment later;
the edits after it, and the sweep, find the key and queue nothing. While edits keep
arriving the task waits for a lull (``services.recheck.seconds_until_due``) and keeps
the key; once it holds the event's lock to recheck, it deletes the key, so an edit
that commits after that queues the next one. The key lapses after
``RECHECK_QUEUED_SECONDS``, which bounds how long a lost message holds an event up.

Notifications: each outbox row is queued for delivery once it has committed.

If Redis is down the write has already committed with the event marked, or the
notification pending; the sweeps pick them up. The first failure is logged once and
opens the breaker: for ``ENQUEUE_PAUSE_SECONDS`` enqueues are skipped at once instead
of each waiting for its own failed connection (an import of 1,000 lines paid a
timeout and a traceback per line).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from itertools import batched
from typing import Any

from celery import current_app
from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

RECHECK_TASK = "claims.tasks.recheck_event"
RECHECKS_TASK = "claims.tasks.recheck_events"
DELIVER_TASK = "claims.tasks.deliver_notification"


class Breaker:
    """Skips enqueues for a short while after one failed, and says so once."""

    def __init__(self, pause: float) -> None:
        self.pause = pause
        self.open_until = 0.0
        self.skipped = 0

    def closed(self) -> bool:
        if time.monotonic() < self.open_until:
            self.skipped += 1
            return False
        return True

    def failed(self, what: str, error: Exception) -> None:
        if not self.open_until:
            logger.warning(
                "Could not queue %s (%s: %s); the sweep will. Skipping enqueues for %.0f s.",
                what,
                type(error).__name__,
                error,
                self.pause,
            )
        self.open_until = time.monotonic() + self.pause

    def succeeded(self) -> None:
        if self.open_until:
            logger.warning(
                "The broker is reachable again; %d enqueue(s) were skipped meanwhile and "
                "are left to the sweep.",
                self.skipped,
            )
            self.open_until, self.skipped = 0.0, 0


breaker = Breaker(pause=float(getattr(settings, "ENQUEUE_PAUSE_SECONDS", 10)))


def queued_key(event_id: int) -> str:
    return f"recheck-queued:{event_id}"


def _publish(task_name: str, args: list[Any], countdown: float) -> None:
    current_app.tasks[task_name].apply_async(args=args, countdown=countdown)


def enqueue_rechecks(event_ids: Iterable[int]) -> int:
    """Queue a recheck for each event not already queued; returns how many were queued."""
    ids = sorted(set(event_ids))
    if settings.TASKS_IN_PROCESS:
        return _recheck_in_process(ids)
    queued = 0
    for event_id in ids:
        if not breaker.closed():
            continue
        key = queued_key(event_id)
        try:
            if not cache.add(key, 1, timeout=settings.RECHECK_QUEUED_SECONDS):
                continue
            _publish(RECHECK_TASK, [event_id], settings.RECHECK_COALESCE_SECONDS)
        except Exception as exc:
            # The event stays marked in the database; the sweep will requeue it.
            breaker.failed(f"a recheck for event {event_id}", exc)
            _forget(key)
            continue
        breaker.succeeded()
        queued += 1
    return queued


# Events rechecked in one transaction when the tasks run in-process.
IN_PROCESS_RECHECKS = 100


def _recheck_in_process(event_ids: list[int]) -> int:
    """No queue: the events are rechecked now, together (``services.recheck_events``)."""
    # A recheck that fails is logged by Celery and leaves its events marked: the next
    # write to them rechecks them again.
    for chunk in batched(event_ids, IN_PROCESS_RECHECKS):
        _publish(RECHECKS_TASK, [list(chunk)], 0)
    return len(event_ids)


def enqueue_deliveries(notification_ids: Iterable[int]) -> int:
    """Queue the delivery of each notification (already committed, pending)."""
    queued = 0
    for notification_id in notification_ids:
        if not breaker.closed():
            continue
        try:
            _publish(DELIVER_TASK, [notification_id], 0)
        except Exception as exc:
            breaker.failed(f"notification {notification_id}", exc)  # it stays pending
            continue
        breaker.succeeded()
        queued += 1
    return queued


def forget_queued(event_id: int) -> None:
    """Called by the recheck once it holds the event's lock, so that later edits queue
    a fresh recheck."""
    _forget(queued_key(event_id))


def _forget(key: str) -> None:
    try:
        cache.delete(key)
    except Exception:
        logger.debug("Could not clear %s", key)
