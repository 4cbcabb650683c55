"""Small shared state for the API (throttle counters, cached permission sets).

With Redis (REDIS_URL) this talks to it directly, on the cache's database and key
prefix, through one client per process: one round trip per operation, and pipelines
where an operation needs two commands. Django's cache API would make a new Redis
client object on every call, which costs more than the round trip. Values are JSON.
Without Redis, it is the Django cache (memory, per process), with the same meaning.
"""

from __future__ import annotations

import json
from typing import Any

import redis
from django.conf import settings
from django.core.cache import cache

PREFIX = "verifier:"
# What the callers catch when Redis is down (they degrade rather than fail the request).
Unavailable = (redis.RedisError, OSError)
_client: redis.Redis | None = None


def client() -> redis.Redis:
    global _client
    if _client is None:
        _client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2
        )
    return _client


def get_many(keys: list[str]) -> list[Any]:
    """The values of ``keys``, None for those missing, in one round trip."""
    if settings.REDIS_URL:
        raw = client().mget([PREFIX + key for key in keys])
        return [None if value is None else json.loads(value) for value in raw]
    found = cache.get_many(keys)
    return [found.get(key) for key in keys]


def put(key: str, value: Any, seconds: int) -> None:
    if settings.REDIS_URL:
        client().set(PREFIX + key, json.dumps(value), ex=seconds)
    else:
        cache.set(key, value, seconds)


def incr(key: str, seconds: int | None = None) -> int:
    """Add one to a counter (created at 1) and return it; ``seconds`` sets its expiry once."""
    if settings.REDIS_URL:
        pipe = client().pipeline(transaction=False)
        pipe.incr(PREFIX + key)
        if seconds is not None:
            pipe.expire(PREFIX + key, seconds, nx=True)
        return int(pipe.execute()[0])
    if cache.add(key, 1, timeout=seconds):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=seconds)
        return 1


def delete(key: str) -> None:
    if settings.REDIS_URL:
        client().delete(PREFIX + key)
    cache.delete(key)
