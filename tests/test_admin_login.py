"""Logging in to the desk: throttled per account and per address, and a CSP on every page.

django-axes counts failed logins per username and per address (AXES_FAILURE_LIMIT,
five) and refuses the next tries for a cool-off (AXES_COOLOFF_TIME); each failure and
each lockout is logged. The cool-off is tested by moving the recorded failures back in
time, not by waiting.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessAttemptExpiration
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

LOGIN = "/admin/login/"


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def try_login(client: Client, username: str, password: str, address: str = "10.0.0.1") -> Any:
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def test_five_wrong_passwords_lock_the_account_then_the_cool_off_ends_it(
    editor: User, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    client = Client()
    with caplog.at_level(logging.WARNING, logger="axes"):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            assert try_login(client, "editor", "wrong").status_code == 200  # the form again
        assert try_login(client, "editor", "wrong").status_code == 429  # the fifth: locked
        locked = try_login(client, "editor", "pw-editor")  # even the right password
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    assert any("Locking out" in r.getMessage() for r in caplog.records)
    # From another address too: the account itself is locked.
    assert try_login(Client(), "editor", "pw-editor", address="10.0.0.2").status_code == 429
    # After the cool-off the right password works again.
    past = timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(minutes=1)
    AccessAttempt.objects.update(attempt_time=past)
    AccessAttemptExpiration.objects.update(expires_at=past)
    assert try_login(Client(), "editor", "pw-editor", address="10.0.0.3").status_code == 302


def test_one_address_guessing_many_accounts_is_locked(
    editor: User, factchecker: User, settings: Any
) -> None:
    client = Client()
    for number in range(settings.AXES_FAILURE_LIMIT):
        try_login(client, f"nobody{number}", "guess", address="10.9.9.9")
    assert try_login(client, "factchecker", "pw-factchecker", address="10.9.9.9").status_code == 429
    # Someone else, elsewhere, is not affected.
    assert try_login(Client(), "factchecker", "pw-factchecker", "10.0.0.7").status_code == 302


def test_every_desk_page_sends_a_content_security_policy(editor: User) -> None:
    client = Client()
    client.force_login(editor)
    for url in (
        reverse("admin:index"),
        reverse("admin:claims_claim_changelist"),
        LOGIN,
    ):
        policy = client.get(url).headers.get("Content-Security-Policy", "")
        assert "default-src 'self'" in policy, url
        assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
        assert "frame-ancestors 'none'" in policy
