"""The SLA outcomes behind the reports: rollups always equal a recount of the outcome rows,
the breach sweep counts each breach once, outcomes follow the ticket's engineer and level,
and one help desk never reads another's numbers."""

from __future__ import annotations

import random
from contextlib import suppress
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from sla.engine import BREACHED, MET
from tests.escalation.factories import level
from tests.factories import CustomerFactory, EngineerFactory
from tickets.models import BUCKET_COLUMNS, SlaOutcome, SlaRollup, Status, Ticket
from tickets.reports.periods import CUSTOM, Period
from tickets.reports.selectors import (
    ENGINEER,
    LEVEL,
    ORGANIZATION,
    ReportFilters,
    RowFilters,
    outcome_rows,
    sla_report,
)
from tickets.services import (
    ticket_assign,
    ticket_escalation_level_set,
    ticket_priority_change,
    ticket_reply,
    ticket_transition,
)
from tickets.services.outcomes import COUNT_COLUMNS, outcomes_breach_due, rollups_rebuild
from tickets.tasks import record_sla_breaches

from ..sla.factories import plan_with_matrix
from .conftest import open_ticket
from .test_sla_on_tickets import at
from .test_sla_report_numbers import BASE, FR, GOLD, RES, la

pytestmark = pytest.mark.django_db
MATRIX = GOLD  # P4: no targets


def rollup_cells(tenant) -> dict:
    """The tenant's non-zero rollup cells: (dimension, day, metric, plan, priority, key) →
    their counts."""
    names = COUNT_COLUMNS + BUCKET_COLUMNS
    keys = ("dimension", "day", "metric", "plan_key", "priority", "key")
    cells = {}
    for row in SlaRollup.objects.filter(tenant=tenant).values(*keys, *names):
        counts = tuple(row[name] for name in names)
        if any(counts):
            cells[tuple(row[k] for k in keys)] = counts
    return cells


class _Rollback(Exception):
    pass


def recounted(tenant) -> dict:
    """The cells :func:`rollups_rebuild` recounts from the outcome rows, leaving the table
    as it was."""
    try:
        with transaction.atomic():
            rollups_rebuild(tenant=tenant)
            cells = rollup_cells(tenant)
            raise _Rollback
    except _Rollback:
        pass
    return cells


def assert_rollups_recount(tenant, where=""):
    assert rollup_cells(tenant) == recounted(tenant), where


@pytest.fixture
def planned(acme):
    plan = plan_with_matrix(tenant=acme.tenant, cells=MATRIX, name="Gold")
    acme.org.plan = plan
    acme.org.save(update_fields=["plan"])
    return acme


def week(day: date) -> Period:
    return Period(CUSTOM, day, day + timedelta(days=6))


# --- rollups equal a recount, whatever happens ----------------------------------------


class RandomDesk:
    """Random but repeatable work on a few tickets: each step picks one change a person
    (or the sweep) could make now, and the clock moves on by a random amount."""

    def __init__(self, world, ticket_type, seed: int):
        self.world = world
        self.ticket_type = ticket_type
        self.rng = random.Random(seed)
        self.now = la(2, 23, 7, 30)
        self.tickets: list[Ticket] = []
        tenant = world.tenant
        self.engineers = [world.engineer, EngineerFactory(tenant=tenant, email="e2@acme.test")]
        self.levels = [level(tenant, 1, "Level 1"), level(tenant, 2, "Level 2")]
        self.customers = [
            world.customer,
            CustomerFactory(tenant=tenant, organization=world.org, email="c2@acme.test"),
            world.other_org_customer,  # an organization without a plan
        ]
        self.log = []

    def fresh(self, ticket) -> Ticket:
        return Ticket.objects.get(pk=ticket.pk)

    def choices(self):
        options = [("open", None)] * (6 - min(len(self.tickets), 5)) + [("sweep", None)]
        for ticket in map(self.fresh, self.tickets):
            if ticket.status == Status.CLOSED:
                continue
            options += [
                ("staff reply", ticket),
                ("priority", ticket),
                ("assign", ticket),
                ("escalate", ticket),
            ]
            if ticket.status in (Status.NEW, Status.IN_PROGRESS):
                options += [("hold", ticket), ("resolve", ticket)]
            if ticket.status == Status.ON_HOLD:
                options += [("customer reply", ticket), ("resolve", ticket)]
            if ticket.status == Status.RESOLVED:
                options += [("reopen", ticket), ("close", ticket)]
        return options

    def step(self):
        rng = self.rng
        self.now += timedelta(minutes=rng.choice((5, 20, 45, 90, 240, 600, 1440)))
        name, ticket = rng.choice(self.choices())
        self.log.append((self.now.isoformat(), name, ticket and ticket.pk))
        engineer = rng.choice(self.engineers)
        with at(self.now):
            if name == "open":
                customer = rng.choice(self.customers)
                priority = rng.choice(("P1", "P2", "P2", "P3", "P4"))
                self.tickets.append(
                    open_ticket(self.world, self.ticket_type, requester=customer, priority=priority)
                )
            elif name == "sweep":
                outcomes_breach_due(now=self.now)
            elif name == "staff reply":
                ticket_reply(ticket=ticket, actor=engineer, body="On it", base_url=BASE)
            elif name == "customer reply":
                ticket_reply(ticket=ticket, actor=ticket.requester, body="Here", base_url=BASE)
            elif name == "priority":
                value = rng.choice(("P1", "P2", "P3", "P4"))
                ticket_priority_change(ticket=ticket, actor=engineer, priority=value, reason="x")
            elif name == "assign":
                ticket_assign(
                    ticket=ticket,
                    actor=self.world.manager,
                    assignee=rng.choice([*self.engineers, None]),
                    base_url=BASE,
                )
            elif name == "escalate":
                ticket_escalation_level_set(
                    ticket=ticket,
                    level=rng.choice(self.levels),
                    reason="Due",
                    by="rule",
                    down=rng.random() < 0.3,
                    now=self.now,
                )
            else:
                to_status = {
                    "hold": Status.ON_HOLD,
                    "resolve": Status.RESOLVED,
                    "reopen": Status.IN_PROGRESS,
                    "close": Status.CLOSED,
                }[name]
                ticket_transition(ticket=ticket, actor=engineer, to_status=to_status, base_url=BASE)


@pytest.mark.parametrize("seed", [7, 2026])
def test_rollups_equal_a_recount_after_every_change(planned, ticket_type, seed):
    desk = RandomDesk(planned, ticket_type, seed)
    for _ in range(70):
        with suppress(PermissionDenied, ValidationError):  # a change the desk refuses
            desk.step()
        assert_rollups_recount(planned.tenant, desk.log[-5:])
    with at(desk.now):
        outcomes_breach_due(now=desk.now + timedelta(days=30))
    assert_rollups_recount(planned.tenant, "final sweep")
    decided = SlaOutcome.objects.filter(tenant=planned.tenant, decided_at__isnull=False)
    # The sequence is varied enough to prove something: both outcomes, several tickets.
    assert decided.filter(state=MET).exists() and decided.filter(state=BREACHED).exists()
    assert len(desk.tickets) >= 5


# --- the breach sweep ---------------------------------------------------------------


def test_the_sweep_records_a_breach_once(planned, ticket_type):
    with at(la(2, 23, 9)):
        ticket = open_ticket(planned, ticket_type, priority="P2")  # FR due 13:00
    assert outcomes_breach_due(now=la(2, 23, 12, 59)) == 0
    assert outcomes_breach_due(now=la(2, 23, 13, 1)) == 1
    cells = rollup_cells(planned.tenant)
    assert outcomes_breach_due(now=la(2, 23, 13, 2)) == 0
    assert rollup_cells(planned.tenant) == cells
    report = sla_report(
        tenant=planned.tenant,
        filters=ReportFilters(period=week(date(2026, 2, 23))),
        now=la(2, 24, 9),
    )
    assert (report.totals[FR].targets, report.totals[FR].breached) == (1, 1)
    outcome = SlaOutcome.objects.get(ticket=ticket, metric=FR)
    assert outcome.breached_at == la(2, 23, 13) and outcome.decided_at == la(2, 23, 13)
    # Answered late the next day: still one breach, on the day it was due, now measured.
    with at(la(2, 24, 9)):
        ticket_reply(ticket=ticket, actor=planned.engineer, body="Sorry", base_url=BASE)
    report = sla_report(
        tenant=planned.tenant,
        filters=ReportFilters(period=week(date(2026, 2, 23))),
        now=la(2, 24, 9),
    )
    assert (report.totals[FR].targets, report.totals[FR].breached) == (1, 1)
    assert report.totals[FR].measured == 1
    assert report.totals[FR].business_seconds == 9 * 3600  # Mon 09:00–17:00, Tue 08:00–09:00
    assert_rollups_recount(planned.tenant)


def test_the_every_minute_task_records_due_breaches(planned, ticket_type):
    with at(la(2, 23, 9)):
        open_ticket(planned, ticket_type, priority="P2")
        open_ticket(planned, ticket_type, priority="P1")  # FR 1 hour (24/7): due 10:00
    with at(la(2, 23, 10, 30)):
        assert record_sla_breaches.delay().get() == 1
        assert record_sla_breaches.delay().get() == 0
    with at(la(2, 23, 13, 30)):
        assert record_sla_breaches.delay().get() == 1
    report = sla_report(
        tenant=planned.tenant,
        filters=ReportFilters(period=week(date(2026, 2, 23)), metric=FR),
        now=la(2, 23, 13, 30),
    )
    assert (report.totals[FR].targets, report.totals[FR].met) == (2, 0)
    assert_rollups_recount(planned.tenant)


# --- outcomes follow the ticket ------------------------------------------------------


def by_key(report) -> dict:
    """Targets per row of the report (rows counting nothing left out: see
    :func:`test_an_engineer_left_without_outcomes_has_no_row`)."""
    counts = {row.key: sum(f.targets for f in row.figures.values()) for row in report.rows}
    return {key: count for key, count in counts.items() if count}


def test_an_outcome_follows_the_engineer_and_the_escalation_level(planned, ticket_type):
    other = EngineerFactory(tenant=planned.tenant, email="third@acme.test")
    first, second = level(planned.tenant, 1, "Level 1"), level(planned.tenant, 2, "Level 2")
    with at(la(2, 23, 9)):
        ticket = open_ticket(planned, ticket_type, priority="P2")
        ticket_assign(
            ticket=ticket, actor=planned.engineer, assignee=planned.engineer, base_url=BASE
        )
    with at(la(2, 23, 10)):
        ticket_reply(ticket=ticket, actor=planned.engineer, body="On it", base_url=BASE)
    period = week(date(2026, 2, 23))

    def counts(group):
        return by_key(
            sla_report(
                tenant=planned.tenant,
                filters=ReportFilters(period=period, group=group, metric=FR),
                now=la(2, 23, 12),
            )
        )

    assert counts(ENGINEER) == {planned.engineer.pk: 1}
    assert counts(LEVEL) == {0: 1}
    with at(la(2, 23, 11)):
        ticket_assign(ticket=ticket, actor=planned.manager, assignee=other, base_url=BASE)
        ticket_escalation_level_set(ticket=ticket, level=first, reason="Stuck", now=la(2, 23, 11))
    assert counts(ENGINEER) == {other.pk: 1}
    assert counts(LEVEL) == {first.pk: 1}
    with at(la(2, 23, 11, 30)):
        ticket_escalation_level_set(
            ticket=ticket, level=second, reason="Still stuck", hand_over=True, now=la(2, 23, 11, 30)
        )
    assert counts(ENGINEER) == {0: 1}  # handed over: unassigned
    assert counts(LEVEL) == {second.pk: 1}
    rows = outcome_rows(
        tenant=planned.tenant, filters=RowFilters(period=period, level=second.pk, engineer=0)
    )
    assert list(rows.values_list("ticket_id", "metric")) == [(ticket.pk, FR)]
    assert_rollups_recount(planned.tenant)


def test_an_engineer_left_without_outcomes_has_no_row(planned, ticket_type):
    """The report by engineer lists the engineers whose targets it counts: once the only
    ticket of an engineer moves to a colleague, the first has no row (not a row of
    zeros)."""
    other = EngineerFactory(tenant=planned.tenant, email="third@acme.test")
    with at(la(2, 23, 9)):
        ticket = open_ticket(planned, ticket_type, priority="P2")
        ticket_assign(
            ticket=ticket, actor=planned.engineer, assignee=planned.engineer, base_url=BASE
        )
    with at(la(2, 23, 10)):
        ticket_reply(ticket=ticket, actor=planned.engineer, body="On it", base_url=BASE)
    with at(la(2, 23, 11)):
        ticket_assign(ticket=ticket, actor=planned.manager, assignee=other, base_url=BASE)
    report = sla_report(
        tenant=planned.tenant,
        filters=ReportFilters(period=week(date(2026, 2, 23)), group=ENGINEER),
        now=la(2, 23, 12),
    )
    assert [(row.key, row.figures[FR].targets) for row in report.rows] == [(other.pk, 1)]


def test_a_priority_without_targets_takes_the_outcome_out_of_the_report(planned, ticket_type):
    with at(la(2, 23, 9)):
        ticket = open_ticket(planned, ticket_type, priority="P2")
    outcomes_breach_due(now=la(2, 23, 14))  # first response breached at 13:00
    period = week(date(2026, 2, 23))
    report = sla_report(
        tenant=planned.tenant, filters=ReportFilters(period=period), now=la(2, 23, 14)
    )
    assert report.totals[FR].breached == 1
    with at(la(2, 23, 15)):
        ticket_priority_change(ticket=ticket, actor=planned.engineer, priority="P4", reason="Minor")
    assert not SlaOutcome.objects.filter(ticket=ticket).exists()
    report = sla_report(
        tenant=planned.tenant, filters=ReportFilters(period=period), now=la(2, 23, 15)
    )
    assert report.totals[FR].targets == 0 and report.totals[RES].targets == 0
    assert rollup_cells(planned.tenant) == {}
    assert not outcome_rows(tenant=planned.tenant, filters=RowFilters(period=period)).exists()


def test_a_first_response_kept_on_earlier_terms_keeps_the_time_it_took(planned, ticket_type):
    """Opened Friday 15:00 as P3 (8 business hours), answered Monday 09:00: 3 business
    hours. Raised to P1 (1 hour, 24/7) afterwards, the response stays met on its P3 terms,
    and the report's time to first response for P3 stays 3 hours: not the 66 hours of
    the P1 clock the response was never measured against."""
    with at(la(2, 20, 15)):
        ticket = open_ticket(planned, ticket_type, priority="P3")
    with at(la(2, 23, 9)):
        ticket_reply(ticket=ticket, actor=planned.engineer, body="On it", base_url=BASE)
    before = sla_report(
        tenant=planned.tenant,
        filters=ReportFilters(period=week(date(2026, 2, 23)), metric=FR, priority="P3"),
        now=la(2, 23, 9, 30),
    ).totals[FR]
    assert (before.met, before.business_seconds, before.median) == (1, 3 * 3600, (3 * 3600, False))
    with at(la(2, 23, 10)):
        ticket_priority_change(
            ticket=ticket, actor=planned.engineer, priority="P1", reason="Outage"
        )
    after = sla_report(
        tenant=planned.tenant,
        filters=ReportFilters(period=week(date(2026, 2, 23)), metric=FR, priority="P3"),
        now=la(2, 23, 10),
    ).totals[FR]
    assert after.earlier_terms == 1 and after.met == 1
    assert (after.business_seconds, after.median) == (3 * 3600, (3 * 3600, False))


# --- one help desk's numbers ----------------------------------------------------------


def test_another_help_desks_tickets_are_never_counted(planned, globex, ticket_type):
    from .factories import TicketTypeFactory

    other_plan = plan_with_matrix(tenant=globex.tenant, cells=MATRIX, name="Globex Gold")
    globex.org.plan = other_plan
    globex.org.save(update_fields=["plan"])
    globex_type = TicketTypeFactory(tenant=globex.tenant, name="Networking", slug="networking")
    with at(la(2, 23, 9)):
        ours = open_ticket(planned, ticket_type, priority="P2")
        theirs = open_ticket(globex, globex_type, priority="P2")
    with at(la(2, 23, 10)):
        ticket_reply(ticket=ours, actor=planned.engineer, body="On it", base_url=BASE)
        ticket_reply(ticket=theirs, actor=globex.engineer, body="On it", base_url=BASE)
    outcomes_breach_due(now=la(2, 27, 9))  # both resolutions breached
    period = week(date(2026, 2, 23))
    now = la(2, 27, 9)
    for tenant, ticket, org, foreign_org, foreign_plan in (
        (planned.tenant, ours, planned.org, globex.org, other_plan),
        (globex.tenant, theirs, globex.org, planned.org, planned.org.plan),
    ):
        report = sla_report(tenant=tenant, filters=ReportFilters(period=period), now=now)
        assert (report.totals[FR].met, report.totals[RES].breached) == (1, 1)
        by_org = sla_report(
            tenant=tenant, filters=ReportFilters(period=period, group=ORGANIZATION), now=now
        )
        assert set(by_key(by_org)) == {org.pk}
        rows = outcome_rows(tenant=tenant, filters=RowFilters(period=period))
        assert set(rows.values_list("ticket_id", flat=True)) == {ticket.pk}
        # Asking for the other help desk's organization or plan gives nothing.
        foreign = RowFilters(period=period, organization=foreign_org.pk)
        assert not outcome_rows(tenant=tenant, filters=foreign).exists()
        assert not outcome_rows(
            tenant=tenant, filters=RowFilters(period=period, plan=foreign_plan.pk)
        ).exists()
        report = sla_report(
            tenant=tenant, filters=ReportFilters(period=period, plan=foreign_plan.pk), now=now
        )
        assert all(f.targets == 0 for f in report.totals.values())
        assert_rollups_recount(tenant)


def test_a_breach_the_sweep_recorded_stays_when_the_priority_changes_later(planned, ticket_type):
    """Due at 13:00 as P2 and unanswered: the report counts a breach. Lowered to P3 (8
    business hours) at 14:30 and answered at 15:00, the response was still late on the
    terms it ran on when it breached: the breach stays counted, on its P2 terms."""
    with at(la(2, 23, 9)):
        ticket = open_ticket(planned, ticket_type, priority="P2")
    outcomes_breach_due(now=la(2, 23, 14))
    with at(la(2, 23, 14, 30)):
        ticket_priority_change(ticket=ticket, actor=planned.engineer, priority="P3", reason="x")
    with at(la(2, 23, 15)):
        ticket_reply(ticket=ticket, actor=planned.engineer, body="Sorry", base_url=BASE)
    report = sla_report(
        tenant=planned.tenant,
        filters=ReportFilters(period=week(date(2026, 2, 23)), metric=FR),
        now=la(2, 23, 15),
    )
    assert (report.totals[FR].targets, report.totals[FR].breached) == (1, 1)
    outcome = SlaOutcome.objects.get(ticket=ticket, metric=FR)
    assert (outcome.state, outcome.priority, outcome.breached_at) == (
        BREACHED,
        "P2",
        la(2, 23, 13),
    )


def test_an_answer_at_the_due_time_is_met(planned, ticket_type):
    """Due at 13:00 and answered at 13:00 sharp: met, on the ticket and in the report."""
    with at(la(2, 23, 9)):
        ticket = open_ticket(planned, ticket_type, priority="P2")
    with at(la(2, 23, 13)):
        ticket_reply(ticket=ticket, actor=planned.engineer, body="Here", base_url=BASE)
    ticket.refresh_from_db()
    assert ticket.first_response_state == MET
    report = sla_report(
        tenant=planned.tenant,
        filters=ReportFilters(period=week(date(2026, 2, 23)), metric=FR),
        now=la(2, 23, 13),
    )
    assert (report.totals[FR].targets, report.totals[FR].met) == (1, 1)


def test_at_its_due_time_a_target_still_runs_for_the_sweep_too(planned, ticket_type):
    """At 13:00 sharp the ticket page shows the first response due now, not breached; the
    sweep records nothing until the due time has passed."""
    from tickets.services.sla import ticket_sla_evaluated

    with at(la(2, 23, 9)):
        ticket = open_ticket(planned, ticket_type, priority="P2")  # FR due 13:00
    ticket = Ticket.objects.select_related("tenant", "organization").get(pk=ticket.pk)
    assert outcomes_breach_due(now=la(2, 23, 13)) == 0
    assert ticket_sla_evaluated(ticket=ticket, now=la(2, 23, 13)).outcome[FR].state == "running"
    assert outcomes_breach_due(now=la(2, 23, 13) + timedelta(seconds=1)) == 1


def test_a_breach_the_sweep_records_keeps_the_time_the_ticket_was_on_hold(planned, ticket_type):
    """On hold for 2 business hours, then overdue: the breach the sweep records counts
    those 2 hours paused, as a rebuild from the ticket does."""
    from io import StringIO

    from django.core.management import call_command

    with at(la(2, 23, 9)):
        ticket = open_ticket(planned, ticket_type, priority="P2")  # resolution: 2 bd
    with at(la(2, 23, 10)):
        ticket_reply(
            ticket=ticket,
            actor=planned.engineer,
            body="Which site?",
            status=Status.ON_HOLD,
            base_url=BASE,
        )
    with at(la(2, 23, 12)):
        ticket_reply(ticket=ticket, actor=planned.customer, body="Bogotá", base_url=BASE)
    # Due Wed 25 Feb 11:00 (18 bh + 2 bh on hold); the sweep runs on Thursday.
    outcomes_breach_due(now=la(2, 26, 9))
    period = week(date(2026, 2, 23))
    swept = sla_report(
        tenant=planned.tenant, filters=ReportFilters(period=period, metric=RES), now=la(2, 26, 9)
    ).totals[RES]
    assert (swept.breached, swept.paused_seconds) == (1, 2 * 3600)
    with at(la(2, 26, 9)):
        call_command("sla_outcomes_rebuild", stdout=StringIO())
    rebuilt = sla_report(
        tenant=planned.tenant, filters=ReportFilters(period=period, metric=RES), now=la(2, 26, 9)
    ).totals[RES]
    assert (rebuilt.breached, rebuilt.paused_seconds) == (1, 2 * 3600)
