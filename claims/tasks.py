"""Celery tasks: thin interfaces. Ids in, one service call, a retry policy."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import OperationalError as DatabaseOperationalError
from kombu.exceptions import OperationalError as BrokerOperationalError

from claims import notifications, services
from claims.queueing import forget_queued

logger = logging.getLogger(__name__)

# Connection trouble is worth retrying with backoff and jitter; a bug is not.
TRANSIENT = (DatabaseOperationalError, BrokerOperationalError, ConnectionError, TimeoutError)


@shared_task(
    autoretry_for=TRANSIENT,
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=8,
)
def recheck_event(event_id: int, force: bool = False) -> dict[str, object] | None:
    """Make one event's conflict flags match its counts (``force``: even if not marked)."""
    forget_queued(event_id)
    result = services.recheck_event(event_id=event_id, force=force)
    if result is None:
        return None
    return {
        "event": result.event_id,
        "opened": list(result.opened),
        "updated": list(result.updated),
        "resolved": list(result.resolved),
    }


@shared_task(autoretry_for=TRANSIENT, retry_backoff=5, retry_jitter=True, max_retries=3)
def sweep_rechecks() -> int:
    """Beat: requeue every event still marked for a recheck after a while."""
    return services.requeue_stale_rechecks()


@shared_task(
    autoretry_for=(*TRANSIENT, notifications.WebhookError),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=6,
)
def notify_flag_opened(flag_id: int) -> None:
    """Tell the Editors group about a new conflict flag: email, then the webhook if set."""
    notifications.email_editors_about_flag(flag_id)
    notify_flag_webhook.delay(flag_id)


@shared_task(
    autoretry_for=(*TRANSIENT, notifications.WebhookError),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=6,
)
def notify_flag_webhook(flag_id: int) -> None:
    # Its own task so a failing webhook is retried without emailing again.
    notifications.post_flag_webhook(flag_id)
