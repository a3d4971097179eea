"""Targets that pause during declared maintenance: the windows stop the clock like On hold,
on the target's own clock (business hours or 24/7), never twice over another pause."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from sla.clock import Calendar
from sla.engine import (
    FIRST_RESPONSE,
    PAUSED,
    RESOLUTION,
    RUNNING,
    MaintenanceWindow,
    PlanBook,
    TargetRule,
    TicketClockFacts,
    evaluate,
    measure,
)
from sla.targets import parse_target

LA = ZoneInfo("America/Los_Angeles")
CAL = Calendar.from_hours(
    "America/Los_Angeles",
    {d: [("08:00", "17:00")] for d in range(5)},
    holidays={date(2026, 2, 16)},
    business_day_minutes=9 * 60,
)
ALWAYS = Calendar.twenty_four_seven("America/Los_Angeles")


def la(*args):
    return datetime(*args, tzinfo=LA)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def book(text, *, pause=True, metric=RESOLUTION):
    spec = parse_target(text)
    calendar = ALWAYS if spec.clock == "24x7" else CAL
    rule = TargetRule("P2", metric, spec, calendar, "Hours", pause_during_maintenance=pause)
    return PlanBook(plan_id=1, plan_name="Premium", rules=(rule,))


def window(start, end, title="Database upgrade"):
    return MaintenanceWindow(start=start, end=end, title=title)


def facts(opened, windows=(), pauses=(), resolved_at=None, first_response_at=None):
    return TicketClockFacts(
        opened_at=opened,
        priority="P2",
        first_response_at=first_response_at,
        pauses=tuple(pauses),
        resolved_at=resolved_at,
        maintenance=tuple(windows),
    )


MON = (2026, 2, 9)
CASES = [
    # (name, target, flag, windows, on-hold pauses, now, expected due)
    (
        "inside business hours moves the due time by the window",
        "4 business hours",
        True,
        [window(la(*MON, 10), la(*MON, 12))],
        [],
        la(*MON, 13),
        la(*MON, 14),
    ),
    (
        "crossing closing time: only the business part counts",
        "8 business hours",
        True,
        [window(la(*MON, 15), la(*MON, 19))],
        [],
        la(*MON, 20),
        la(2026, 2, 10, 9),
    ),
    (
        "without the flag nothing changes",
        "4 business hours",
        False,
        [window(la(*MON, 10), la(*MON, 12))],
        [],
        la(*MON, 11),
        la(*MON, 12),
    ),
    (
        "overlapping an on-hold pause counts the time once",
        "4 business hours",
        True,
        [window(la(*MON, 10), la(*MON, 12))],
        [(la(*MON, 9), la(*MON, 11))],
        la(*MON, 13),
        la(*MON, 15),
    ),
    (
        "a window that starts after now is ignored until it starts",
        "4 business hours",
        True,
        [window(la(*MON, 10), la(*MON, 12))],
        [],
        la(*MON, 9),
        la(*MON, 12),
    ),
    (
        "business hours after the March DST change, in local hours",
        "4 business hours",
        True,
        [window(la(2026, 3, 9, 10), la(2026, 3, 9, 12))],
        [],
        la(2026, 3, 9, 13),
        la(2026, 3, 9, 14),
    ),
    (
        # 01:00 PST to 04:00 PDT is two real hours (02:00 does not exist that night).
        "24/7 across the March DST change counts real time",
        "4 hours (24/7)",
        True,
        [window(la(2026, 3, 8, 1), la(2026, 3, 8, 4))],
        [],
        la(2026, 3, 8, 5),
        utc(2026, 3, 8, 13),
    ),
    (
        # 00:00 PDT to 03:00 PST is four real hours (01:00 happens twice).
        "24/7 across the November DST change counts real time",
        "4 hours (24/7)",
        True,
        [window(utc(2026, 11, 1, 7), utc(2026, 11, 1, 11))],
        [],
        utc(2026, 11, 1, 12),
        utc(2026, 11, 1, 14),
    ),
]


@pytest.mark.parametrize(
    ("name", "target", "flag", "windows", "holds", "now", "due"), CASES, ids=[c[0] for c in CASES]
)
def test_resolution_due_time(name, target, flag, windows, holds, now, due):
    opened = {
        "24/7 across the March DST change counts real time": la(2026, 3, 7, 23),
        "24/7 across the November DST change counts real time": utc(2026, 11, 1, 6),
        "business hours after the March DST change, in local hours": la(2026, 3, 9, 8),
    }.get(name, la(*MON, 8))
    status = evaluate(book(target, pause=flag), facts(opened, windows, holds), now)[RESOLUTION]
    assert status.due_at == due
    assert status.state == RUNNING


def test_first_response_pauses_with_the_flag_only():
    windows = [window(la(*MON, 10), la(*MON, 12))]
    for flag, due in ((True, la(*MON, 14)), (False, la(*MON, 12))):
        rules = book("4 business hours", pause=flag, metric=FIRST_RESPONSE)
        status = evaluate(rules, facts(la(*MON, 8), windows), la(*MON, 13))[FIRST_RESPONSE]
        assert status.due_at == due


def test_a_window_running_now_shows_the_clock_paused_and_says_why():
    rules = book("4 business hours")
    status = evaluate(
        rules, facts(la(*MON, 8), [window(la(*MON, 10), la(*MON, 12))]), la(*MON, 11)
    )[RESOLUTION]
    assert status.state == PAUSED
    assert status.due_at is None
    assert any("“Database upgrade”" in line and "1 h" in line for line in status.explanation)


def test_the_explanation_names_the_window_and_how_long_it_held_the_clock():
    rules = book("4 business hours")
    now = la(*MON, 13)
    status = evaluate(rules, facts(la(*MON, 8), [window(la(*MON, 10), la(*MON, 12))]), now)
    lines = status[RESOLUTION].explanation
    assert any(
        line.startswith("Paused 2 h during the declared maintenance “Database upgrade”")
        for line in lines
    ), lines


def test_reports_count_the_window_as_paused_time():
    rules = book("4 business hours")
    ticket = facts(
        la(*MON, 8),
        [window(la(*MON, 10), la(*MON, 12))],
        pauses=[(la(*MON, 15), None)],
        resolved_at=la(*MON, 15),
    )
    measures = measure(rules, ticket, la(*MON, 16), RESOLUTION)
    assert measures.paused_seconds == 2 * 3600
    assert measures.business_seconds == 5 * 3600
    unflagged = measure(book("4 business hours", pause=False), ticket, la(*MON, 16), RESOLUTION)
    assert unflagged.paused_seconds == 0
    assert measures.stopped_at == la(*MON, 15)
