"""The SLA report's numbers equal a brute-force count over the tickets.

A scenario of tickets is played through the services at set times (met, breached while
open, breached then answered late, on hold then resumed, resolved then reopened and
resolved late, a priority change after the first response, a matrix edit with a
recompute, N/A targets, an organization without a plan, another help desk). The brute
force evaluates every ticket afresh with the ticket page's evaluation and counts what it
decided in each period; the report, read from the daily rollups, must say the same, in
total and in every row of every grouping, and its ticket-level rows must be exactly those
tickets.

Where the two legitimately differ: an outcome decided before its terms changed (the
priority was changed after the first response, the matrix was edited and recomputed)
keeps the terms it was measured against, while the ticket page evaluates the ticket on
its current priority and matrix. The brute force counts such an outcome under the
priority in force when it was decided (read from the ticket's history), which is what the
report shows (``measured_on_earlier_terms``).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from sla.engine import BREACHED, MET, measure
from sla.measures import BUCKETS, bucket_of
from sla.services import plan_set_matrix
from sla.targets import parse_target
from tests.escalation.factories import level
from tests.factories import CustomerFactory, EngineerFactory, OrganizationFactory
from tickets.models import EventKind, SlaOutcome, Status, Ticket, TicketEvent
from tickets.reports.periods import CUSTOM, Period, month_period
from tickets.reports.selectors import (
    ENGINEER,
    LEVEL,
    METRIC,
    ORGANIZATION,
    PLAN,
    PRIORITY,
    REQUEST_TYPE,
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
from tickets.services.outcomes import outcomes_breach_due
from tickets.services.sla import sla_recompute_open_tickets, ticket_sla_evaluated

from ..sla.factories import plan_with_matrix
from .conftest import open_ticket
from .factories import TicketTypeFactory
from .test_sla_on_tickets import at

pytestmark = pytest.mark.django_db
LA = ZoneInfo("America/Los_Angeles")
FR, RES = "first_response", "resolution"
BASE = "http://acme.localhost/"
GROUPS = (PLAN, PRIORITY, METRIC, ORGANIZATION, REQUEST_TYPE, ENGINEER, LEVEL)


def la(month, day, hour, minute=0):
    return datetime(2026, month, day, hour, minute, tzinfo=LA)


# The report is read on Tuesday 3 March 2026 at noon (Pacific, the help desk's zone).
NOW = la(3, 3, 12)
TODAY = NOW.date()

GOLD = {
    ("P1", FR): "1 hour (24/7)",
    ("P1", RES): "1 bd",
    ("P2", FR): "4 bh",
    ("P2", RES): "2 bd",
    ("P3", FR): "8 bh",
    ("P3", RES): "N/A",
}  # P4: N/A both (no cells)
SILVER = {("P2", FR): "2 bh", ("P2", RES): "3 bd"}


@dataclasses.dataclass
class Scenario:
    world: object
    other: object
    gold: object
    silver: object
    tickets: dict
    levels: dict
    types: dict
    engineers: dict


def edit_matrix(plan, cells):
    plan_set_matrix(
        plan=plan,
        calendar=plan.calendar,
        cells={cell: parse_target(text) for cell, text in cells.items()},
    )


def play(timeline):
    """Run the (moment, action) steps in time order, each at its moment."""
    for moment, action in sorted(timeline, key=lambda step: step[0]):
        with at(moment):
            action(moment)


def build_scenario(acme, globex, *, terms_change: bool = True) -> Scenario:
    """The scenario's tickets, played through the services; ``terms_change`` False leaves
    out the two changes of terms after a decision (the priority raised after the first
    response, Silver's matrix edit and recompute)."""
    tenant = acme.tenant
    gold = plan_with_matrix(tenant=tenant, cells=GOLD, name="Gold")
    acme.org.plan = gold
    acme.org.save(update_fields=["plan"])
    silver_org = OrganizationFactory(tenant=tenant, name="Acme Customer C")
    silver = plan_with_matrix(tenant=tenant, cells=SILVER, name="Silver")
    silver_org.plan = silver
    silver_org.save(update_fields=["plan"])
    silver_customer = CustomerFactory(
        tenant=tenant, organization=silver_org, email="silver@acme.test"
    )
    # acme.other_org keeps no plan: its tickets have no targets.
    network = TicketTypeFactory(tenant=tenant, name="Networking", slug="networking")
    access = TicketTypeFactory(tenant=tenant, name="Access", slug="access")
    vpn_access = TicketTypeFactory(tenant=tenant, name="VPN", slug="vpn", parent=access)
    second = EngineerFactory(tenant=tenant, email="second@acme.test")
    l1 = level(tenant, 1, "Level 1")
    l2 = level(tenant, 2, "Level 2")

    other_plan = plan_with_matrix(tenant=globex.tenant, cells=GOLD, name="Globex Gold")
    globex.org.plan = other_plan
    globex.org.save(update_fields=["plan"])
    globex_type = TicketTypeFactory(tenant=globex.tenant, name="Networking", slug="networking")

    T: dict[str, Ticket] = {}
    eng, manager, customer = acme.engineer, acme.manager, acme.customer

    def opened(name, world, type_, priority, requester=None):
        def action(_moment):
            T[name] = open_ticket(world, type_, requester=requester, priority=priority, title=name)

        return action

    def reply(name, actor, status=None):
        def action(_moment):
            ticket_reply(
                ticket=T[name], actor=actor, body="Looking at it", status=status, base_url=BASE
            )

        return action

    def move(name, actor, to_status):
        def action(_moment):
            ticket_transition(ticket=T[name], actor=actor, to_status=to_status, base_url=BASE)

        return action

    def assign(name, actor, assignee):
        def action(_moment):
            ticket_assign(ticket=T[name], actor=actor, assignee=assignee, base_url=BASE)

        return action

    def escalate(name, to_level):
        def action(moment):
            ticket_escalation_level_set(
                ticket=T[name], level=to_level, reason="Due time passed", by="rule", now=moment
            )

        return action

    def priority(name, value):
        def action(_moment):
            ticket_priority_change(ticket=T[name], actor=eng, priority=value, reason="Scope")

        return action

    def sweep(moment):
        outcomes_breach_due(now=moment)

    def recompute_silver(_moment):
        edit_matrix(silver, {("P2", FR): "1 bh"})
        sla_recompute_open_tickets(tenant=tenant, plan=silver)

    raise_after_response = priority("raised", "P1")
    timeline = [
        # met: assigned, answered in 1 bh, resolved in 10 bh of 18.
        (la(2, 23, 9), opened("met", acme, network, "P2")),
        (la(2, 23, 9, 10), assign("met", eng, eng)),
        (la(2, 23, 10), reply("met", eng)),
        (la(2, 24, 10), move("met", eng, Status.RESOLVED)),
        # breached while open: nobody answers; the sweep records it, at level 1.
        (la(2, 23, 9), opened("silent", acme, network, "P2")),
        (la(2, 23, 13, 30), escalate("silent", l1)),
        (la(2, 23, 14), sweep),
        # breached then answered late: due Fri 10:00, answered Monday, resolved in time.
        (la(2, 26, 15), opened("late", acme, vpn_access, "P2")),
        (la(2, 27, 11), sweep),
        (la(2, 27, 11, 30), escalate("late", l2)),
        (la(3, 2, 9), reply("late", eng)),
        (la(3, 2, 10), move("late", eng, Status.RESOLVED)),
        # on hold for 9 bh, then resumed by the customer's answer, resolved in 16 bh.
        (la(2, 23, 9), opened("held", acme, access, "P2")),
        (la(2, 23, 9, 5), assign("held", manager, second)),
        (la(2, 23, 11), reply("held", eng, Status.ON_HOLD)),
        (la(2, 24, 11), reply("held", customer)),
        (la(2, 25, 16), move("held", second, Status.RESOLVED)),
        # resolved in time, reopened (resolution runs again), resolved late.
        (la(2, 24, 9), opened("reopened", acme, network, "P1")),
        (la(2, 24, 9, 30), reply("reopened", eng)),
        (la(2, 24, 12), move("reopened", eng, Status.RESOLVED)),
        (la(2, 25, 10), move("reopened", eng, Status.IN_PROGRESS)),
        (la(2, 26, 9), move("reopened", eng, Status.RESOLVED)),
        # first response met as P3, then raised to P1: the response keeps its P3 terms.
        (la(2, 23, 9), opened("raised", acme, network, "P3")),
        (la(2, 23, 12), reply("raised", eng)),
        (la(2, 23, 13), raise_after_response),
        (la(2, 23, 15), move("raised", eng, Status.RESOLVED)),
        # Silver's first response goes from 2 bh to 1 bh with a recompute at 09:30: the
        # answered one keeps its 2 bh; the open one is due at 10:00 and answered late.
        (la(2, 25, 8), opened("kept", acme, access, "P2", requester=silver_customer)),
        (la(2, 25, 8, 30), reply("kept", eng)),
        (la(2, 25, 9), opened("recomputed", acme, network, "P2", requester=silver_customer)),
        (la(2, 25, 9, 30), recompute_silver),
        (la(2, 25, 10, 30), reply("recomputed", eng)),
        # N/A: P3 has no resolution target, P4 none at all.
        (la(2, 24, 9), opened("no resolution target", acme, network, "P3")),
        (la(2, 24, 10), reply("no resolution target", eng)),
        (la(2, 24, 11), move("no resolution target", eng, Status.RESOLVED)),
        (la(2, 24, 9), opened("no targets", acme, network, "P4")),
        (la(2, 24, 10), reply("no targets", eng)),
        # An organization without a plan.
        (la(2, 24, 9), opened("no plan", acme, network, "P1", requester=acme.other_org_customer)),
        (la(2, 24, 10), reply("no plan", eng)),
        (la(2, 24, 11), move("no plan", eng, Status.RESOLVED)),
        # Answered on Saturday 28 February at 23:40 Pacific (1 March in UTC), 24/7 clock:
        # February in the help desk's days.
        (la(2, 28, 23), opened("saturday night", acme, network, "P1")),
        (la(2, 28, 23, 40), reply("saturday night", eng)),
        (la(3, 2, 16), move("saturday night", eng, Status.RESOLVED)),
        # Another help desk, same days: never counted.
        (la(2, 23, 9), opened("globex", globex, globex_type, "P2")),
        (la(2, 23, 10), reply("globex", globex.engineer)),
        (la(2, 23, 15), move("globex", globex.engineer, Status.RESOLVED)),
        (la(2, 24, 9), opened("globex late", globex, globex_type, "P2")),
        # The every-minute sweep has run by the time the report is read.
        (NOW, sweep),
    ]
    if not terms_change:
        timeline = [
            (moment, action)
            for moment, action in timeline
            if action is not recompute_silver and action is not raise_after_response
        ]
    play(timeline)
    return Scenario(
        world=acme,
        other=globex,
        gold=gold,
        silver=silver,
        tickets=T,
        levels={"l1": l1, "l2": l2},
        types={"network": network, "access": access, "vpn": vpn_access},
        engineers={"eng": eng, "second": second},
    )


@pytest.fixture
def scenario(acme, globex):
    return build_scenario(acme, globex)


# --- the brute force ------------------------------------------------------------------


@dataclasses.dataclass
class Count:
    targets: int = 0
    met: int = 0
    measured: int = 0
    business_seconds: int = 0
    buckets: list = dataclasses.field(default_factory=lambda: [0] * BUCKETS)

    @property
    def breached(self):
        return self.targets - self.met

    def as_tuple(self):
        return (
            self.targets,
            self.met,
            self.breached,
            self.measured,
            self.business_seconds,
            tuple(self.buckets),
        )


def figures_tuple(figures):
    return (
        figures.targets,
        figures.met,
        figures.breached,
        figures.measured,
        figures.business_seconds,
        tuple(figures.buckets),
    )


def priority_when(ticket, moment) -> str:
    """The ticket's priority at ``moment``, read from its history."""
    changes = TicketEvent.objects.filter(
        ticket=ticket, kind=EventKind.PRIORITY, created_at__gt=moment
    ).order_by("created_at", "pk")
    first_later = changes.first()
    return first_later.data["from"] if first_later else ticket.priority


@dataclasses.dataclass(frozen=True)
class Decided:
    ticket_id: int
    metric: str
    state: str
    day: date
    plan: int
    priority: str
    organization: int
    request_type: int
    engineer: int
    level: int
    business_seconds: int | None


def brute_force(tenant, now) -> list[Decided]:
    """Every target of the tenant's tickets decided by ``now``, evaluated afresh."""
    decided = []
    tickets = Ticket.objects.filter(tenant=tenant).select_related(
        "tenant", "organization", "ticket_type"
    )
    zone = ZoneInfo(tenant.time_zone)
    for ticket in tickets.order_by("pk"):
        evaluated = ticket_sla_evaluated(ticket=ticket, now=now, explain=False)
        for metric, status in evaluated.outcome.items():
            if status.state not in (MET, BREACHED):
                continue
            # Decided on earlier terms: the priority in force when it was decided.
            terms_priority = priority_when(ticket, status.ended_at)
            facts = dataclasses.replace(evaluated.facts, priority=terms_priority)
            used = measure(evaluated.book, facts, now, metric).business_seconds
            decided.append(
                Decided(
                    ticket_id=ticket.pk,
                    metric=metric,
                    state=status.state,
                    day=status.ended_at.astimezone(zone).date(),
                    plan=evaluated.book.plan_id,
                    priority=terms_priority,
                    organization=ticket.organization_id,
                    request_type=ticket.ticket_type.parent_id or ticket.ticket_type_id,
                    engineer=ticket.assignee_id or 0,
                    level=ticket.escalation_level_id or 0,
                    business_seconds=used,
                )
            )
    return decided


def in_filters(item: Decided, period: Period, plan=None, priority="", metric="") -> bool:
    return (
        period.first_day <= item.day <= period.last_day
        and (plan is None or item.plan == plan)
        and (not priority or item.priority == priority)
        and (not metric or item.metric == metric)
    )


def counted(items, key=lambda item: None) -> dict:
    result = defaultdict(lambda: defaultdict(Count))
    for item in items:
        count = result[key(item)][item.metric]
        count.targets += 1
        count.met += item.state == MET
        if item.business_seconds is not None:
            count.measured += 1
            count.business_seconds += item.business_seconds
            count.buckets[bucket_of(item.business_seconds)] += 1
    return {k: {m: c.as_tuple() for m, c in v.items()} for k, v in result.items()}


GROUP_KEYS = {
    PLAN: lambda item: item.plan,
    PRIORITY: lambda item: item.priority,
    METRIC: lambda item: item.metric,
    ORGANIZATION: lambda item: item.organization,
    REQUEST_TYPE: lambda item: item.request_type,
    ENGINEER: lambda item: item.engineer,
    LEVEL: lambda item: item.level,
}


def report_rows(report) -> dict:
    return {
        row.key: {
            metric: figures_tuple(figures)
            for metric, figures in row.figures.items()
            if figures.targets
        }
        for row in report.rows
    }


def report_totals(report) -> dict:
    totals = {m: figures_tuple(f) for m, f in report.totals.items() if f.targets}
    return {None: totals} if totals else {}


FEB_23 = Period(CUSTOM, date(2026, 2, 23), date(2026, 2, 23))
FEBRUARY = month_period(date(2026, 2, 1), today=TODAY)
ACROSS_MONTHS = Period(CUSTOM, date(2026, 2, 25), date(2026, 3, 2))
PERIODS = {"a day": FEB_23, "a month": FEBRUARY, "across a month's end": ACROSS_MONTHS}


def filter_cases(scenario):
    return [
        {},
        {"plan": scenario.gold.pk},
        {"plan": scenario.silver.pk},
        {"priority": "P2"},
        {"priority": "P3"},
        {"metric": FR},
        {"metric": RES, "plan": scenario.gold.pk},
    ]


def test_report_equals_brute_force_for_every_period_filter_and_grouping(scenario):
    tenant = scenario.world.tenant
    decided = brute_force(tenant, NOW)
    assert decided, "the scenario decides targets"
    for period_name, period in PERIODS.items():
        for filters in filter_cases(scenario):
            wanted = [item for item in decided if in_filters(item, period, **filters)]
            for group in GROUPS:
                report = sla_report(
                    tenant=tenant,
                    filters=ReportFilters(period=period, group=group, **filters),
                    now=NOW,
                )
                where = f"{period_name} {filters} by {group}"
                assert report_totals(report) == counted(wanted), where
                assert report_rows(report) == counted(wanted, GROUP_KEYS[group]), where
            rows = outcome_rows(tenant=tenant, filters=RowFilters(period=period, **filters))
            assert sorted(rows.values_list("ticket_id", "metric")) == sorted(
                (item.ticket_id, item.metric) for item in wanted
            ), f"{period_name} {filters}"


def test_drill_down_rows_are_the_tickets_each_row_counts(scenario):
    tenant = scenario.world.tenant
    decided = brute_force(tenant, NOW)
    row_filter = {
        ORGANIZATION: "organization",
        REQUEST_TYPE: "request_type",
        ENGINEER: "engineer",
        LEVEL: "level",
    }
    for period in PERIODS.values():
        for group, name in row_filter.items():
            report = sla_report(
                tenant=tenant, filters=ReportFilters(period=period, group=group), now=NOW
            )
            for row in report.rows:
                for outcome in ("met", "breached"):
                    rows = outcome_rows(
                        tenant=tenant,
                        filters=RowFilters(period=period, outcome=outcome, **{name: row.key}),
                    )
                    wanted = sorted(
                        (item.ticket_id, item.metric)
                        for item in decided
                        if in_filters(item, period)
                        and GROUP_KEYS[group](item) == row.key
                        and (item.state == MET) == (outcome == "met")
                    )
                    assert sorted(rows.values_list("ticket_id", "metric")) == wanted
                    figures = row.figures
                    shown = sum(f.met if outcome == "met" else f.breached for f in figures.values())
                    assert shown == len(wanted)


def test_the_scenarios_outcomes_read_as_a_person_expects(scenario):
    """The brute force is only as good as the scenario: each case decided as described."""
    T = scenario.tickets
    tenant = scenario.world.tenant
    decided = {(item.ticket_id, item.metric): item for item in brute_force(tenant, NOW)}

    def state(name, metric):
        item = decided.get((T[name].pk, metric))
        return None if item is None else (item.state, item.day)

    assert state("met", FR) == (MET, date(2026, 2, 23))
    assert state("met", RES) == (MET, date(2026, 2, 24))
    assert state("silent", FR) == (BREACHED, date(2026, 2, 23))
    assert state("silent", RES) == (BREACHED, date(2026, 2, 25))
    assert state("late", FR) == (BREACHED, date(2026, 2, 27))
    assert state("late", RES) == (MET, date(2026, 3, 2))
    assert state("held", RES) == (MET, date(2026, 2, 25))
    assert state("reopened", FR) == (MET, date(2026, 2, 24))
    # Resolved in time on the 24th, reopened: it ran again and ended late on the 25th.
    assert state("reopened", RES) == (BREACHED, date(2026, 2, 25))
    assert state("raised", FR) == (MET, date(2026, 2, 23))
    assert decided[(T["raised"].pk, FR)].priority == "P3"
    assert state("raised", RES) == (MET, date(2026, 2, 23))
    assert state("kept", FR) == (MET, date(2026, 2, 25))
    assert state("recomputed", FR) == (BREACHED, date(2026, 2, 25))
    assert state("recomputed", RES) == (BREACHED, date(2026, 3, 2))
    assert state("no resolution target", FR) == (MET, date(2026, 2, 24))
    assert state("no resolution target", RES) is None
    assert state("no targets", FR) is None and state("no plan", FR) is None
    assert state("saturday night", FR) == (MET, date(2026, 2, 28))
    assert not any(item.ticket_id == T["globex"].pk for item in decided.values())

    held = SlaOutcome.objects.get(ticket=T["held"], metric=RES)
    assert held.paused_seconds == 9 * 3600 and held.business_seconds == 16 * 3600


def test_outcomes_decided_before_their_terms_changed_are_reported_on_those_terms(scenario):
    """The ticket page shows the raised ticket as P1 and Silver's matrix as 1 bh; the report
    counts the first response on the P3 and 2 bh terms it was met on, and says so."""
    T = scenario.tickets
    tenant = scenario.world.tenant
    raised = Ticket.objects.select_related("tenant", "organization").get(pk=T["raised"].pk)
    live = ticket_sla_evaluated(ticket=raised, now=NOW, explain=False)
    assert raised.priority == "P1" and live.outcome[FR].state == MET
    assert live.outcome[FR].target_text == "1 hour (24/7)"
    stored = SlaOutcome.objects.get(ticket=raised, metric=FR)
    assert (stored.priority, stored.target_amount, stored.target_unit) == ("P3", 8, "hours")
    assert stored.measured_on_earlier_terms

    kept = Ticket.objects.select_related("tenant", "organization").get(pk=T["kept"].pk)
    assert ticket_sla_evaluated(ticket=kept, now=NOW).outcome[FR].target_text == ("1 business hour")
    stored = SlaOutcome.objects.get(ticket=kept, metric=FR)
    assert (stored.target_amount, stored.state) == (2, MET) and stored.measured_on_earlier_terms

    report = sla_report(
        tenant=tenant,
        filters=ReportFilters(period=FEBRUARY, priority="P3", metric=FR, group=PRIORITY),
        now=NOW,
    )
    # "raised" (met as P3) and "no resolution target" (P3) are February's P3 responses.
    assert report.totals[FR].targets == 2 and report.totals[FR].met == 2
    everything = sla_report(tenant=tenant, filters=ReportFilters(period=FEBRUARY), now=NOW)
    assert everything.earlier_terms == 2


def test_another_help_desk_reads_only_its_own_numbers(scenario):
    globex = scenario.other.tenant
    report = sla_report(tenant=globex, filters=ReportFilters(period=FEBRUARY), now=NOW)
    decided = brute_force(globex, NOW)
    assert report_totals(report) == counted(
        [item for item in decided if in_filters(item, FEBRUARY)]
    )
    ours = {T.pk for name, T in scenario.tickets.items() if not name.startswith("globex")}
    rows = outcome_rows(tenant=globex, filters=RowFilters(period=FEBRUARY))
    assert not set(rows.values_list("ticket_id", flat=True)) & ours
    assert rows.count() == len([i for i in decided if in_filters(i, FEBRUARY)]) > 0
