"""Due times a careful person with a calendar would agree with.

The calendar is Invoca's: Monday–Friday 08:00–17:00 America/Los_Angeles, US public holidays
(observed), a business day of 9 hours. In 2026 PST is UTC−8 until Sunday 8 March 02:00 and
from Sunday 1 November 02:00; PDT (UTC−7) in between. Thanksgiving is Thursday 26 November,
Christmas Friday 25 December, Presidents' Day Monday 16 February, Veterans Day Wednesday
11 November.
"""

import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import pytest

from sla.clock import (
    Calendar,
    add_business_time,
    business_time_between,
    business_time_elapsed,
    due_at,
    next_open,
    weekly_interval_errors,
)

ROOT = Path(__file__).resolve().parents[2]
LA = ZoneInfo("America/Los_Angeles")
BOGOTA = ZoneInfo("America/Bogota")
US_HOLIDAYS = frozenset(holidays.country_holidays("US", years=[2025, 2026, 2027], observed=True))

INVOCA = Calendar.from_hours(
    "America/Los_Angeles",
    {day: [("08:00", "17:00")] for day in range(5)},
    holidays=US_HOLIDAYS,
    business_day_minutes=9 * 60,
)
ALWAYS = Calendar.twenty_four_seven("America/Los_Angeles")
H = timedelta(hours=1)


def la(*args):
    return datetime(*args, tzinfo=LA)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


BUSINESS_CASES = [
    # (opened, business time, expected due)
    pytest.param(
        la(2026, 2, 6, 16, 0),
        2 * H,
        utc(2026, 2, 9, 17, 0),
        id="friday-16:00 +2bh: 1 h Friday, 1 h Monday from 08:00 → Mon 09:00 PST (17:00Z)",
    ),
    pytest.param(
        la(2026, 2, 6, 15, 30),
        4 * H,
        utc(2026, 2, 9, 18, 30),
        id="friday-15:30 +4bh: 1.5 h Friday, 2.5 h Monday → Mon 10:30 PST",
    ),
    pytest.param(
        la(2026, 2, 7, 10, 0),
        2 * H,
        utc(2026, 2, 9, 18, 0),
        id="saturday +2bh: clock starts Monday 08:00 → Mon 10:00 PST",
    ),
    pytest.param(
        la(2026, 2, 2, 8, 0),
        9 * H,
        utc(2026, 2, 3, 1, 0),
        id="opened at opening 08:00 + one 9 h day → same day 17:00 PST, not next morning",
    ),
    pytest.param(
        la(2026, 2, 2, 17, 0),
        1 * H,
        utc(2026, 2, 3, 17, 0),
        id="opened at closing 17:00 +1bh → counts from Tue 08:00 → Tue 09:00 PST",
    ),
    pytest.param(
        la(2026, 2, 2, 15, 0),
        2 * H,
        utc(2026, 2, 3, 1, 0),
        id="target ending exactly at closing: Mon 15:00 +2bh → Mon 17:00 PST, not Tue 08:00",
    ),
    pytest.param(
        la(2026, 2, 6, 17, 0),
        0 * H,
        utc(2026, 2, 7, 1, 0),
        id="zero target is due at once, even after hours",
    ),
    pytest.param(
        la(2026, 2, 2, 7, 59),
        1 * H,
        utc(2026, 2, 2, 17, 0),
        id="one minute before opening +1bh → 09:00 PST",
    ),
    pytest.param(
        la(2026, 3, 6, 16, 0),
        4 * H,
        utc(2026, 3, 9, 18, 0),
        id="across March DST: Fri 16:00 PST +4bh → 1 h Fri, 3 h Mon → Mon 11:00 PDT (18:00Z)",
    ),
    pytest.param(
        la(2026, 10, 30, 16, 0),
        2 * H,
        utc(2026, 11, 2, 17, 0),
        id="across November DST: Fri 16:00 PDT +2bh → Mon 09:00 PST (17:00Z)",
    ),
    pytest.param(
        la(2026, 3, 9, 8, 0),
        9 * H,
        utc(2026, 3, 10, 0, 0),
        id="first day of PDT still has 9 business hours: Mon 08:00 → 17:00 PDT (00:00Z)",
    ),
    pytest.param(
        la(2026, 11, 25, 16, 0),
        2 * H,
        utc(2026, 11, 27, 17, 0),
        id="Thanksgiving: Wed 16:00 +2bh → 1 h Wed, Thu closed, Fri 09:00 PST",
    ),
    pytest.param(
        la(2026, 11, 26, 10, 0),
        1 * H,
        utc(2026, 11, 27, 17, 0),
        id="opened on Thanksgiving → clock starts Fri 08:00 → Fri 09:00 PST",
    ),
    pytest.param(
        la(2026, 11, 25, 9, 0),
        9 * H,
        utc(2026, 11, 27, 17, 0),
        id="Thanksgiving: Wed 09:00 + one business day → 8 h Wed, Fri 09:00 PST",
    ),
    pytest.param(
        la(2026, 12, 24, 15, 0),
        4 * H,
        utc(2026, 12, 28, 18, 0),
        id="Christmas: Thu 24th 15:00 +4bh → 2 h Thu, Fri 25th closed, weekend → Mon 10:00 PST",
    ),
    pytest.param(
        la(2026, 12, 31, 16, 0),
        2 * H,
        utc(2027, 1, 4, 17, 0),
        id="New Year: Thu 31 Dec 16:00 +2bh → 1 h Thu, Fri 1 Jan closed → Mon 4 Jan 09:00",
    ),
    pytest.param(
        la(2026, 2, 2, 9, 0),
        90 * H,
        utc(2026, 2, 17, 17, 0),
        id="10 business days (90 h) from Mon 2 Feb 09:00 skip Presidents' Day 16 Feb"
        " → Tue 17 Feb 09:00 PST",
    ),
    pytest.param(
        la(2026, 11, 18, 10, 0),
        63 * H,
        utc(2026, 11, 30, 18, 0),
        id="7 business days from Wed 18 Nov 10:00: Thu19 Fri20 Mon23 Tue24 Wed25 Fri27 Mon30"
        " → Mon 30 Nov 10:00 PST",
    ),
    pytest.param(
        la(2026, 11, 10, 16, 0),
        2 * H,
        utc(2026, 11, 12, 17, 0),
        id="Veterans Day: Tue 10 Nov 16:00 +2bh → Wed 11 closed → Thu 12 Nov 09:00 PST",
    ),
]


@pytest.mark.parametrize("opened,amount,expected", BUSINESS_CASES)
def test_business_due_times(opened, amount, expected):
    due = add_business_time(INVOCA, opened, amount)
    assert due == expected
    assert due.tzinfo == UTC
    # Measuring back gives the target again.
    assert business_time_between(INVOCA, opened, due) == amount


ALWAYS_CASES = [
    pytest.param(
        la(2026, 3, 7, 12, 0),
        24 * H,
        utc(2026, 3, 8, 20, 0),
        id="24/7 across March DST: Sat 12:00 PST +24 h → Sun 13:00 PDT (23 wall hours later)",
    ),
    pytest.param(
        la(2026, 3, 8, 1, 30),
        1 * H,
        utc(2026, 3, 8, 10, 30),
        id="24/7 1 h from 01:30 PST on the March change → 03:30 PDT",
    ),
    pytest.param(
        la(2026, 10, 31, 12, 0),
        24 * H,
        utc(2026, 11, 1, 19, 0),
        id="24/7 across November DST: Sat 12:00 PDT +24 h → Sun 11:00 PST (25 wall hours)",
    ),
    pytest.param(
        utc(2026, 11, 1, 8, 30),
        1 * H,
        utc(2026, 11, 1, 9, 30),
        id="24/7 1 h from 01:30 PDT on the November change → 01:30 PST (same wall time)",
    ),
    pytest.param(
        la(2026, 11, 26, 10, 0),
        4 * H,
        utc(2026, 11, 26, 22, 0),
        id="24/7 ignores holidays: Thanksgiving 10:00 +4 h → 14:00 PST",
    ),
]


@pytest.mark.parametrize("opened,amount,expected", ALWAYS_CASES)
def test_always_open_due_times(opened, amount, expected):
    assert add_business_time(ALWAYS, opened, amount) == expected
    assert business_time_between(ALWAYS, opened, expected) == amount


PAUSE_CASES = [
    pytest.param(
        la(2026, 2, 6, 14, 0),
        4 * H,
        [],
        utc(2026, 2, 9, 17, 0),
        id="no pause: Fri 14:00 +4bh → 3 h Fri, 1 h Mon → Mon 09:00 PST",
    ),
    pytest.param(
        la(2026, 2, 6, 14, 0),
        4 * H,
        [(la(2026, 2, 7, 10, 0), la(2026, 2, 8, 20, 0))],
        utc(2026, 2, 9, 17, 0),
        id="pause inside the weekend holds no business time → still Mon 09:00",
    ),
    pytest.param(
        la(2026, 2, 6, 14, 0),
        4 * H,
        [(la(2026, 2, 6, 15, 0), la(2026, 2, 9, 10, 0))],
        utc(2026, 2, 9, 21, 0),
        id="pause Fri 15:00 → Mon 10:00 spans the weekend and holds 4 bh (Fri 15–17, Mon 8–10)"
        " → Mon 09:00 + 4 h → Mon 13:00 PST",
    ),
    pytest.param(
        la(2026, 2, 6, 14, 0),
        4 * H,
        [(la(2026, 2, 6, 15, 0), la(2026, 2, 6, 16, 0)), (la(2026, 2, 9, 8, 0), None)],
        None,
        id="open-ended pause before the target ran out → no due time while paused",
    ),
    pytest.param(
        la(2026, 2, 6, 14, 0),
        2 * H,
        [(la(2026, 2, 9, 8, 0), None)],
        utc(2026, 2, 7, 0, 0),
        id="target ran out (Fri 16:00) before the open pause (Mon) → keeps Fri 16:00",
    ),
    pytest.param(
        la(2026, 2, 6, 14, 0),
        3 * H,
        [(la(2026, 2, 6, 17, 0), la(2026, 2, 9, 9, 0))],
        utc(2026, 2, 7, 1, 0),
        id="target ends exactly when a pause starts (Fri 17:00) → due Fri 17:00",
    ),
    pytest.param(
        la(2026, 2, 6, 14, 0),
        4 * H,
        [
            (la(2026, 2, 6, 14, 30), la(2026, 2, 6, 15, 30)),
            (la(2026, 2, 6, 15, 0), la(2026, 2, 6, 16, 0)),
        ],
        utc(2026, 2, 9, 18, 30),
        id="overlapping pauses 14:30–15:30 and 15:00–16:00 hold 14:30–16:00 once: 1.5 h ran"
        " Friday (14:00–14:30, 16:00–17:00), 2.5 h Monday → Mon 10:30 PST",
    ),
]


@pytest.mark.parametrize("opened,amount,pauses,expected", PAUSE_CASES)
def test_due_times_with_pauses(opened, amount, pauses, expected):
    assert due_at(INVOCA, opened, amount, pauses) == expected


def test_pause_before_opening_is_ignored():
    opened = la(2026, 2, 2, 9, 0)
    pauses = [(la(2026, 2, 1, 9, 0), la(2026, 2, 2, 8, 0))]
    assert due_at(INVOCA, opened, 2 * H, pauses) == utc(2026, 2, 2, 19, 0)


def test_elapsed_business_time_leaves_out_pauses():
    opened = la(2026, 2, 6, 14, 0)
    pauses = [(la(2026, 2, 6, 15, 0), la(2026, 2, 9, 10, 0))]
    # Fri 14–15 ran (1 h), Fri 15 → Mon 10 paused, Mon 10–12 ran (2 h).
    assert business_time_elapsed(INVOCA, opened, la(2026, 2, 9, 12, 0), pauses) == 3 * H
    # While still paused, only the hour before the pause counts.
    open_pause = [(la(2026, 2, 6, 15, 0), None)]
    assert business_time_elapsed(INVOCA, opened, la(2026, 2, 9, 12, 0), open_pause) == H


def test_business_time_between_across_a_week_and_a_holiday():
    # Mon 16 Feb (Presidents' Day) is closed: Fri 13 Feb 09:00 → Tue 17 Feb 09:00 is
    # 8 h Friday + 1 h Tuesday.
    assert business_time_between(INVOCA, la(2026, 2, 13, 9), la(2026, 2, 17, 9)) == 9 * H
    assert business_time_between(INVOCA, la(2026, 2, 17, 9), la(2026, 2, 13, 9)) == timedelta(0)


def test_results_are_utc_and_inputs_in_any_zone_agree():
    in_bogota = datetime(2026, 2, 6, 19, 0, tzinfo=BOGOTA)  # = Fri 16:00 PST
    assert add_business_time(INVOCA, in_bogota, 2 * H) == utc(2026, 2, 9, 17, 0)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="aware"):
        add_business_time(INVOCA, datetime(2026, 2, 2, 9, 0), H)


def test_next_open():
    assert next_open(INVOCA, la(2026, 2, 6, 17, 30)) == utc(2026, 2, 9, 16, 0)
    assert next_open(INVOCA, la(2026, 2, 6, 10, 0)) == la(2026, 2, 6, 10, 0)
    assert next_open(INVOCA, la(2026, 11, 25, 17, 0)) == utc(2026, 11, 27, 16, 0)


def test_several_intervals_per_day_and_lunch_break():
    # Mon–Fri 08:00–12:00 and 13:00–17:00 in Bogota (UTC−5, no DST).
    lunch = Calendar.from_hours(
        "America/Bogota", {d: [("08:00", "12:00"), ("13:00", "17:00")] for d in range(5)}
    )
    assert lunch.business_day_minutes == 8 * 60
    opened = datetime(2026, 2, 2, 11, 0, tzinfo=BOGOTA)
    # 1 h before lunch, 1 h after → 14:00.
    assert add_business_time(lunch, opened, 2 * H) == datetime(2026, 2, 2, 14, 0, tzinfo=BOGOTA)
    # Exactly the morning's hour → due at 12:00, the start of lunch, not 13:00.
    assert add_business_time(lunch, opened, H) == datetime(2026, 2, 2, 12, 0, tzinfo=BOGOTA)


def test_interval_until_midnight():
    evenings = Calendar.from_hours("UTC", {d: [("20:00", "00:00")] for d in range(7)})
    start = utc(2026, 2, 2, 23, 0)
    assert add_business_time(evenings, start, 2 * H) == utc(2026, 2, 3, 21, 0)


def test_wall_clock_decides_inside_open_hours_on_dst_nights():
    # A calendar open all night every day: on the March night the wall clock jumps from
    # 02:00 to 03:00 and that hour elapses at once; in November 01:00–02:00 comes twice and
    # counts once.
    nights = Calendar.from_hours("America/Los_Angeles", {d: [("00:00", "06:00")] for d in range(7)})
    assert add_business_time(nights, la(2026, 3, 8, 1, 0), 2 * H) == la(2026, 3, 8, 3, 0)
    assert business_time_between(nights, la(2026, 3, 8, 0, 0), la(2026, 3, 8, 6, 0)) == 6 * H
    fall_start = la(2026, 11, 1, 0, 0)
    assert business_time_between(nights, fall_start, utc(2026, 11, 1, 14, 0)) == 6 * H
    # The wall clock reaches 02:00 at 09:00Z (02:00 PDT turns into 01:00 PST); the repeated
    # hour that follows adds nothing.
    assert add_business_time(nights, fall_start, 2 * H) == utc(2026, 11, 1, 9, 0)


def test_week_skipping_is_exact_far_away():
    opened = la(2026, 1, 5, 8, 0)  # Monday
    one_year = 52 * 5 * 9 * H
    due = add_business_time(INVOCA, opened, one_year)
    assert business_time_between(INVOCA, opened, due) == one_year
    holidays_on_weekdays = sum(
        1 for d in US_HOLIDAYS if date(2026, 1, 5) <= d < date(2027, 1, 4) and d.weekday() < 5
    )
    # 52 weeks later is Mon 4 Jan 2027; each weekday holiday pushes one more 9 h day.
    assert due.astimezone(LA).date() > date(2027, 1, 4)
    assert business_time_between(INVOCA, opened, la(2027, 1, 4, 8, 0)) == one_year - (
        holidays_on_weekdays * 9 * H
    )


@pytest.mark.parametrize(
    "intervals,message",
    [
        ([(0, 9 * 3600, 8 * 3600)], "start must be before the end"),
        ([(0, 8 * 3600, 12 * 3600), (0, 11 * 3600, 17 * 3600)], "overlaps"),
        ([(7, 0, 3600)], "not between 0"),
    ],
)
def test_weekly_interval_errors(intervals, message):
    errors = weekly_interval_errors(intervals)
    assert errors and message in errors[0]


def test_touching_intervals_are_allowed_and_a_calendar_needs_one():
    assert weekly_interval_errors([(0, 8 * 3600, 12 * 3600), (0, 12 * 3600, 17 * 3600)]) == []
    with pytest.raises(ValueError, match="at least one open interval"):
        Calendar(tz="UTC", weekly=((),) * 7)
    with pytest.raises(Exception, match="Nowhere"):
        Calendar(tz="Nowhere/Atlantis", weekly=(((0, 3600),),) + ((),) * 6)


def test_the_clock_and_engine_need_no_django():
    # Anything (a worker, a script) can compute due times without settings or a database.
    code = (
        "import sys, sla.clock, sla.engine, sla.targets; "
        "sys.exit(any(m.split('.')[0] == 'django' for m in sys.modules))"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, timeout=60)
    assert done.returncode == 0
