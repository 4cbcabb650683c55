"""Rate limits per user, counted in the cache (Redis when REDIS_URL is set).

A fixed window per user (per client address for anonymous requests): one counter key
per window (``claims.api.store``: with Redis, INCR and EXPIRE in one round trip).
DRF's stock throttle keeps a list of every request time in one cache value and
rewrites it on each request, which grows with the rate.
The price of a fixed window is that a client may spend two windows' worth around a
boundary; for a limit meant to stop runaway scripts that is fine. If Redis is down,
requests are let through (and logged): the throttle must not take the API down.

The rate is ``DEFAULT_THROTTLE_RATES["user"]`` (``API_THROTTLE_RATE``), e.g.
``2000/minute``. Over it, the answer is 429 with ``Retry-After``: the seconds until
the window ends.
"""

from __future__ import annotations

import logging
import math
import time
from typing import Any

from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from claims.api import store

logger = logging.getLogger(__name__)

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def now() -> float:
    return time.time()


def parse_rate(rate: str) -> tuple[int, int]:
    """Parse a rate like "2000/minute" into (2000, 60): as DRF, the period's first letter."""
    number, _, period = rate.partition("/")
    return int(number), PERIODS[period.strip()[0].lower()]


def cache_key(ident: str, number: int, period: int, window: int) -> str:
    # The limit is part of the key so that changing it starts fresh counts.
    return f"api-throttle:{ident}:{number}/{period}:{window}"


def forget(key: str) -> None:
    """Drop a counter (tests start from zero on a shared Redis)."""
    store.delete(key)


class UserRateThrottle(BaseThrottle):
    scope = "user"

    def __init__(self) -> None:
        self.wait_seconds: float | None = None

    def ident_for(self, request: Request) -> str:
        user = request.user
        if user is not None and user.is_authenticated:
            return f"user-{user.pk}"
        return f"addr-{self.get_ident(request)}"

    def allow_request(self, request: Request, view: Any) -> bool:
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        if not rate:
            return True
        number, period = parse_rate(rate)
        moment = now()
        window = int(moment // period)
        key = cache_key(self.ident_for(request), number, period, window)
        try:
            count = store.incr(key, seconds=period + 1)
        except store.Unavailable:
            logger.exception("Throttle counter unavailable; letting the request through.")
            return True
        if count <= number:
            return True
        self.wait_seconds = max(1.0, math.ceil((window + 1) * period - moment))
        return False

    def wait(self) -> float | None:
        return self.wait_seconds
