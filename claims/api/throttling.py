"""Rate limits per user: DRF's ``UserRateThrottle``, counted in Django's cache (Redis
when REDIS_URL is set), at ``DEFAULT_THROTTLE_RATES["user"]`` (``API_THROTTLE_RATE``).

Over the rate the answer is 429 with ``Retry-After``. One change to DRF's: when the
cache is down, requests are let through (and logged), because a limit meant to stop
runaway scripts must not take the API down with Redis.
"""

from __future__ import annotations

import logging
from typing import Any

import redis
from rest_framework import throttling
from rest_framework.request import Request

logger = logging.getLogger(__name__)


class UserRateThrottle(throttling.UserRateThrottle):
    def allow_request(self, request: Request, view: Any) -> bool:
        try:
            return super().allow_request(request, view)
        except (redis.RedisError, OSError):
            logger.warning("Throttle cache unavailable; letting the request through.")
            return True
