"""Telling the desk about new conflict flags, so that no message is ever lost.

An outbox: ``record_flags_opened`` writes a ``Notification`` row per flag and channel (an email
to the Editors; a Slack-compatible webhook POST when CONFLICT_WEBHOOK_URL is set) in
the transaction that opens the flag, and queues its delivery after commit. ``deliver``
sends one row and records the outcome on it: sent, or the error and when to try again.
Beat's sweep (``deliver_due``) sends what is due, so a message is delivered at least
once whatever the broker or the database did in between: a lost task, a broker down
at commit, a worker that gave up while PostgreSQL was away. A send whose success could
not be recorded (the database went away mid-send) is sent again with the same
idempotency key, which receivers can use to drop the duplicate.
"""

from __future__ import annotations

import json
import logging
import smtplib
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from claims import messages, queueing
from claims.models import ConflictFlag, Notification
from claims.validation import single_line

logger = logging.getLogger(__name__)

EDITORS_GROUP = "Editors"
# A message queued on commit is normally sent within a second; the sweep leaves it to
# that task for this long before sending it itself.
SWEEP_GRACE = timedelta(seconds=5)
RETRY_FIRST_SECONDS = 15
RETRY_MAX_SECONDS = 600
# What a refusing or unreachable receiver raises (ValueError: a header the mail library
# refuses). Anything else is a bug: the task fails loudly and the row stays pending.
SEND_ERRORS = (OSError, smtplib.SMTPException, ValueError, urllib.error.URLError)


class DeliveryError(Exception):
    """The receiver did not take the message; ``deliver`` records it and retries later."""


def editor_emails() -> list[str]:
    return list(
        get_user_model()
        .objects.filter(groups__name=EDITORS_GROUP, is_active=True)
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )


def idempotency_key(flag: ConflictFlag, channel: str) -> str:
    return f"verifier-flag-{flag.pk}-opened-{channel}"


def record_flags_opened(flags: Iterable[ConflictFlag]) -> list[Notification]:
    """Call inside the transaction that opens the flags: their messages commit with them."""
    due = timezone.now() + SWEEP_GRACE
    recipients = editor_emails()
    rows = []
    for flag in flags:
        facts = messages.FlagFacts(
            flag_id=flag.pk,
            event=flag.event.title,
            measure=flag.measure,
            measure_label=flag.get_measure_display(),
            group=flag.group_label or flag.group,
            explanation=flag.explanation,
        )
        sends = []  # (channel, payload, idempotency key)
        if recipients:
            key = idempotency_key(flag, Notification.Channel.EMAIL)
            sends.append(("email", messages.email(facts, recipients), key))
        if settings.CONFLICT_WEBHOOK_URL:
            key = idempotency_key(flag, Notification.Channel.WEBHOOK)
            sends.append(("webhook", messages.webhook(facts, key), key))
        rows += [
            Notification(flag=flag, channel=c, payload=p, idempotency_key=k, next_attempt_at=due)
            for c, p, k in sends
        ]
    Notification.objects.bulk_create(rows)
    ids = [row.pk for row in rows]
    if ids:
        transaction.on_commit(lambda: queueing.enqueue_deliveries(ids), robust=True)
    return rows


def deliver(notification_id: int) -> Notification | None:
    """Send one pending notification and record how it went; None: nothing to send.

    The row stays locked while it is sent, so the on-commit task and the sweep never
    send it at once (the second skips it, then finds it sent).
    """
    with transaction.atomic():
        note = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk=notification_id, status=Notification.Status.PENDING)
            .first()
        )
        if note is None:
            return None
        note.attempts += 1
        try:
            SENDERS[note.channel](note)
        except (DeliveryError, *SEND_ERRORS) as exc:
            delay = min(RETRY_FIRST_SECONDS * 2 ** (note.attempts - 1), RETRY_MAX_SECONDS)
            note.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            note.next_attempt_at = timezone.now() + timedelta(seconds=delay)
            logger.warning(
                "Notification %s (%s about flag %s) failed on attempt %d, retrying in %d s: %s",
                note.pk,
                note.channel,
                note.flag_id,
                note.attempts,
                delay,
                note.last_error,
            )
        else:
            note.status, note.sent_at, note.last_error = "sent", timezone.now(), ""
            logger.info(
                "Notification %s (%s about flag %s) sent", note.pk, note.channel, note.flag_id
            )
        note.save(update_fields=["attempts", "status", "sent_at", "last_error", "next_attempt_at"])
    return note


def deliver_due(*, limit: int = 100, budget_seconds: float = 30) -> int:
    """The sweep: send pending notifications that are due; returns how many were sent.

    Stops starting new sends after ``budget_seconds`` (a receiver that times out must
    not hold a worker for minutes); the next sweep goes on.
    """
    ids = list(
        Notification.objects.filter(
            status=Notification.Status.PENDING, next_attempt_at__lte=timezone.now()
        )
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    started = time.monotonic()
    sent = 0
    for notification_id in ids:
        if time.monotonic() - started > budget_seconds:
            break
        note = deliver(notification_id)
        sent += bool(note and note.status == Notification.Status.SENT)
    return sent


def send_email(note: Notification) -> None:
    payload = note.payload
    EmailMessage(
        subject=single_line(payload["subject"]),
        body=payload["body"],
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=payload["to"],
        headers={
            "Message-ID": f"<{note.idempotency_key}@verifier>",
            "X-Verifier-Idempotency-Key": note.idempotency_key,
        },
    ).send()


def post_webhook(note: Notification, *, timeout: float = 5.0) -> None:
    url = settings.CONFLICT_WEBHOOK_URL
    if not url:
        raise DeliveryError("CONFLICT_WEBHOOK_URL is not set any more")
    request = urllib.request.Request(
        url,
        data=json.dumps(note.payload).encode(),
        headers={"Content-Type": "application/json", "Idempotency-Key": note.idempotency_key},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    if not 200 <= status < 300:
        raise DeliveryError(f"the webhook answered {status}")


SENDERS: dict[str, Callable[[Notification], None]] = {
    Notification.Channel.EMAIL: send_email,
    Notification.Channel.WEBHOOK: post_webhook,
}
