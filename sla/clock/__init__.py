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

from .calendar import Calendar, seconds_of_day, weekly_interval_errors
from .operations import (
    Pause,
    _merged_pauses,
    add_business_time,
    business_time_between,
    business_time_elapsed,
    due_at,
    due_us,
    elapsed_us,
    local_wall_time,
    merge_pauses_us,
    next_open,
)
from .units import (
    DAY,
    DAY_SECONDS,
    HOUR,
    MINUTE,
    US,
    WEEK,
    WEEKDAY_NAMES,
    duration_us,
    from_us,
    to_us,
)

__all__ = [
    "DAY",
    "DAY_SECONDS",
    "HOUR",
    "MINUTE",
    "US",
    "WEEK",
    "WEEKDAY_NAMES",
    "Calendar",
    "Pause",
    "_merged_pauses",
    "add_business_time",
    "business_time_between",
    "business_time_elapsed",
    "due_at",
    "due_us",
    "duration_us",
    "elapsed_us",
    "from_us",
    "local_wall_time",
    "merge_pauses_us",
    "next_open",
    "seconds_of_day",
    "to_us",
    "weekly_interval_errors",
]
