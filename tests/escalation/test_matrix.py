"""When rules fire: the pure planning of escalation/matrix.py, in tables of cases.

Calendar: Mon–Fri 08:00–17:00 Pacific. P2 first response 4 business hours, resolution 2
business days; P1 first response 1 hour and resolution 4 hours on the 24/7 clock.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from escalation import matrix
from escalation.matrix import RuleSpec
from sla.clock import Calendar
from sla.engine import PlanBook, TargetRule, TicketClockFacts
from sla.targets import parse_target

LA = ZoneInfo("America/Los_Angeles")
CAL = Calendar.from_hours("America/Los_Angeles", {d: [("08:00", "17:00")] for d in range(5)})
ALWAYS = Calendar.twenty_four_seven("America/Los_Angeles")
BOOK = PlanBook(
    plan_id=1,
    plan_name="Business",
    rules=(
        TargetRule("P1", "first_response", parse_target("1 hour (24/7)"), ALWAYS),
        TargetRule("P1", "resolution", parse_target("4 hours (24/7)"), ALWAYS),
        TargetRule("P2", "first_response", parse_target("4 business hours"), CAL),
        TargetRule("P2", "resolution", parse_target("2 business days"), CAL),
    ),
    calendar=CAL,
)


def la(*args) -> datetime:
    return datetime(*args, tzinfo=LA)


def facts(priority="P2", opened=None, **kwargs) -> TicketClockFacts:
    return TicketClockFacts(
        opened_at=opened or la(2026, 11, 23, 9, 0),  # a Monday, 09:00
        priority=priority,
        first_response_at=kwargs.pop("first_response_at", None),
        **kwargs,
    )


def spec(pk=1, metric="first_response", threshold="at_due", amount=0, **kwargs) -> RuleSpec:
    return RuleSpec(
        pk=pk,
        metric=metric,
        threshold=threshold,
        amount=amount,
        level_id=kwargs.pop("level_id", 10),
        level_rank=kwargs.pop("level_rank", 2),
        **kwargs,
    )


def when(rule, ticket_facts=None, now=None, **kwargs):
    ticket_facts = ticket_facts or facts()
    now = now or ticket_facts.opened_at
    planned = matrix.plan(
        BOOK,
        ticket_facts,
        [rule],
        type_ids=kwargs.pop("type_ids", [5]),
        fired=kwargs.pop("fired", ()),
        now=now,
    )
    return planned[0].at.astimezone(LA) if planned else None


@pytest.mark.parametrize(
    ("threshold", "amount", "expected"),
    [
        # 4 business hours from Monday 09:00: due 13:00.
        ("percent", 50, la(2026, 11, 23, 11, 0)),
        ("percent", 75, la(2026, 11, 23, 12, 0)),
        ("percent", 100, la(2026, 11, 23, 13, 0)),
        ("before_due", 30, la(2026, 11, 23, 12, 30)),
        ("at_due", 0, la(2026, 11, 23, 13, 0)),
        ("after_due", 120, la(2026, 11, 23, 15, 0)),
        # Past closing time the clock stops: 5 business hours after due = Tuesday 09:00.
        ("after_due", 300, la(2026, 11, 24, 9, 0)),
        # More minutes before the due time than the target has: fires at opening.
        ("before_due", 600, la(2026, 11, 23, 9, 0)),
    ],
)
def test_each_threshold_kind_on_a_business_hours_clock(threshold, amount, expected):
    assert when(spec(threshold=threshold, amount=amount)) == expected


@pytest.mark.parametrize(
    ("threshold", "amount", "expected"),
    [
        # P1 on the 24/7 clock opened Friday 16:30: due 17:30 the same evening.
        ("percent", 50, la(2026, 11, 27, 17, 0)),
        ("at_due", 0, la(2026, 11, 27, 17, 30)),
        ("after_due", 60, la(2026, 11, 27, 18, 30)),
        ("before_due", 15, la(2026, 11, 27, 17, 15)),
    ],
)
def test_p1_thresholds_run_on_the_24_7_clock(threshold, amount, expected):
    ticket = facts("P1", opened=la(2026, 11, 27, 16, 30))
    assert when(spec(threshold=threshold, amount=amount), ticket) == expected


def test_a_ticket_opened_at_night_starts_its_business_clock_at_opening():
    ticket = facts(opened=la(2026, 11, 23, 22, 0))  # Monday night
    assert when(spec(threshold="percent", amount=50), ticket) == la(2026, 11, 24, 10, 0)


def test_resolution_rules_skip_on_hold_time():
    # 2 business days = 18 business hours (the calendar's day is 9 hours): from Monday
    # 09:00 due Wednesday 09:00. On hold Monday 10:00–14:00 pushes it 4 business hours.
    opened = la(2026, 11, 23, 9, 0)
    paused = facts(opened=opened, pauses=((la(2026, 11, 23, 10, 0), la(2026, 11, 23, 14, 0)),))
    rule = spec(metric="resolution", threshold="at_due")
    assert when(rule, facts(opened=opened)) == la(2026, 11, 25, 9, 0)
    assert when(rule, paused, now=la(2026, 11, 23, 15, 0)) == la(2026, 11, 25, 13, 0)


def test_a_pause_still_going_holds_resolution_rules():
    ticket = facts(pauses=((la(2026, 11, 23, 10, 0), None),))
    rule = spec(metric="resolution", threshold="percent", amount=50)
    assert when(rule, ticket, now=la(2026, 11, 23, 11, 0)) is None


def test_a_pause_does_not_hold_first_response_rules():
    ticket = facts(pauses=((la(2026, 11, 23, 10, 0), None),))
    assert when(spec(), ticket, now=la(2026, 11, 23, 11, 0)) == la(2026, 11, 23, 13, 0)


def test_first_response_given_or_ticket_resolved_stops_the_rules():
    responded = facts(first_response_at=la(2026, 11, 23, 9, 30))
    resolved = facts(resolved_at=la(2026, 11, 23, 9, 30))
    assert when(spec(), responded) is None
    assert when(spec(), resolved) is None
    assert when(spec(metric="resolution"), resolved) is None
    assert when(spec(metric="resolution"), responded) == la(2026, 11, 25, 9, 0)


def test_rules_for_another_priority_or_an_na_target_do_not_apply():
    assert when(spec(priority="P1")) is None
    assert when(spec(priority="P2")) is not None
    assert when(spec(), facts("P4")) is None  # P4 has no target in this plan
    assert (
        matrix.plan(None, facts(), [spec()], type_ids=[5], fired=(), now=la(2026, 11, 23, 9)) == []
    )


def test_levels_narrowed_by_request_type_apply_to_those_types_and_their_children():
    rule = spec(level_types=frozenset({7}))
    assert when(rule, type_ids=[5]) is None
    # A sub-category of type 7 carries its parent in its lineage.
    assert when(rule, type_ids=[8, 7]) == la(2026, 11, 23, 13, 0)


def test_a_rule_fires_once_per_cycle():
    rule = spec(pk=3)
    assert when(rule, fired={"rule:3"}) is None
    assert when(rule, fired={"rule:4"}) is not None


def test_waiting_for_business_hours_moves_a_night_notification_to_the_morning():
    # P2 resolution of 2 business days opened Monday 09:00 is due Wednesday 09:00; two
    # hours after breach on the business clock is Wednesday 11:00: already in hours.
    in_hours = spec(
        metric="resolution", threshold="after_due", amount=120, business_hours_only=True
    )
    assert when(in_hours) == la(2026, 11, 25, 11, 0)
    # P1 at breach happens at night; a non-P1 copy of that rule would wait, P1 never does.
    p1 = facts("P1", opened=la(2026, 11, 27, 16, 30))
    waiting = spec(threshold="after_due", amount=60, business_hours_only=True)
    assert when(waiting, p1) == la(2026, 11, 27, 18, 30)


def test_a_night_point_on_a_24_7_target_waits_when_the_rule_says_so():
    book = PlanBook(
        plan_id=2,
        plan_name="Core",
        rules=(TargetRule("P3", "first_response", parse_target("1 hour (24/7)"), ALWAYS),),
        calendar=CAL,
    )
    ticket = facts("P3", opened=la(2026, 11, 27, 20, 0))  # Friday night
    rule = spec(business_hours_only=True)
    now = ticket.opened_at
    [planned] = matrix.plan(book, ticket, [rule], type_ids=[5], fired=(), now=now)
    assert planned.point.astimezone(LA) == la(2026, 11, 27, 21, 0)
    assert planned.at.astimezone(LA) == la(2026, 11, 30, 8, 0)  # Monday opening


def test_a_warning_that_would_arrive_after_the_breach_is_left_out():
    warn = spec(threshold="percent", amount=75, level_id=None, level_rank=0)
    # P1 first response (1 hour, 24/7) of a ticket opened 09:00: warned at 09:45.
    p1 = facts("P1")
    assert when(warn, p1, now=la(2026, 11, 23, 9, 50)) == la(2026, 11, 23, 9, 45)
    # Raised to P1 at 11:00, the hour ran out at 10:00: "about to breach" is no longer true,
    # while a breach rule still fires.
    assert when(warn, p1, now=la(2026, 11, 23, 11, 0)) is None
    assert when(spec(threshold="at_due"), p1, now=la(2026, 11, 23, 11, 0)) == la(
        2026, 11, 23, 10, 0
    )
    # A P3 warning held for business hours past a night-time breach is left out too.
    book = PlanBook(
        plan_id=2,
        plan_name="Core",
        rules=(TargetRule("P3", "first_response", parse_target("1 hour (24/7)"), ALWAYS),),
        calendar=CAL,
    )
    night = facts("P3", opened=la(2026, 11, 27, 20, 0))
    held = spec(threshold="percent", amount=75, level_id=None, business_hours_only=True)
    assert matrix.plan(book, night, [held], type_ids=[5], fired=(), now=night.opened_at) == []


def test_next_check_is_the_earliest_rule_and_due_lists_those_reached():
    rules = [
        spec(pk=1, threshold="percent", amount=50),
        spec(pk=2, threshold="at_due", level_rank=3),
        spec(pk=3, threshold="after_due", amount=60, level_rank=4),
    ]
    ticket = facts()
    planned = matrix.plan(BOOK, ticket, rules, type_ids=[5], fired=(), now=ticket.opened_at)
    assert [p.rule.pk for p in planned] == [1, 2, 3]
    assert matrix.next_check(planned).astimezone(LA) == la(2026, 11, 23, 11, 0)
    at_one = la(2026, 11, 23, 13, 0)
    assert [p.rule.pk for p in matrix.due(planned, at_one)] == [1, 2]
    assert matrix.next_escalation(planned, at_one).rule.pk == 3
    assert matrix.next_check([]) is None


def test_after_hours_follows_the_plans_calendar():
    assert matrix.is_after_hours(BOOK, la(2026, 11, 23, 7, 59))
    assert not matrix.is_after_hours(BOOK, la(2026, 11, 23, 8, 0))
    assert matrix.is_after_hours(BOOK, la(2026, 11, 23, 17, 0))
    assert matrix.is_after_hours(BOOK, la(2026, 11, 28, 12, 0))  # Saturday
    assert not matrix.is_after_hours(None, la(2026, 11, 28, 12, 0))
    assert not matrix.is_after_hours(
        PlanBook(plan_id=3, plan_name="24/7", calendar=ALWAYS), la(2026, 11, 28, 3, 0)
    )


def test_priority_only_rises():
    assert matrix.higher_priority("P3", "P1")
    assert not matrix.higher_priority("P1", "P2")
    assert not matrix.higher_priority("P2", "P2")
    assert not matrix.higher_priority("P2", "")


def test_rule_points_in_utc_are_aware():
    planned = matrix.plan(BOOK, facts(), [spec()], type_ids=[5], fired=(), now=la(2026, 11, 23, 9))
    assert planned[0].at.tzinfo is not None
    assert planned[0].at == la(2026, 11, 23, 13, 0).astimezone(UTC)
    assert planned[0].at - planned[0].point == timedelta(0)
