"""The evaluation the ticket pages and queues rely on, rule by rule (issue rules 4–8)."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sla.clock import Calendar
from sla.engine import (
    BREACHED,
    FIRST_RESPONSE,
    MET,
    NONE,
    PAUSED,
    RESOLUTION,
    RUNNING,
    PlanBook,
    TargetRule,
    TicketClockFacts,
    due_times,
    evaluate,
    format_duration,
)
from sla.targets import parse_target

LA = ZoneInfo("America/Los_Angeles")
H = timedelta(hours=1)
CAL = Calendar.from_hours(
    "America/Los_Angeles",
    {d: [("08:00", "17:00")] for d in range(5)},
    holidays={date(2026, 2, 16), date(2026, 11, 26)},
    business_day_minutes=9 * 60,
)
ALWAYS = Calendar.twenty_four_seven("America/Los_Angeles")


def la(*args):
    return datetime(*args, tzinfo=LA)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def book(cells: dict) -> PlanBook:
    """A plan book written like the admin matrix (Invoca's Premium unless told)."""
    rules = []
    for (priority, metric), text in cells.items():
        spec = parse_target(text)
        if spec.is_target:
            calendar = ALWAYS if spec.clock == "24x7" else CAL
            rules.append(TargetRule(priority, metric, spec, calendar, "Invoca business hours"))
    return PlanBook(plan_id=1, plan_name="Premium", rules=tuple(rules))


PREMIUM = book(
    {
        ("P1", FIRST_RESPONSE): "2 business hours",
        ("P1", RESOLUTION): "7 business days",
        ("P2", FIRST_RESPONSE): "4 business hours",
        ("P2", RESOLUTION): "10 business days",
        ("P3", FIRST_RESPONSE): "8 business hours",
        ("P3", RESOLUTION): "N/A",
    }
)
MISSION_CRITICAL_P1 = book(
    {("P1", FIRST_RESPONSE): "1 hour (24/7)", ("P1", RESOLUTION): "7 business days"}
)


def facts(opened, priority="P2", first_response_at=None, pauses=(), resolved_at=None):
    return TicketClockFacts(
        opened_at=opened,
        priority=priority,
        first_response_at=first_response_at,
        pauses=tuple(pauses),
        resolved_at=resolved_at,
    )


def test_a_fresh_ticket_runs_both_clocks():
    opened = la(2026, 2, 2, 9, 0)
    result = evaluate(PREMIUM, facts(opened), now=la(2026, 2, 2, 10, 0))
    first, resolution = result[FIRST_RESPONSE], result[RESOLUTION]
    assert first.state == RUNNING and resolution.state == RUNNING
    assert first.due_at == utc(2026, 2, 2, 21, 0)  # 09:00 + 4 bh = 13:00 PST
    assert first.target_label == "4 business hours"
    assert first.remaining_seconds == 3 * 3600  # one of four hours gone
    assert first.elapsed_fraction == pytest.approx(0.25)
    assert not first.at_risk
    # 10 business days skip Presidents' Day: Tue 17 Feb 09:00 PST.
    assert resolution.due_at == utc(2026, 2, 17, 17, 0)
    assert resolution.target_label == "10 business days"


def test_remaining_time_is_business_time_and_turns_at_risk_at_75_percent():
    opened = la(2026, 2, 6, 15, 0)  # Friday; 4 bh due Mon 10:00
    friday_evening = evaluate(PREMIUM, facts(opened), now=la(2026, 2, 7, 12, 0))[FIRST_RESPONSE]
    assert friday_evening.due_at == utc(2026, 2, 9, 18, 0)
    # Over the weekend only the two Friday hours have gone.
    assert friday_evening.remaining_seconds == 2 * 3600
    assert friday_evening.elapsed_fraction == pytest.approx(0.5)
    monday = evaluate(PREMIUM, facts(opened), now=la(2026, 2, 9, 9, 0))[FIRST_RESPONSE]
    assert monday.remaining_seconds == 3600 and monday.at_risk


def test_first_response_stops_at_the_first_public_reply():
    opened = la(2026, 2, 2, 9, 0)
    replied = la(2026, 2, 2, 12, 30)
    status = evaluate(PREMIUM, facts(opened, first_response_at=replied), now=la(2026, 2, 3, 9))
    assert status[FIRST_RESPONSE].state == MET
    assert status[FIRST_RESPONSE].ended_at == replied
    assert status[FIRST_RESPONSE].remaining_seconds == 1800


def test_a_reply_exactly_at_the_due_time_meets_it():
    opened = la(2026, 2, 2, 9, 0)
    due = utc(2026, 2, 2, 21, 0)
    status = evaluate(PREMIUM, facts(opened, first_response_at=due), now=due + H)
    assert status[FIRST_RESPONSE].state == MET


def test_first_response_breaches_when_the_due_time_passes():
    opened = la(2026, 2, 2, 9, 0)
    now = la(2026, 2, 2, 13, 20)
    status = evaluate(PREMIUM, facts(opened), now=now)[FIRST_RESPONSE]
    assert status.state == BREACHED
    assert status.ended_at == utc(2026, 2, 2, 21, 0)
    # Overdue is told in real time: 20 minutes.
    assert status.remaining_seconds == -20 * 60
    late_reply = evaluate(
        PREMIUM, facts(opened, first_response_at=la(2026, 2, 2, 14, 0)), now=now + H
    )[FIRST_RESPONSE]
    assert late_reply.state == BREACHED and late_reply.ended_at == utc(2026, 2, 2, 21, 0)


def test_first_response_is_never_paused():
    opened = la(2026, 2, 2, 9, 0)
    on_hold = [(la(2026, 2, 2, 10, 0), None)]
    status = evaluate(PREMIUM, facts(opened, pauses=on_hold), now=la(2026, 2, 2, 11, 0))
    assert status[FIRST_RESPONSE].state == RUNNING
    assert status[FIRST_RESPONSE].due_at == utc(2026, 2, 2, 21, 0)
    assert status[RESOLUTION].state == PAUSED
    assert status[RESOLUTION].due_at is None
    # Frozen at the hour that ran before the pause.
    assert status[RESOLUTION].remaining_seconds == 89 * 3600


def test_resolution_pauses_on_hold_and_resumes_with_the_time_pushed_out():
    opened = la(2026, 2, 2, 9, 0)
    # On hold Mon 10:00 → Tue 10:00 holds 9 business hours (Mon 10–17, Tue 8–10).
    pauses = [(la(2026, 2, 2, 10, 0), la(2026, 2, 3, 10, 0))]
    status = evaluate(PREMIUM, facts(opened, pauses=pauses), now=la(2026, 2, 3, 11, 0))
    assert status[RESOLUTION].state == RUNNING
    # Tue 17 Feb 09:00 pushed by one 9 h business day → Wed 18 Feb 09:00 PST.
    assert status[RESOLUTION].due_at == utc(2026, 2, 18, 17, 0)
    assert any("Paused once" in line for line in status[RESOLUTION].explanation)


def test_resolved_stops_the_clock_and_reopening_resumes_it():
    opened = la(2026, 2, 2, 9, 0)
    resolved = la(2026, 2, 4, 9, 0)
    done = evaluate(
        PREMIUM,
        facts(opened, pauses=[(resolved, None)], resolved_at=resolved),
        now=la(2026, 2, 20, 9, 0),
    )[RESOLUTION]
    assert done.state == MET and done.ended_at == resolved
    # Reopened Thu 5 Feb 09:00: the Resolved day (9 business hours) did not count.
    reopened = evaluate(
        PREMIUM,
        facts(opened, pauses=[(resolved, la(2026, 2, 5, 9, 0))]),
        now=la(2026, 2, 5, 10, 0),
    )[RESOLUTION]
    assert reopened.state == RUNNING
    assert reopened.due_at == utc(2026, 2, 18, 17, 0)


def test_resolving_late_is_a_breach_at_the_due_time():
    opened = la(2026, 2, 6, 15, 0)
    one_day = book({("P2", RESOLUTION): "1 business day"})
    resolved = la(2026, 2, 10, 9, 0)
    status = evaluate(
        one_day, facts(opened, resolved_at=resolved, pauses=[(resolved, None)]), now=resolved
    )[RESOLUTION]
    # 2 h Friday + 7 h Monday → due Mon 15:00 PST.
    assert status.state == BREACHED and status.ended_at == utc(2026, 2, 9, 23, 0)


def test_resolving_without_a_public_reply_stops_the_first_response_clock():
    opened = la(2026, 2, 2, 9, 0)
    resolved = la(2026, 2, 2, 11, 0)
    status = evaluate(
        PREMIUM, facts(opened, resolved_at=resolved, pauses=[(resolved, None)]), now=la(2026, 3, 1)
    )
    assert status[FIRST_RESPONSE].state == MET
    assert status[FIRST_RESPONSE].ended_at == resolved


def test_priority_change_after_a_pause_recomputes_from_the_opening_time():
    opened = la(2026, 2, 2, 9, 0)
    pauses = [(la(2026, 2, 2, 10, 0), la(2026, 2, 3, 10, 0))]
    now = la(2026, 2, 3, 11, 0)
    as_p3 = evaluate(PREMIUM, facts(opened, "P3", pauses=pauses), now=now)
    assert as_p3[RESOLUTION].state == NONE  # P3 resolution is N/A on Premium
    # Raised to P2 on Tuesday: both clocks count from Monday 09:00 with the new targets.
    as_p2 = evaluate(
        PREMIUM,
        facts(opened, "P2", pauses=pauses),
        now=now,
        previous={FIRST_RESPONSE: (as_p3[FIRST_RESPONSE].state, None)},
    )
    # First response never pauses: Mon 09:00 + 4 bh = Mon 13:00, long past → breached.
    assert as_p2[FIRST_RESPONSE].state == BREACHED
    assert as_p2[FIRST_RESPONSE].ended_at == utc(2026, 2, 2, 21, 0)
    # Resolution honours the pause: Wed 18 Feb 09:00 PST.
    assert as_p2[RESOLUTION].due_at == utc(2026, 2, 18, 17, 0)


def test_priority_change_keeps_a_met_or_breached_outcome():
    opened = la(2026, 2, 2, 9, 0)
    replied = la(2026, 2, 2, 12, 0)  # met for P3 (due 17:00)
    now = la(2026, 2, 2, 14, 0)
    # Raised to P1 (2 bh, due 11:00): the earlier reply would now be late, but it was met.
    kept = evaluate(
        PREMIUM,
        facts(opened, "P1", first_response_at=replied),
        now=now,
        previous={FIRST_RESPONSE: (MET, replied)},
    )[FIRST_RESPONSE]
    assert kept.state == MET and kept.ended_at == replied
    assert any("outcome is kept" in line for line in kept.explanation)
    breached_at = utc(2026, 2, 2, 21, 0)
    still_breached = evaluate(
        PREMIUM,
        facts(opened, "P3", first_response_at=la(2026, 2, 2, 15, 0)),
        now=now,
        previous={FIRST_RESPONSE: (BREACHED, breached_at)},
    )[FIRST_RESPONSE]
    assert still_breached.state == BREACHED and still_breached.ended_at == breached_at


def test_a_running_previous_state_does_not_stick():
    opened = la(2026, 2, 2, 9, 0)
    status = evaluate(
        PREMIUM,
        facts(opened, first_response_at=la(2026, 2, 2, 10)),
        now=la(2026, 2, 2, 11),
        previous={FIRST_RESPONSE: (RUNNING, None)},
    )
    assert status[FIRST_RESPONSE].state == MET


def test_no_target_and_no_plan():
    opened = la(2026, 2, 2, 9, 0)
    na = evaluate(PREMIUM, facts(opened, "P3"), now=la(2026, 12, 1))[RESOLUTION]
    assert na.state == NONE and na.due_at is None and na.target_label == "No target"
    assert na.remaining_seconds is None and na.elapsed_fraction is None
    assert "N/A" in na.explanation[0]
    no_plan = evaluate(None, facts(opened, "P1"), now=la(2026, 12, 1))
    assert {s.state for s in no_plan.values()} == {NONE}
    assert "no support plan" in no_plan[FIRST_RESPONSE].explanation[0]


def test_mission_critical_first_response_runs_24_7_across_the_weekend():
    opened = la(2026, 2, 7, 23, 30)  # Saturday night
    status = evaluate(MISSION_CRITICAL_P1, facts(opened, "P1"), now=la(2026, 2, 7, 23, 45))
    first = status[FIRST_RESPONSE]
    assert first.due_at == utc(2026, 2, 8, 8, 30)  # Sunday 00:30 PST
    assert first.target_label == "1 hour (24/7)"
    assert first.remaining_seconds == 45 * 60
    assert not first.is_business_clock
    assert any("24/7" in line for line in first.explanation)
    # The resolution clock of the same ticket waits for Monday's opening.
    assert status[RESOLUTION].remaining_seconds == 63 * 3600
    assert any(
        "clock started at Mon 9 Feb 2026, 08:00 PST" in line
        for line in status[RESOLUTION].explanation
    )


def test_explanation_tells_the_calendar_and_the_due_time():
    status = evaluate(PREMIUM, facts(la(2026, 2, 6, 16, 0)), now=la(2026, 2, 6, 16, 30))
    lines = status[FIRST_RESPONSE].explanation
    assert lines[0] == "Premium, P2: first response target 4 business hours."
    assert "Mon–Fri 08:00–17:00 (America/Los_Angeles)" in lines[1]
    assert "a business day is 9 h" in lines[1]
    assert "Opened Fri 6 Feb 2026, 16:00 PST." in lines
    assert "Due Mon 9 Feb 2026, 11:00 PST." in lines


def test_bulk_evaluation_can_skip_explanations():
    status = evaluate(PREMIUM, facts(la(2026, 2, 2, 9)), now=la(2026, 2, 2, 10), explain=False)
    assert status[FIRST_RESPONSE].explanation == ()
    assert status[FIRST_RESPONSE].due_at == utc(2026, 2, 2, 21, 0)


def test_due_times_for_the_command_line():
    due = due_times(
        PREMIUM,
        priority="P2",
        opened_at=la(2026, 2, 2, 9, 0),
        pauses=[(la(2026, 2, 2, 10, 0), la(2026, 2, 3, 10, 0))],
    )
    assert due == {FIRST_RESPONSE: utc(2026, 2, 2, 21, 0), RESOLUTION: utc(2026, 2, 18, 17, 0)}
    assert due_times(None, priority="P2", opened_at=la(2026, 2, 2, 9)) == {
        FIRST_RESPONSE: None,
        RESOLUTION: None,
    }


@pytest.mark.parametrize(
    "seconds,text",
    [
        (0, "0 m"),
        (59, "59 s"),
        (60, "1 m"),
        (6000, "1 h 40 m"),
        (7200, "2 h"),
        (200 * 3600, "8 d 8 h"),
    ],
)
def test_format_duration(seconds, text):
    assert format_duration(seconds) == text
