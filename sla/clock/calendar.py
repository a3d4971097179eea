"""Calendars: weekly open hours in a time zone, minus holidays; or the 24/7 clock."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from ..words import gettext
from .units import _EPOCH_ORDINAL, DAY, DAY_SECONDS, US, WEEKDAY_NAMES
from .zones import _zone_table, _ZoneTable


def seconds_of_day(value: time | str, *, is_end: bool = False) -> int:
    """Seconds since local midnight; an end of 00:00 means midnight at the end of the day."""
    if isinstance(value, str):
        value = time.fromisoformat(value)
    seconds = value.hour * 3600 + value.minute * 60 + value.second
    if is_end and seconds == 0:
        return DAY_SECONDS
    return seconds


def weekly_interval_errors(intervals: Iterable[tuple[int, int, int]]) -> list[str]:
    """Problems with weekly open intervals given as (weekday, start_second, end_second).

    Weekday 0 is Monday. Intervals must be non-empty and must not overlap on the same day;
    touching intervals (12:00–13:00 and 13:00–17:00) are fine.
    """
    errors = []
    by_day: dict[int, list[tuple[int, int]]] = {}
    for weekday, start, end in intervals:
        if not 0 <= weekday <= 6:
            errors.append(
                gettext("Weekday %(weekday)s is not between 0 (Monday) and 6 (Sunday).")
                % {"weekday": weekday}
            )
            continue
        if not 0 <= start < end <= DAY_SECONDS:
            errors.append(
                gettext("%(day)s %(start)s–%(end)s: the start must be before the end.")
                % {"day": weekday_name(weekday), "start": _hhmm(start), "end": _hhmm(end)}
            )
            continue
        by_day.setdefault(weekday, []).append((start, end))
    for weekday in sorted(by_day):
        spans = sorted(by_day[weekday])
        for (s1, e1), (s2, e2) in zip(spans, spans[1:], strict=False):
            if s2 < e1:
                errors.append(
                    gettext("%(day)s %(start)s–%(end)s overlaps %(other_start)s–%(other_end)s.")
                    % {
                        "day": weekday_name(weekday),
                        "start": _hhmm(s1),
                        "end": _hhmm(e1),
                        "other_start": _hhmm(s2),
                        "other_end": _hhmm(e2),
                    }
                )
    return errors


@dataclass(frozen=True)
class Calendar:
    """A clock for SLA targets.

    ``weekly`` holds, for Monday (index 0) to Sunday (6), the open intervals of that day as
    (start, end) seconds of local wall-clock time; an end of 86400 is midnight. ``holidays``
    are local dates on which nothing is open. ``business_day_minutes`` is the length of one
    "business day" target. An ``always_open`` calendar is the 24/7 clock: no intervals, no
    holidays, real elapsed time.
    """

    tz: str
    weekly: tuple[tuple[tuple[int, int], ...], ...] = ((),) * 7
    holidays: frozenset[date] = frozenset()
    business_day_minutes: int = 8 * 60
    always_open: bool = False

    def __post_init__(self):
        ZoneInfo(self.tz)  # raises for an unknown zone
        if self.business_day_minutes <= 0:
            raise ValueError("A business day must last at least a minute.")
        if self.always_open:
            return
        if len(self.weekly) != 7:
            raise ValueError("Weekly hours need seven days, Monday first.")
        flat = [(day, s, e) for day, spans in enumerate(self.weekly) for s, e in spans]
        errors = weekly_interval_errors(flat)
        if errors:
            raise ValueError(" ".join(errors))
        if not flat:
            raise ValueError("A business calendar needs at least one open interval a week.")

    # ---- constructors ------------------------------------------------------------------------

    @classmethod
    def from_hours(
        cls,
        tz: str,
        hours: Mapping[int, Iterable[tuple[time | str, time | str]]],
        *,
        holidays: Iterable[date] = (),
        business_day_minutes: int | None = None,
    ) -> Calendar:
        """``Calendar.from_hours("America/Los_Angeles", {d: [("08:00", "17:00")] for d in
        range(5)})``; the business day defaults to the longest day's open time."""
        weekly = []
        for day in range(7):
            spans = sorted(
                (seconds_of_day(s), seconds_of_day(e, is_end=True)) for s, e in hours.get(day, ())
            )
            weekly.append(tuple(spans))
        if business_day_minutes is None:
            longest = max(sum(e - s for s, e in spans) for spans in weekly)
            business_day_minutes = max(longest // 60, 1)
        return cls(
            tz=tz,
            weekly=tuple(weekly),
            holidays=frozenset(holidays),
            business_day_minutes=business_day_minutes,
        )

    @classmethod
    def twenty_four_seven(cls, tz: str = "UTC") -> Calendar:
        """The 24/7 clock. The zone only matters for how times are described."""
        return cls(tz=tz, business_day_minutes=24 * 60, always_open=True)

    # ---- derived tables (computed once per calendar object) ---------------------------------

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    @cached_property
    def _table(self) -> _ZoneTable:
        return _zone_table(self.tz)

    @cached_property
    def _spans_us(self) -> tuple[tuple[tuple[int, int], ...], ...]:
        return tuple(tuple((s * US, e * US) for s, e in spans) for spans in self.weekly)

    @cached_property
    def _day_totals(self) -> tuple[int, ...]:
        return tuple(sum(e - s for s, e in spans) for spans in self._spans_us)

    @cached_property
    def _day_prefix(self) -> tuple[int, ...]:
        prefix = [0]
        for total in self._day_totals:
            prefix.append(prefix[-1] + total)
        return tuple(prefix)

    @cached_property
    def _holiday_table(self) -> tuple[list[int], list[int]]:
        """Sorted holiday ordinals and the open time lost before each (a prefix sum)."""
        ordinals = sorted(d.toordinal() for d in self.holidays)
        lost = [0]
        for ordinal in ordinals:
            lost.append(lost[-1] + self._day_totals[(ordinal - 1) % 7])
        return ordinals, lost

    @property
    def business_day(self) -> timedelta:
        return timedelta(minutes=self.business_day_minutes)

    @property
    def weekly_open(self) -> timedelta:
        if self.always_open:
            return timedelta(days=7)
        return timedelta(microseconds=self._day_prefix[7])

    # ---- business position on the wall clock ------------------------------------------------

    def _open_until(self, weekday: int, sod: int) -> int:
        """Open time on ``weekday`` from midnight until ``sod`` (microseconds)."""
        total = 0
        for start, end in self._spans_us[weekday]:
            if sod <= start:
                break
            total += (sod if sod < end else end) - start
        return total

    def _position(self, wall: int) -> int:
        """Business microseconds from the calendar's origin to local wall time ``wall``."""
        day, sod = divmod(wall, DAY)
        ordinal = day + _EPOCH_ORDINAL
        week, weekday = divmod(ordinal - 1, 7)
        ordinals, lost = self._holiday_table
        k = bisect.bisect_left(ordinals, ordinal)
        position = week * self._day_prefix[7] + self._day_prefix[weekday] - lost[k]
        if k < len(ordinals) and ordinals[k] == ordinal:
            return position  # nothing opens on a holiday
        return position + self._open_until(weekday, sod)

    def _position_ignoring_holidays_inverse(self, target: int) -> int:
        """The earliest wall time at which the holiday-free position reaches ``target`` (> 0)."""
        week_total = self._day_prefix[7]
        week, rest = divmod(target - 1, week_total)
        rest += 1  # 1 ≤ rest ≤ week_total: an exact end lands on a closing time
        weekday = bisect.bisect_left(self._day_prefix, rest, 1) - 1
        rest -= self._day_prefix[weekday]
        for start, end in self._spans_us[weekday]:
            if rest <= end - start:
                sod = start + rest
                break
            rest -= end - start
        else:  # pragma: no cover - the prefix sums guarantee a span
            raise AssertionError("business time beyond the day's open intervals")
        ordinal = week * 7 + weekday + 1
        return (ordinal - _EPOCH_ORDINAL) * DAY + sod

    def _wall_at_position(self, target: int, floor_wall: int) -> int:
        """The earliest wall time with ``_position(wall) >= target``, at or after
        ``floor_wall``'s date.

        Each pass assumes the holidays found so far and lands on a wall time; if the
        holidays up to that date lose no more than assumed, it is the answer. Otherwise the
        answer lies later and the pass repeats with the larger loss, so there is at most one
        pass per holiday crossed.
        """
        ordinals, lost = self._holiday_table
        floor_ordinal = floor_wall // DAY + _EPOCH_ORDINAL
        loss = lost[bisect.bisect_left(ordinals, floor_ordinal)]
        while True:
            wall = self._position_ignoring_holidays_inverse(target + loss)
            reached = lost[bisect.bisect_right(ordinals, wall // DAY + _EPOCH_ORDINAL)]
            if reached == loss:
                return wall
            loss = reached

    # ---- the operations, in microseconds ----------------------------------------------------

    def add_us(self, start: int, amount: int) -> int:
        """The earliest instant (UTC microseconds) at which ``amount`` business microseconds
        have elapsed since ``start``."""
        if amount < 0:
            raise ValueError("Cannot add a negative duration.")
        if self.always_open or amount == 0:
            return start + amount
        table = self._table
        wall = table.wall(start)
        target = self._position(wall) + amount
        return table.instant(self._wall_at_position(target, wall))

    def between_us(self, start: int, end: int) -> int:
        """Business microseconds between two instants (0 when ``end`` is not after ``start``)."""
        if end <= start:
            return 0
        if self.always_open:
            return end - start
        table = self._table
        return self._position(table.wall(end)) - self._position(table.wall(start))

    # ---- description ------------------------------------------------------------------------

    def describe(self) -> str:
        """e.g. "Mon–Fri 08:00–17:00 (America/Los_Angeles)" or "24/7"."""
        if self.always_open:
            return gettext("24/7 (real elapsed time)")
        groups: list[tuple[int, int, tuple]] = []
        for day, spans in enumerate(self.weekly):
            if groups and groups[-1][2] == spans and groups[-1][1] == day - 1:
                groups[-1] = (groups[-1][0], day, spans)
            else:
                groups.append((day, day, spans))
        parts = []
        for first, last, spans in groups:
            if not spans:
                continue
            days = weekday_name(first) + (f"–{weekday_name(last)}" if last > first else "")
            hours = ", ".join(f"{_hhmm(s)}–{_hhmm(e)}" for s, e in spans)
            parts.append(f"{days} {hours}")
        return f"{'; '.join(parts)} ({self.tz})"


def weekday_name(weekday: int) -> str:
    """ "Mon" (Monday is 0), in the active language ("lun")."""
    return gettext(WEEKDAY_NAMES[weekday])


def _hhmm(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    return f"{hours:02d}:{rest // 60:02d}"
