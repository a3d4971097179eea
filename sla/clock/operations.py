"""The operations on aware datetimes: add business time, measure it, due times with pauses."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta

from .calendar import Calendar
from .units import _EPOCH_NAIVE, duration_us, from_us, to_us

Pause = tuple[datetime, datetime | None]


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
