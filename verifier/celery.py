"""The Celery application: workers and beat read their configuration from settings.py.

Its broker connection is ``verifier.broker``'s: it outlives a Redis outage.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "verifier.settings")

app = Celery("verifier", amqp="verifier.broker:BrokerAMQP")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
