"""Lock-outs for two-factor codes, per account and per client address, kept in the cache
(Redis when REDIS_URL is set, so every web process shares them).

django-otp's own throttling already slows down guesses against one device (1, 2, 4, 8 …
seconds). These counters add a hard stop: after too many wrong codes in a window, code entry
is locked for a while for that account, and for that address across all accounts.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

DEFAULTS = {
    "TWO_FACTOR_FAILURES_PER_USER": 5,
    "TWO_FACTOR_FAILURES_PER_IP": 20,
    "TWO_FACTOR_FAILURE_WINDOW": 15 * 60,
    "TWO_FACTOR_LOCKOUT_SECONDS": 15 * 60,
}


def _setting(name: str) -> int:
    return int(getattr(settings, name, DEFAULTS[name]))


@dataclass
class Lockout:
    scope: str  # "user" or "ip"
    until: datetime


def _keys(scope: str, value) -> tuple[str, str]:
    return f"2fa:failures:{scope}:{value}", f"2fa:locked:{scope}:{value}"


def _scopes(user_id: int, ip: str | None) -> list[tuple[str, object, int]]:
    scopes = [("user", user_id, _setting("TWO_FACTOR_FAILURES_PER_USER"))]
    if ip:
        scopes.append(("ip", ip, _setting("TWO_FACTOR_FAILURES_PER_IP")))
    return scopes


def current_lockout(*, user_id: int, ip: str | None) -> Lockout | None:
    now = timezone.now()
    for scope, value, _limit in _scopes(user_id, ip):
        until = cache.get(_keys(scope, value)[1])
        if until is not None:
            until = datetime.fromtimestamp(until, tz=UTC)
            if until > now:
                return Lockout(scope=scope, until=until)
    return None


def record_failure(*, user_id: int, ip: str | None) -> Lockout | None:
    """Count a wrong code; returns the lock-out it started, if it started one."""
    window = _setting("TWO_FACTOR_FAILURE_WINDOW")
    started = None
    for scope, value, limit in _scopes(user_id, ip):
        count_key, lock_key = _keys(scope, value)
        cache.add(count_key, 0, timeout=window)
        try:
            count = cache.incr(count_key)
        except ValueError:  # expired between add and incr
            cache.set(count_key, 1, timeout=window)
            count = 1
        if count >= limit:
            seconds = _setting("TWO_FACTOR_LOCKOUT_SECONDS")
            until = timezone.now() + timedelta(seconds=seconds)
            cache.set(lock_key, until.timestamp(), timeout=seconds)
            cache.delete(count_key)
            started = started or Lockout(scope=scope, until=until)
    return started


def record_success(*, user_id: int) -> None:
    """A right code proves the person holds the device: their own count starts over. The
    address count stays, so one account cannot be used to reset guesses at others."""
    cache.delete(_keys("user", user_id)[0])


def clear(*, user_id: int) -> None:
    """Lift an account's lock-out (an admin reset gives the person a fresh start)."""
    for key in _keys("user", user_id):
        cache.delete(key)
