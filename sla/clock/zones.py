"""UTC offsets of a time zone from a table of its transitions, and the local wall clock."""

from __future__ import annotations

import bisect
from datetime import datetime
from threading import Lock
from zoneinfo import ZoneInfo

from .units import DAY_SECONDS, US, WEEK

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
