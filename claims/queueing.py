"""Putting rechecks on the queue: coalesced, after commit, never failing the write.

A burst of edits to one event queues one recheck: the first edit sets a short-lived
key (SET NX in Redis through the cache) and queues the task a moment later; the
edits after it find the key and queue nothing. While edits keep arriving the task
waits for a lull (``services.recheck.seconds_until_due``) and keeps the key; once it
holds the event's lock to recheck, it deletes the key, so an edit that commits after
that queues the next one.

If Redis is down the write has already committed with the event marked as
needing a recheck; we log and let the periodic sweep requeue it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

# Longer than the coalescing delay and any queue backlog we expect; if it lapses
# first, the cost is one extra (idempotent) recheck.
QUEUED_KEY_SECONDS = 60


def queued_key(event_id: int) -> str:
    return f"recheck-queued:{event_id}"


def enqueue_rechecks(event_ids: Iterable[int], *, coalesce: bool = True) -> int:
    """Queue a recheck for each event not already queued; returns how many were queued."""
    from claims.tasks import recheck_event  # the task module imports services

    queued = 0
    for event_id in sorted(set(event_ids)):
        key = queued_key(event_id)
        try:
            if (
                coalesce
                and not settings.TASKS_IN_PROCESS
                and not cache.add(key, 1, timeout=QUEUED_KEY_SECONDS)
            ):
                continue
            recheck_event.apply_async(
                args=[event_id],
                countdown=0 if settings.TASKS_IN_PROCESS else settings.RECHECK_COALESCE_SECONDS,
            )
            queued += 1
        except Exception:
            # The event stays marked in the database; the sweep will requeue it.
            logger.exception("Could not queue a recheck for event %s; the sweep will.", event_id)
            try:
                cache.delete(key)
            except Exception:
                logger.debug("Could not clear the queued key for event %s", event_id)
    return queued


def forget_queued(event_id: int) -> None:
    """Called by the recheck once it holds the event's lock, so that later edits queue
    a fresh recheck."""
    try:
        cache.delete(queued_key(event_id))
    except Exception:
        logger.warning("Could not clear the queued key for event %s", event_id)
