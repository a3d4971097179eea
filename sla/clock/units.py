"""Units and conversions shared by the clock: integer microseconds, exact."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

US = 1_000_000  # microseconds in a second
MINUTE = 60 * US
HOUR = 60 * MINUTE
DAY = 24 * HOUR
WEEK = 7 * DAY
DAY_SECONDS = 86_400

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_NAIVE = datetime(1970, 1, 1)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def to_us(moment: datetime) -> int:
    """An aware datetime as microseconds since the Unix epoch."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"An aware datetime is needed, got {moment!r}.")
    delta = moment - _EPOCH
    return (delta.days * DAY_SECONDS + delta.seconds) * US + delta.microseconds


def from_us(instant: int) -> datetime:
    """Microseconds since the Unix epoch as an aware UTC datetime."""
    return _EPOCH + timedelta(microseconds=instant)


def duration_us(duration: timedelta | int | float) -> int:
    """A timedelta, or a number of seconds, as microseconds."""
    if isinstance(duration, timedelta):
        return (duration.days * DAY_SECONDS + duration.seconds) * US + duration.microseconds
    return round(duration * US)
