"""Time-to-target buckets: how reports keep medians and percentiles of thousands of tickets
in a few counters per day.

A measured time (business seconds to first response or resolution) falls into one bucket
whose upper bound is the figure shown: "90 % within 4 h" means the 90th-percentile ticket
took more than 3 h and at most 4 h. Buckets are fine where targets are short and coarse
where days are the unit, so every seed's promise is a bucket bound.
"""

import math
from bisect import bisect_left
from collections.abc import Sequence

MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR

# Upper bounds (inclusive) of all buckets but the last, which holds everything longer.
BUCKET_BOUNDS: tuple[int, ...] = (
    5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 20 * MINUTE, 30 * MINUTE, 45 * MINUTE,
    1 * HOUR, 90 * MINUTE, 2 * HOUR, 3 * HOUR, 4 * HOUR, 5 * HOUR, 6 * HOUR, 8 * HOUR,
    10 * HOUR, 12 * HOUR, 16 * HOUR, 20 * HOUR, 24 * HOUR, 30 * HOUR, 36 * HOUR, 48 * HOUR,
    60 * HOUR, 72 * HOUR, 4 * DAY, 5 * DAY, 7 * DAY, 10 * DAY, 14 * DAY, 21 * DAY, 30 * DAY,
)  # fmt: skip
BUCKETS = len(BUCKET_BOUNDS) + 1


def bucket_of(seconds: int) -> int:
    """The index of the bucket ``seconds`` falls in."""
    return bisect_left(BUCKET_BOUNDS, max(int(seconds), 0))


def bucket_bound(index: int) -> int | None:
    """The upper bound of bucket ``index`` in seconds (None for the open-ended last one)."""
    return BUCKET_BOUNDS[index] if index < len(BUCKET_BOUNDS) else None


def percentile_bucket(counts: Sequence[int], fraction: float) -> int | None:
    """The bucket holding the nearest-rank ``fraction`` percentile of ``counts`` (one count
    per bucket); None when nothing was measured."""
    total = sum(counts)
    if not total:
        return None
    # Nearest rank: the smallest value with at least ``fraction`` of the values at or below.
    rank = max(1, math.ceil(round(fraction * total, 6)))
    running = 0
    for index, count in enumerate(counts):
        running += count
        if running >= rank:
            return index
    return len(counts) - 1
