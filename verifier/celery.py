"""The Celery application: workers and beat read their configuration from settings.py.

Its broker connection is ``verifier.broker``'s: it outlives a Redis outage.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "verifier.settings")
# Celery runs Django's system checks when a worker starts, and the checks of the
# claims' generated columns ask PostgreSQL its version: with the database down, the
# worker would die at start instead of waiting for it. The checks run at deploy
# (manage.py check --deploy) and in CI.
os.environ.setdefault("CELERY_SKIP_CHECKS", "1")

app = Celery("verifier", amqp="verifier.broker:BrokerAMQP")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
