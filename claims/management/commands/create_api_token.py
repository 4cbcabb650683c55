"""``manage.py create_api_token USERNAME``: a new API token for a user, printed once.

Tokens are stored hashed (django-rest-knox), so this is the only time it can be read:
the token is the last word of the output, for scripts (``| awk '{print $NF}'``).
It expires after ``--days`` (default: REST_KNOX TOKEN_TTL, ``API_TOKEN_DAYS``); revoke
one early by deleting it in the admin (Knox: Auth tokens).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from knox.models import get_token_model
from knox.settings import knox_settings


class Command(BaseCommand):
    help = "Create an API token for USERNAME and print it (the last word of the output)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Days until the token expires (default: the REST_KNOX TOKEN_TTL setting).",
        )

    def handle(self, *args: Any, username: str, days: int | None, **options: Any) -> None:
        user_model = get_user_model()
        user = user_model._default_manager.filter(**{user_model.USERNAME_FIELD: username}).first()
        if user is None:
            raise CommandError(f"There is no user “{username}”. Create it in the admin first.")
        if not user.is_active:
            raise CommandError(f"User “{username}” is not active; reactivate it first.")
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1.")
        ttl = timedelta(days=days) if days is not None else knox_settings.TOKEN_TTL
        instance, token = get_token_model().objects.create(user=user, expiry=ttl)
        expires = (
            f"expires {instance.expiry:%Y-%m-%d %H:%M} UTC" if instance.expiry else "never expires"
        )
        roles = ", ".join(user.groups.order_by("name").values_list("name", flat=True)) or "no role"
        self.stdout.write(
            f"API token for {username} ({roles}); it {expires}. It is shown only now: "
            "send it as “Authorization: Token <token>”.\n"
            f"{token}"
        )
