"""Telling people about new conflict flags: an email to the Editors group and, when
CONFLICT_WEBHOOK_URL is set, a JSON POST that Slack's incoming webhooks accept."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail

from claims.models import ConflictFlag

logger = logging.getLogger(__name__)

EDITORS_GROUP = "Editors"


class WebhookError(Exception):
    """The webhook did not accept the message; the task retries."""


def flag_summary(flag: ConflictFlag) -> str:
    return (
        f"Conflict on “{flag.event.title}” ({flag.get_measure_display()} of {flag.group}): "
        f"{flag.explanation}"
    )


def email_editors_about_flag(flag_id: int) -> int:
    flag = ConflictFlag.objects.select_related("event").filter(pk=flag_id).first()
    if flag is None or flag.status != ConflictFlag.Status.OPEN:
        return 0
    recipients = list(
        get_user_model()
        .objects.filter(groups__name=EDITORS_GROUP, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    if not recipients:
        return 0
    return send_mail(
        subject=f"[Verifier] Conflict: {flag.event.title}"[:200],
        message=flag_summary(flag) + "\n\nOpen the conflict desk to resolve or dismiss it.",
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
    )


def post_flag_webhook(flag_id: int, *, timeout: float = 5.0) -> bool:
    url = settings.CONFLICT_WEBHOOK_URL
    if not url:
        return False
    flag = ConflictFlag.objects.select_related("event").filter(pk=flag_id).first()
    if flag is None:
        return False
    body = json.dumps(
        {
            "text": flag_summary(flag),
            "event": flag.event.title,
            "measure": flag.measure,
            "group": flag.group,
            "flag_id": flag.pk,
        }
    ).encode()
    request = urllib.request.Request(
        url, data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            if not 200 <= response.status < 300:
                raise WebhookError(f"Webhook answered {response.status}")
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise WebhookError(f"Webhook failed: {exc}") from exc
    return True
