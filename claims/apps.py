"""App configuration for claims: says once at start-up where tasks run."""

import importlib
import logging
import os
import sys

from django.apps import AppConfig
from django.conf import settings

logger = logging.getLogger("verifier")


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Claims desk"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from claims.roles import sync_roles_after_migrate

        # After auth's own handler has made this app's permissions.
        post_migrate.connect(sync_roles_after_migrate, sender=self)

        # Services queue tasks by name (claims.queueing), never importing them: every
        # process that may queue one must know it.
        importlib.import_module("claims.tasks")

        # runserver's autoreloader starts the app twice; speak only in the serving child.
        if "runserver" in sys.argv and os.environ.get("RUN_MAIN") != "true":
            return
        if settings.TASKS_IN_PROCESS and any(cmd in sys.argv for cmd in ("runserver", "gunicorn")):
            logger.warning(
                "REDIS_URL is not set: conflict rechecks run in this process right after "
                "each change commits. Set REDIS_URL and run Celery workers to move them out."
            )
