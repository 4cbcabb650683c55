"""The Redis broker as our workers use it: they outlive an outage of Redis.

Two gaps in kombu 5.7 / Celery 5.7 made a Redis outage stop the desk's rechecks:

- **The worker died.** When the consumer loses Redis it first ``collect()``\\s the
  connection, which detaches the transport from its kombu ``Connection`` even when
  closing the channel failed half-way (the pending BRPOP read raises). It then
  ``close()``\\s that connection again; the channel's close restores its unacknowledged
  messages (our countdown rechecks), which needs the detached transport's URL, and
  ``AttributeError: 'NoneType' object has no attribute 'hostname'`` escapes
  ``ignore_errors`` as an "Unrecoverable error": the worker exits. Upstream has met
  this error on other close paths for years (celery/kombu#582, #970; ETA tasks lost
  across a broker restart: celery/celery#1307). Our ``QoS`` skips the restore when
  there is nothing left to restore through. Nothing is lost by skipping it: with Redis
  gone the restore could not run anyway; the messages stay in Redis' ``unacked`` hash
  (redelivered after the visibility timeout if Redis kept its data), and every event
  they were for is still marked in PostgreSQL, so the sweep queues it again.
- **A long outage made the worker slow to come back.** kombu waits 2, 4, 6 ... up to
  30 s between reconnection attempts, so after a few minutes without Redis a worker
  could sit 30 s idle after Redis returned. ``Connection`` caps that wait at
  ``RECONNECT_MAX_SECONDS``: a connection attempt to a local Redis costs a refused
  TCP connect.

Wired in ``verifier/celery.py`` (``amqp=``) and settings (``CELERY_BROKER_TRANSPORT``).
A worker that exits anyway is restarted by its process manager (README, Operations).
"""

from __future__ import annotations

import logging
from typing import Any

import kombu
from celery.app.amqp import AMQP
from kombu.transport import redis

logger = logging.getLogger(__name__)

RECONNECT_MAX_SECONDS = 3.0


class QoS(redis.QoS):
    def restore_unacked(self, client: Any = None) -> Any:
        transport = self.channel.connection
        if client is None and (transport is None or transport.client is None):
            delivered: Any = self._delivered
            logger.warning(
                "Lost the broker with %d message(s) reserved; they stay in Redis' unacked "
                "set, and the sweep requeues the events they were for.",
                len(delivered),
            )
            delivered.clear()
            return None
        return super().restore_unacked(client)


class Channel(redis.Channel):
    QoS = QoS


class Transport(redis.Transport):
    Channel = Channel


class Connection(kombu.Connection):
    """kombu's connection, retrying a lost broker every few seconds at most."""

    def ensure_connection(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("interval_start", 1)
        kwargs.setdefault("interval_step", 1)
        kwargs.setdefault("interval_max", RECONNECT_MAX_SECONDS)
        return super().ensure_connection(*args, **kwargs)


class BrokerAMQP(AMQP):
    Connection = Connection
