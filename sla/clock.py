"""Business-time arithmetic: pure functions over frozen calendars.

No ORM, no settings: the standard library and ``zoneinfo`` only, so everything that needs a
due time (tickets, escalation, the ``sla_due`` command, benchmarks) computes the same answer.

How time is measured
--------------------
* A **24/7** calendar (``always_open``) counts real elapsed time: across a daylight-saving
  change "1 hour" is 3600 real seconds.
* A **business** calendar counts time on the calendar's local wall clock, inside its weekly
  open intervals, on dates that are not holidays. Opening hours of 08:00–17:00 are 9 business
  hours on every weekday, whatever the UTC offset. Where a daylight-saving change falls inside
  open hours (only calendars open around 02:00 notice it) the wall clock decides: a skipped hour
  elapses at once when the clocks jump forward, and a repeated hour is counted once when they
  fall back (the clock waits until the wall clock passes where it has already been).
* The **due time** is the earliest instant at which the target's business time has elapsed:
  a target that runs out exactly at closing time is due at closing time, not at the next
  opening.

How it stays fast
-----------------
Business time is a monotone function of the local wall clock, computed in closed form: whole
weeks are multiplied out, the open time of the days before the one in question comes from a
prefix sum, and holidays subtract their day's open time through a prefix sum over the sorted
holiday dates. Inverting it (adding business time) takes one division plus one pass per
holiday crossed. UTC offsets come from a table of the zone's transitions built once per zone
and process. A 10-business-day target costs a handful of steps, never a walk over minutes.

All arithmetic is in integer microseconds, so results are exact.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from threading import Lock
from zoneinfo import ZoneInfo

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

Pause = tuple[datetime, datetime | None]


# --------------------------------------------------------------------------------------------
# Calendars
# --------------------------------------------------------------------------------------------


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
            errors.append(f"Weekday {weekday} is not between 0 (Monday) and 6 (Sunday).")
            continue
        if not 0 <= start < end <= DAY_SECONDS:
            errors.append(
                f"{WEEKDAY_NAMES[weekday]} {_hhmm(start)}–{_hhmm(end)}: "
                "the start must be before the end."
            )
            continue
        by_day.setdefault(weekday, []).append((start, end))
    for weekday in sorted(by_day):
        spans = sorted(by_day[weekday])
        for (s1, e1), (s2, e2) in zip(spans, spans[1:], strict=False):
            if s2 < e1:
                errors.append(
                    f"{WEEKDAY_NAMES[weekday]} {_hhmm(s1)}–{_hhmm(e1)} overlaps "
                    f"{_hhmm(s2)}–{_hhmm(e2)}."
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
            return "24/7 (real elapsed time)"
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
            days = WEEKDAY_NAMES[first] + (f"–{WEEKDAY_NAMES[last]}" if last > first else "")
            hours = ", ".join(f"{_hhmm(s)}–{_hhmm(e)}" for s, e in spans)
            parts.append(f"{days} {hours}")
        return f"{'; '.join(parts)} ({self.tz})"


def _hhmm(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    return f"{hours:02d}:{rest // 60:02d}"


# --------------------------------------------------------------------------------------------
# Time zones: UTC offsets from a table of transitions
# --------------------------------------------------------------------------------------------

_SAMPLE_STEP = 12 * 3600  # seconds between probes (offset changes are months apart)
_MARGIN_YEARS = 12


class _ZoneTable:
    """A zone's UTC offsets as sorted segments, built by probing ``zoneinfo``.

    ``starts[i]`` is the instant (UTC microseconds) from which ``offsets[i]`` applies. The
    local wall clock at an instant is the running maximum of local time, so it never runs
    backwards across a repeated hour; ``wall_low[i]`` is its value at ``starts[i]``. The
    tables are swapped in as one tuple, so readers never see half of a rebuild.
    """

    def __init__(self, name: str):
        self.zone = ZoneInfo(name)
        # (starts, offsets, wall_low, safe_low, safe_high); instants in [safe_low, safe_high)
        # are at least two weeks inside the built range.
        self._data: tuple = ([], [], [], 1, 0)
        self._lock = Lock()

    def _offset_at(self, seconds: int) -> int:
        moment = datetime.fromtimestamp(seconds, self.zone)
        return int(moment.utcoffset().total_seconds())

    def _cover(self, instant: int) -> tuple:
        with self._lock:
            data = self._data
            if data[3] <= instant < data[4]:
                return data
            year_seconds = 366 * DAY_SECONDS
            at = instant // US
            low = at - _MARGIN_YEARS * year_seconds
            high = at + _MARGIN_YEARS * year_seconds
            if data[0]:
                low = min(low, data[0][0] // US)
                high = max(high, (data[4] + 2 * WEEK) // US)
            self._data = self._build(low, high)
            return self._data

    def _build(self, low: int, high: int) -> tuple:
        starts = [low * US]
        offsets = [self._offset_at(low)]
        previous_at, previous = low, offsets[0]
        at = low + _SAMPLE_STEP
        while at < high:
            offset = self._offset_at(at)
            if offset != previous:
                lo, hi = previous_at, at  # offset(lo) == previous, offset(hi) == offset
                while hi - lo > 1:
                    mid = (lo + hi) // 2
                    if self._offset_at(mid) == previous:
                        lo = mid
                    else:
                        hi = mid
                starts.append(hi * US)
                offsets.append(offset)
                previous = offset
            previous_at = at
            at += _SAMPLE_STEP
        offsets_us = [o * US for o in offsets]
        wall_low = [starts[0] + offsets_us[0]]
        for i in range(1, len(starts)):
            wall_low.append(starts[i] + max(offsets_us[i], offsets_us[i - 1]))
        return starts, offsets_us, wall_low, low * US + 2 * WEEK, high * US - 2 * WEEK

    def wall(self, instant: int) -> int:
        """Local wall time (microseconds since 1970-01-01 00:00 local) at ``instant``."""
        data = self._data
        if not data[3] <= instant < data[4]:
            data = self._cover(instant)
        starts, offsets, wall_low = data[0], data[1], data[2]
        i = bisect.bisect_right(starts, instant) - 1
        wall = instant + offsets[i]
        if i and wall < wall_low[i]:
            return wall_low[i]  # the second pass through a repeated hour
        return wall

    def instant(self, wall: int) -> int:
        """The earliest instant whose wall time is at least ``wall`` (the start of a skipped
        hour for wall times that do not exist)."""
        data = self._data
        if not data[3] <= wall < data[4]:
            data = self._cover(wall)
        starts, offsets, wall_low = data[0], data[1], data[2]
        i = bisect.bisect_left(wall_low, wall) - 1
        if i < 0:  # pragma: no cover - _cover keeps a margin of years
            raise ValueError("instant outside the zone table")
        instant = wall - offsets[i]
        if i + 1 < len(starts) and instant > starts[i + 1]:
            return starts[i + 1]
        return instant


_zone_tables: dict[str, _ZoneTable] = {}


def _zone_table(name: str) -> _ZoneTable:
    table = _zone_tables.get(name)
    if table is None:
        table = _zone_tables.setdefault(name, _ZoneTable(name))
    return table


# --------------------------------------------------------------------------------------------
# Public functions on aware datetimes
# --------------------------------------------------------------------------------------------


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


def add_business_time(
    calendar: Calendar, start: datetime, duration: timedelta | int | float
) -> datetime:
    """The earliest instant (UTC) at which ``duration`` of business time has elapsed since
    ``start``. A start outside open hours begins counting at the next opening."""
    return from_us(calendar.add_us(to_us(start), duration_us(duration)))


def business_time_between(calendar: Calendar, start: datetime, end: datetime) -> timedelta:
    """Business time elapsed from ``start`` to ``end`` (zero if ``end`` is not later)."""
    return timedelta(microseconds=calendar.between_us(to_us(start), to_us(end)))


def merge_pauses_us(
    spans: Iterable[tuple[int, int | None]], start: int
) -> list[tuple[int, int | None]]:
    """Pauses in microseconds as sorted, non-overlapping (start, end-or-None) pairs from
    ``start`` on; nothing after an open-ended pause matters."""
    clipped = []
    for a, b in spans:
        if b is not None and b < a:
            raise ValueError("A pause ends before it starts.")
        if b is not None and b <= start:
            continue
        clipped.append((a if a > start else start, b))
    clipped.sort(key=lambda span: span[0])
    merged: list[tuple[int, int | None]] = []
    for a, b in clipped:
        if merged:
            last_a, last_b = merged[-1]
            if last_b is None:
                break
            if a <= last_b:
                merged[-1] = (last_a, None if b is None else max(last_b, b))
                continue
        merged.append((a, b))
    return merged


def _merged_pauses(pauses: Iterable[Pause], start: int) -> list[tuple[int, int | None]]:
    return merge_pauses_us(((to_us(a), None if b is None else to_us(b)) for a, b in pauses), start)


def due_us(
    calendar: Calendar, start: int, amount: int, pauses: Sequence[tuple[int, int | None]]
) -> int | None:
    """``due_at`` in microseconds, with pauses already merged by ``_merged_pauses``."""
    current, remaining = start, amount
    for pause_start, pause_end in pauses:
        if pause_start > current:
            candidate = calendar.add_us(current, remaining)
            if candidate <= pause_start:
                return candidate
            remaining -= calendar.between_us(current, pause_start)
        if pause_end is None:
            return None
        current = max(current, pause_end)
    return calendar.add_us(current, remaining)


def due_at(
    calendar: Calendar,
    start: datetime,
    duration: timedelta | int | float,
    pauses: Iterable[Pause] = (),
) -> datetime | None:
    """When ``duration`` of business time has run on a clock started at ``start`` that stands
    still during ``pauses`` ((start, end) real intervals; an end of None is still going).

    Each pause pushes the due time out by the business time that passed during it. Returns
    None while an open-ended pause holds the clock before the target has run out; a target
    that ran out before that pause keeps its due time.
    """
    begin = to_us(start)
    if not pauses:
        return from_us(calendar.add_us(begin, duration_us(duration)))
    result = due_us(calendar, begin, duration_us(duration), _merged_pauses(pauses, begin))
    return None if result is None else from_us(result)


def elapsed_us(
    calendar: Calendar, start: int, end: int, pauses: Sequence[tuple[int, int | None]]
) -> int:
    """``business_time_elapsed`` in microseconds, with pauses merged by ``_merged_pauses``."""
    total = calendar.between_us(start, end)
    for pause_start, pause_end in pauses:
        if pause_start >= end:
            break
        stop = end if pause_end is None or pause_end > end else pause_end
        total -= calendar.between_us(pause_start, stop)
    return total


def business_time_elapsed(
    calendar: Calendar, start: datetime, end: datetime, pauses: Iterable[Pause] = ()
) -> timedelta:
    """Business time the clock has run from ``start`` to ``end``, not counting pauses."""
    begin = to_us(start)
    return timedelta(
        microseconds=elapsed_us(calendar, begin, to_us(end), _merged_pauses(pauses, begin))
    )


def next_open(calendar: Calendar, moment: datetime) -> datetime:
    """The instant the clock next runs at or after ``moment`` (``moment`` itself if open)."""
    if calendar.always_open:
        return moment.astimezone(UTC)
    instant = to_us(moment)
    table = calendar._table
    wall = table.wall(instant)
    position = calendar._position(wall)
    # The first wall time past ``position`` is where a microsecond of business time has run;
    # the opening is one microsecond before it.
    opening_wall = calendar._wall_at_position(position + 1, wall) - 1
    if opening_wall <= wall:
        return from_us(instant)
    return from_us(table.instant(opening_wall))


def local_wall_time(calendar: Calendar, moment: datetime) -> datetime:
    """The calendar's local wall-clock time at ``moment`` (naive)."""
    return _EPOCH_NAIVE + timedelta(microseconds=calendar._table.wall(to_us(moment)))
