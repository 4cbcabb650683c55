"""New conflict flags reach the desk: an email to the Editors, a Slack-style webhook POST.

The webhook is a real HTTP server on loopback; only email delivery is Django's
in-memory outbox.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.core import mail

from claims import notifications, services
from claims.models import ConflictFlag


@pytest.fixture
def flag(db: None, editor: Any) -> ConflictFlag:
    event = services.event_create(by=None, title="Battle of Tinzaouaten")
    for name, count in [("JNIM", "50"), ("CSP-DPA", "84")]:
        who = services.source_create(by=None, name=name, kind="party")
        services.claim_create(
            by=None,
            event=event,
            claimant=who,
            measure="killed",
            group="Wagner fighters",
            count_text=count,
        )
    services.recheck_event(event_id=event.pk)
    return ConflictFlag.objects.open().get()


class Webhook:
    def __init__(self, status: int) -> None:
        self.status = status
        self.bodies: list[dict[str, Any]] = []


@pytest.fixture
def webhook(settings: Any) -> Iterator[Webhook]:
    hook = Webhook(200)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            hook.bodies.append(json.loads(self.rfile.read(length)))
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


def test_editors_are_emailed_about_a_new_flag(flag: ConflictFlag, factchecker: Any) -> None:
    mail.outbox.clear()
    assert notifications.email_editors_about_flag(flag.pk) == 1
    message = mail.outbox[0]
    assert message.to == ["editor@example.org"]  # Editors only, not the fact-checker
    assert "Battle of Tinzaouaten" in message.subject
    assert "no figure fits both" in message.body


def test_the_webhook_gets_a_slack_style_message(flag: ConflictFlag, webhook: Webhook) -> None:
    assert notifications.post_flag_webhook(flag.pk) is True
    body = webhook.bodies[0]
    assert body["text"].startswith("Conflict on “Battle of Tinzaouaten”")
    assert body["flag_id"] == flag.pk


def test_a_failing_webhook_raises_for_a_retry_and_leaves_the_flag_alone(
    flag: ConflictFlag, webhook: Webhook
) -> None:
    webhook.status = 500
    with pytest.raises(notifications.WebhookError):
        notifications.post_flag_webhook(flag.pk)
    flag.refresh_from_db()
    assert flag.status == "open"


def test_the_webhook_task_retries_on_failure() -> None:
    from claims.tasks import notify_flag_webhook

    assert notifications.WebhookError in notify_flag_webhook.autoretry_for
    assert notify_flag_webhook.max_retries >= 3 and notify_flag_webhook.retry_jitter


def test_no_webhook_configured_sends_nothing(flag: ConflictFlag, settings: Any) -> None:
    settings.CONFLICT_WEBHOOK_URL = ""
    assert notifications.post_flag_webhook(flag.pk) is False


def test_a_new_flag_queues_a_webhook_post_only_when_one_is_configured(
    flag: ConflictFlag, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each task costs the workers a trip through the broker; in a burst of new flags
    # a webhook task per flag with nowhere to post would delay the next rechecks.
    from claims import tasks

    queued: list[int] = []
    monkeypatch.setattr(tasks.notify_flag_webhook, "delay", queued.append)
    settings.CONFLICT_WEBHOOK_URL = ""
    tasks.notify_flag_opened(flag.pk)
    assert queued == []
    settings.CONFLICT_WEBHOOK_URL = "http://127.0.0.1:9/hook"
    tasks.notify_flag_opened(flag.pk)
    assert queued == [flag.pk]
