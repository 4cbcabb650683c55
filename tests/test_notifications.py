"""New conflict flags reach the desk: an email to the Editors, a Slack-style webhook POST.

Each is a Notification row recorded with the flag (an outbox) and delivered at least
once. The webhook is a real HTTP server on loopback; only email delivery is Django's
in-memory outbox. The outage drills are in test_faults.py.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from claims import messages, notifications, services
from claims.models import ConflictFlag, Notification


def open_conflict(title: str = "Battle of Tinzaouaten") -> ConflictFlag:
    event = services.event_create(by=None, title=title)
    for name, count in [("JNIM", "50"), ("CSP-DPA", "84")]:
        who = services.source_create(by=None, name=f"{name} {event.pk}", kind="party")
        services.claim_create(
            by=None,
            event=event,
            claimant=who,
            measure="killed",
            group="Wagner fighters",
            count_text=count,
        )
    services.recheck_event(event_id=event.pk)
    return ConflictFlag.objects.open().get(event=event)


@pytest.fixture
def flag(db: None, editor: Any) -> ConflictFlag:
    return open_conflict()


class Webhook:
    def __init__(self, status: int) -> None:
        self.status = status
        self.bodies: list[dict[str, Any]] = []
        self.keys: list[str] = []


@pytest.fixture
def webhook(settings: Any) -> Iterator[Webhook]:
    hook = Webhook(200)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            hook.bodies.append(json.loads(self.rfile.read(length)))
            hook.keys.append(self.headers["Idempotency-Key"])
            self.send_response(hook.status)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.CONFLICT_WEBHOOK_URL = f"http://127.0.0.1:{server.server_port}/hook"
    yield hook
    server.shutdown()


def note(flag: ConflictFlag, channel: str) -> Notification:
    return Notification.objects.get(flag=flag, channel=channel)


def test_a_new_flag_records_its_email_in_the_same_transaction(
    flag: ConflictFlag, factchecker: Any, settings: Any
) -> None:
    email = note(flag, "email")
    assert email.status == "pending" and email.attempts == 0
    assert email.payload["to"] == ["editor@example.org"]  # Editors only
    assert email.idempotency_key == f"verifier-flag-{flag.pk}-opened-email"
    # No webhook row when no webhook is configured: nothing to send, nothing queued.
    assert not Notification.objects.filter(flag=flag, channel="webhook").exists()


def test_editors_are_emailed_once_with_an_idempotency_key(flag: ConflictFlag) -> None:
    mail.outbox.clear()
    email = note(flag, "email")
    assert notifications.deliver(email.pk).status == "sent"
    [message] = mail.outbox
    assert message.to == ["editor@example.org"]
    assert "Battle of Tinzaouaten" in message.subject
    assert "no figure fits both" in message.body
    assert message.extra_headers["X-Verifier-Idempotency-Key"] == email.idempotency_key
    # A second delivery (a retried task, the sweep) finds it sent and sends nothing.
    assert notifications.deliver(email.pk) is None
    assert len(mail.outbox) == 1


def test_the_webhook_gets_a_slack_style_message_with_its_key(webhook: Webhook, editor: Any) -> None:
    flag = open_conflict()
    hook = note(flag, "webhook")
    assert notifications.deliver(hook.pk).status == "sent"
    [body] = webhook.bodies
    assert body["text"].startswith("Conflict on “Battle of Tinzaouaten”")
    assert body["flag_id"] == flag.pk
    assert body["idempotency_key"] == webhook.keys[0] == hook.idempotency_key


def test_slack_control_sequences_in_desk_text_are_escaped(webhook: Webhook, editor: Any) -> None:
    flag = open_conflict("<!channel> Raid & <http://evil.example|click> at Mopti")
    notifications.deliver(note(flag, "webhook").pk)
    text = webhook.bodies[0]["text"]
    assert "<" not in text and ">" not in text
    assert "&lt;!channel&gt; Raid &amp; &lt;http://evil.example|click&gt;" in text
    assert webhook.bodies[0]["event"] == flag.event.title  # the plain field, for tools


def test_slack_escaping_follows_slacks_three_characters() -> None:
    assert messages.slack_escape("a & b < c > d | e") == "a &amp; b &lt; c &gt; d | e"
    assert messages.slack_escape("&amp;") == "&amp;amp;"  # Slack decodes once


def test_a_failing_webhook_is_recorded_logged_and_retried_later(
    webhook: Webhook, editor: Any, caplog: pytest.LogCaptureFixture
) -> None:
    flag = open_conflict()
    hook = note(flag, "webhook")
    webhook.status = 500
    before = timezone.now()
    hook = notifications.deliver(hook.pk)
    assert hook.status == "pending" and hook.attempts == 1
    assert "500" in hook.last_error
    assert hook.next_attempt_at > before
    assert "failed on attempt 1" in caplog.text
    flag.refresh_from_db()
    assert flag.status == "open"

    # Not due yet: the sweep leaves it; once due, the sweep sends it.
    assert notifications.deliver_due() == 0
    Notification.objects.filter(pk=hook.pk).update(next_attempt_at=before)
    webhook.status = 200
    assert notifications.deliver_due() == 1  # the webhook (the email is not due yet)
    hook.refresh_from_db()
    assert hook.status == "sent" and hook.attempts == 2 and hook.last_error == ""


def test_the_sweep_leaves_a_fresh_notification_to_its_task_for_a_moment(
    flag: ConflictFlag,
) -> None:
    assert notifications.deliver_due() == 0
    Notification.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert notifications.deliver_due() == 1


def new_flag_under_legacy_title(flag: ConflictFlag, title: str) -> ConflictFlag:
    """A new conflict on ``flag``'s event after its title was written past the services
    (a row from before titles were normalised); the old flag is closed first."""
    event = flag.event
    type(event).objects.filter(pk=event.pk).update(title=title)
    ConflictFlag.objects.filter(pk=flag.pk).update(status="resolved")
    services.claim_create(
        by=None,
        event=event,
        claimant=services.source_create(by=None, name="Rusich", kind="party"),
        measure="killed",
        group="Wagner fighters",
        count_text="more than 90",
    )
    services.recheck_event(event_id=event.pk)
    return ConflictFlag.objects.open().get(event=event)


def test_an_event_title_with_a_newline_does_not_break_the_email(editor: Any, settings: Any) -> None:
    flag = open_conflict("Ambush near Mopti")
    # Written past the services (an older row, a raw import): the email must still go.
    type(flag.event).objects.filter(pk=flag.event_id).update(title="Ambush\nBcc: x@evil.example")
    new = new_flag_under_legacy_title(open_conflict("Second ambush"), "Two\r\nlines")
    mail.outbox.clear()
    assert notifications.deliver(note(new, "email").pk).status == "sent"
    assert mail.outbox[0].subject == "[Verifier] Conflict: Two lines"


def test_a_legacy_title_with_a_newline_and_bidi_controls_still_gets_both_messages_out(
    webhook: Webhook, editor: Any
) -> None:
    """Issue #15, finding 7: such a title made the notification raise, dropping both."""
    new = new_flag_under_legacy_title(
        open_conflict("Ambush near Mopti"),
        "Ambush\r\nBcc: x@evil.example \u202egnp.exe <!channel>",
    )
    mail.outbox.clear()

    # The sweep sends what is due: the new flag's two messages (the first flag's later).
    Notification.objects.exclude(flag=new).update(next_attempt_at=timezone.now() + timedelta(1))
    Notification.objects.filter(flag=new).update(next_attempt_at=timezone.now())
    assert notifications.deliver_due() == 2
    assert {n.status for n in Notification.objects.filter(flag=new)} == {"sent"}
    [message] = mail.outbox
    assert message.subject == "[Verifier] Conflict: Ambush Bcc: x@evil.example gnp.exe <!channel>"
    assert "Bcc" not in message.extra_headers and message.bcc == []
    [body] = webhook.bodies
    assert "\n" not in body["text"] and "\u202e" not in body["text"]
    assert "gnp.exe &lt;!channel&gt;" in body["text"]


def test_event_update_normalises_the_title_as_event_create_does(db: None) -> None:
    event = services.event_create(by=None, title="  Raid \n on   Mopti ")
    assert event.title == "Raid on Mopti"
    event = services.event_update(event=event, by=None, title="Raid\non\tKidal  ")
    assert event.title == "Raid on Kidal"


def test_the_delivery_task_retries_only_a_missing_database_or_broker() -> None:
    from django.db import OperationalError

    from claims.tasks import deliver_notification

    assert OperationalError in deliver_notification.autoretry_for
    assert deliver_notification.max_retries >= 3 and deliver_notification.retry_jitter
