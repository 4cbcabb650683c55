"""Celery tasks: thin interfaces. Ids in, one service call, a retry policy."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import OperationalError as DatabaseOperationalError
from kombu.exceptions import OperationalError as BrokerOperationalError

from claims import notifications, services

logger = logging.getLogger(__name__)

# Connection trouble is worth retrying with backoff and jitter; a bug is not.
TRANSIENT = (DatabaseOperationalError, BrokerOperationalError, ConnectionError, TimeoutError)
RECHECK_RETRIES: dict[str, Any] = {
    "autoretry_for": TRANSIENT,
    "retry_backoff": 2,
    "retry_backoff_max": 60,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(**RECHECK_RETRIES)
def recheck_event(event_id: int, force: bool = False) -> dict[str, object] | None:
    """Make one event's conflict flags match its counts (``force``: even if not marked).

    While the event's changes are still arriving the service says how long to wait,
    and the task queues itself again for then (the event stays marked meanwhile, so
    the sweep covers a publish that fails).
    """
    result = services.recheck_event(
        event_id=event_id, force=force, wait_for_lull=not settings.TASKS_IN_PROCESS
    )
    if result is None:
        return None
    if result.retry_in:
        # The queued key stays set, so this stays the event's one queued recheck.
        recheck_event.apply_async(args=[event_id], countdown=result.retry_in)
        return {"event": result.event_id, "waiting": round(result.retry_in, 3)}
    return {
        "event": result.event_id,
        "checked": result.checked,
        "opened": list(result.opened),
        "updated": list(result.updated),
        "resolved": list(result.resolved),
    }


@shared_task(**RECHECK_RETRIES)
def recheck_events(event_ids: list[int]) -> list[int]:
    """The in-process queue's recheck of the events one commit marked (no lull to wait
    for: nothing else runs meanwhile). Returns the events rechecked."""
    results = services.recheck_events(event_ids=event_ids)
    return [result.event_id for result in results if result.checked]


@shared_task(autoretry_for=TRANSIENT, retry_backoff=5, retry_jitter=True, max_retries=3)
def sweep_rechecks() -> int:
    """Beat: requeue every event still marked for a recheck and not queued."""
    return services.requeue_stale_rechecks()


@shared_task(
    autoretry_for=TRANSIENT,
    retry_backoff=2,
    retry_backoff_max=30,
    retry_jitter=True,
    max_retries=4,
)
def deliver_notification(notification_id: int) -> str | None:
    """Send one new flag's email or webhook. A receiver that refuses is recorded on the
    row and retried by the sweep; this task retries only a missing database or broker,
    and if it gives up the row is still pending, so the sweep sends it."""
    note = notifications.deliver(notification_id)
    return note.status if note else None


@shared_task(autoretry_for=TRANSIENT, retry_backoff=5, retry_jitter=True, max_retries=3)
def sweep_notifications() -> int:
    """Beat: send the notifications that are due (never sent, or due for a retry)."""
    return notifications.deliver_due()
