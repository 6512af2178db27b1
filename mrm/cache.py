"""A Redis cache that degrades instead of failing: a Redis outage is a cache miss, not a 500.

The cache holds nothing that must survive (the help pages' map, throttle
counters, the scheduler's heartbeat), so with Redis down every read misses,
every write is dropped, and pages, the API and sign-in keep working. After a
failure the cache stops asking Redis for ``DOWN_PAUSE`` seconds (a fixed
option, default 5), so a Redis that hangs instead of refusing costs one
timeout, not one per cache call. The health page asks :meth:`ping`, which
does raise.

Note for throttles that count in the cache: while Redis is down they count
nothing (fail open); lockout after failed sign-ins is kept in the database
(django-axes) and is not affected.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger("mrm.cache")

_MISSING = object()


class CacheUnavailable(ValueError):
    """``incr`` while Redis does not answer: a ValueError like a missing key (Django's contract), told apart."""


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS") or {})
        self.down_pause = float(options.pop("DOWN_PAUSE", 5))
        params["OPTIONS"] = options
        super().__init__(server, params)
        self._down_until = 0.0
        self._lock = threading.Lock()

    # --- the guard -------------------------------------------------------------------------------

    def _available(self) -> bool:
        return time.monotonic() >= self._down_until

    def _failed(self, operation: str, exc: Exception) -> None:
        with self._lock:
            was_up = self._available()
            self._down_until = time.monotonic() + self.down_pause
        if was_up:
            logger.warning("cache: Redis failed on %s (%s); serving without the cache for now", operation, exc)

    def _guarded(self, operation: str, call, fallback):
        if not self._available():
            return fallback
        try:
            return call()
        except (RedisError, OSError) as exc:
            self._failed(operation, exc)
            return fallback

    def ping(self) -> bool:
        """Ask Redis directly (the health page); raises when it does not answer."""
        return self._cache.get_client(write=True).ping()

    # --- the cache API, each call guarded ----------------------------------------------------------

    def get(self, key, default=None, version=None):
        return self._guarded("get", lambda: super(ResilientRedisCache, self).get(key, default, version), default)

    def get_many(self, keys, version=None):
        return self._guarded("get_many", lambda: super(ResilientRedisCache, self).get_many(keys, version), {})

    def has_key(self, key, version=None):
        return self._guarded("has_key", lambda: super(ResilientRedisCache, self).has_key(key, version), False)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded("add", lambda: super(ResilientRedisCache, self).add(key, value, timeout, version), False)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded("set", lambda: super(ResilientRedisCache, self).set(key, value, timeout, version), None)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(
            "set_many", lambda: super(ResilientRedisCache, self).set_many(data, timeout, version), list(data)
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded("touch", lambda: super(ResilientRedisCache, self).touch(key, timeout, version), False)

    def delete(self, key, version=None):
        return self._guarded("delete", lambda: super(ResilientRedisCache, self).delete(key, version), False)

    def delete_many(self, keys, version=None):
        return self._guarded("delete_many", lambda: super(ResilientRedisCache, self).delete_many(keys, version), None)

    def incr(self, key, delta=1, version=None):
        value = self._guarded("incr", lambda: super(ResilientRedisCache, self).incr(key, delta, version), _MISSING)
        if value is _MISSING:
            raise CacheUnavailable(f"Key '{key}' not found (the cache is unavailable).")
        return value

    def clear(self):
        return self._guarded("clear", lambda: super(ResilientRedisCache, self).clear(), None)
