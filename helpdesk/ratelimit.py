"""Fixed-window rate limits on the shared cache (Redis in production).

For actions that write (opening tickets, replying, uploading): generous enough for a person,
tight enough that a script or a stuck browser cannot flood a help desk. While Redis is
unreachable the cache (helpdesk.cache) counts in each process, so the limits still hold there
and a write never fails for want of Redis.
"""

import time

from django.core.cache import cache


def limit_exceeded(*, scope: str, key, limit: int, window_seconds: int) -> bool:
    """Count one hit for ``key`` and say whether it went over ``limit`` in this window."""
    window = int(time.time() // window_seconds)
    cache_key = f"ratelimit:{scope}:{key}:{window}"
    if cache.add(cache_key, 1, timeout=window_seconds + 5):
        return limit < 1
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=window_seconds + 5)
        count = 1
    return count > limit
