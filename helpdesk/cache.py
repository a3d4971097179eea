"""A Redis cache that keeps the site working while Redis is away.

Everything the cache holds here can be rebuilt or is a safety limit (rate-limit counters,
two-factor lock-outs, allauth's sign-in limits, "are there public articles", tenant cache
versions), so an unreachable Redis must never turn a sign-in or a reply into a 500. When a
call fails (no connection, a timeout, a node that refuses to serve), the backend logs a
warning (at most once a minute) and serves that call, and every call for the next few
seconds, from a cache of its own process: counters keep counting there, reads miss or see
what this process wrote meanwhile. Then it tries Redis again. When Redis answers again the
local copy is dropped (so a later outage cannot bring back stale values) and the deletions
(or a clear) made meanwhile are replayed, so an invalidation (an article published, a lock
lifted) is not lost.

Short socket timeouts make a dead Redis cost milliseconds, not the operating system's
connect timeout.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid

from django.core.cache import cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What "Redis cannot serve us" looks like: refused, dropped or timed-out connections, a node
# still loading its data, a replica refusing writes after a failover, out of memory (OOM) or
# unable to persist (MISCONF). Errors of our own code are not Redis errors and still raise.
UNREACHABLE = (RedisError, OSError)

SOCKET_DEFAULTS = {"socket_connect_timeout": 0.5, "socket_timeout": 1.0}
# Deletions remembered for replay; past this many the oldest are dropped (they expire anyway).
MAX_PENDING_DELETES = 10_000


def _raw_key(key, key_prefix, version):
    # The local cache stores the keys exactly as Redis would (prefix and version included).
    return key


class KeptClientRedisCacheClient(RedisCacheClient):
    """Django's Redis client, keeping one ``redis.Redis`` per server instead of building one
    (with its table of response callbacks) for every call: a signed-in page makes several
    cache calls. redis-py clients are safe to share between threads; connections come from
    the pool per command."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._client(connection_pool=self._get_connection_pool(write))
            self._clients[index] = client
        return client


class FailOpenRedisCache(RedisCache):
    """Django's RedisCache, falling back to a per-process cache while Redis is unreachable.

    OPTIONS are redis-py connection options as for RedisCache, plus ``retry_after``
    (seconds between attempts to reach Redis again while it is down, default 5) and
    ``warning_interval`` (seconds between two warnings in the log, default 60).
    """

    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS") or {})
        self.retry_after = float(options.pop("retry_after", 5))
        self.warning_interval = float(options.pop("warning_interval", 60))
        params["OPTIONS"] = {**SOCKET_DEFAULTS, **options}
        super().__init__(server, params)
        # RedisCache.__init__ names its client class on the instance.
        self._class = KeptClientRedisCacheClient
        self._local = LocMemCache(
            f"fail-open-{id(self)}",
            {"TIMEOUT": params.get("TIMEOUT", 300), "KEY_FUNCTION": _raw_key},
        )
        self._state_lock = threading.Lock()
        self._down_until = 0.0
        self._down_since: float | None = None
        self._last_warning = float("-inf")
        self._pending_deletes: dict[str, None] = {}
        self._pending_clear = False

    # -- state ------------------------------------------------------------------------

    @property
    def available(self) -> bool:
        """False while this process serves from its fallback."""
        return self._down_since is None

    def ping(self) -> None:
        """Ask Redis itself (no fallback); raises when it does not answer."""
        self._cache.get_client(write=True).ping()

    def _run(self, remote, local):
        if time.monotonic() < self._down_until:
            return local()
        try:
            result = remote()
        except UNREACHABLE as error:
            self._went_down(error)
            return local()
        if self._down_since is not None:
            self._came_back()
        return result

    def _went_down(self, error: Exception) -> None:
        now = time.monotonic()
        with self._state_lock:
            self._down_until = now + self.retry_after
            if self._down_since is None:
                self._down_since = now
            warn = now - self._last_warning >= self.warning_interval
            if warn:
                self._last_warning = now
        if warn:
            logger.warning(
                "Cache unavailable (%s: %s); this process uses a local cache until it is "
                "back (rate limits count per process meanwhile).",
                type(error).__name__,
                error,
            )

    def _came_back(self) -> None:
        with self._state_lock:
            if self._down_since is None:
                return
            outage = time.monotonic() - self._down_since
            self._down_since = None
            pending = list(self._pending_deletes)
            self._pending_deletes.clear()
            pending_clear, self._pending_clear = self._pending_clear, False
        self._local.clear()
        if pending_clear or pending:
            try:
                if pending_clear:
                    self._cache.clear()
                else:
                    self._cache.delete_many(pending)
            except UNREACHABLE as error:
                if pending_clear:
                    self._pending_clear = True
                self._remember_deletes(pending)
                self._went_down(error)
                return
        logger.warning("Cache reachable again after %.0f s.", outage)

    def _remember_deletes(self, keys) -> None:
        with self._state_lock:
            for key in keys:
                self._pending_deletes[key] = None
            while len(self._pending_deletes) > MAX_PENDING_DELETES:
                del self._pending_deletes[next(iter(self._pending_deletes))]

    # -- the cache API ----------------------------------------------------------------

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        return self._run(
            lambda: self._cache.add(key, value, self.get_backend_timeout(timeout)),
            lambda: self._local.add(key, value, timeout),
        )

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        return self._run(
            lambda: self._cache.get(key, default), lambda: self._local.get(key, default)
        )

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        self._run(
            lambda: self._cache.set(key, value, self.get_backend_timeout(timeout)),
            lambda: self._local.set(key, value, timeout),
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        return self._run(
            lambda: self._cache.touch(key, self.get_backend_timeout(timeout)),
            lambda: self._local.touch(key, timeout),
        )

    def delete(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        return self._run(lambda: self._cache.delete(key), lambda: self._local_delete([key]))

    def get_many(self, keys, version=None):
        key_map = {self.make_and_validate_key(key, version=version): key for key in keys}
        found = self._run(
            lambda: self._cache.get_many(key_map.keys()),
            lambda: self._local.get_many(key_map.keys()),
        )
        return {key_map[k]: v for k, v in found.items()}

    def has_key(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        return self._run(lambda: self._cache.has_key(key), lambda: self._local.has_key(key))

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        return self._run(lambda: self._cache.incr(key, delta), lambda: self._local.incr(key, delta))

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        if not data:
            return []
        safe_data = {self.make_and_validate_key(k, version=version): v for k, v in data.items()}
        self._run(
            lambda: self._cache.set_many(safe_data, self.get_backend_timeout(timeout)),
            lambda: self._local.set_many(safe_data, timeout),
        )
        return []

    def delete_many(self, keys, version=None):
        if not keys:
            return
        safe_keys = [self.make_and_validate_key(key, version=version) for key in keys]
        self._run(lambda: self._cache.delete_many(safe_keys), lambda: self._local_delete(safe_keys))

    def clear(self):
        return self._run(self._cache.clear, self._local_clear)

    def _local_delete(self, keys) -> bool:
        self._remember_deletes(keys)
        return any([self._local.delete(key) for key in keys])

    def _local_clear(self) -> bool:
        with self._state_lock:
            self._pending_clear = True
            self._pending_deletes.clear()
        self._local.clear()
        return True


def shared_tokens(keys: list[str]) -> dict[str, str | None]:
    """``shared_token`` of each of ``keys`` in one cache read when they all exist (the
    requests that read several)."""
    try:
        found = cache.get_many(keys)
    except Exception:  # noqa: BLE001 - the cache is away: the callers load from the database
        return dict.fromkeys(keys)
    return {key: found.get(key) or shared_token(key) for key in keys}


def shared_token(key: str) -> str | None:
    """The token every process reads under ``key`` to tell whether what it keeps in memory
    is still current (the first reader makes it; a change deletes or replaces it). One cache
    read; None when the cache cannot say, and then the caller keeps nothing for long."""
    try:
        token = cache.get(key)
        if token is None:
            token = uuid.uuid4().hex
            if not cache.add(key, token, timeout=None):
                token = cache.get(key)
    except Exception:  # noqa: BLE001 - the cache is away: the caller loads from the database
        return None
    return token
