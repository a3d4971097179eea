"""A ticket's next escalation check follows every change of the ticket.

The plan (conftest): Mon–Fri 08:00–17:00 Pacific with 9-hour business days; P2 first
response 2 business hours and resolution 1 business day; P1 first response 1 hour and
resolution 4 hours on the 24/7 clock.
"""

import pytest

from escalation.models import Threshold
from escalation.services import escalations_run_due
from tests.tickets.factories import TicketTypeFactory
from tickets.models import Status, Ticket
from tickets.services import (
    ticket_change_type,
    ticket_priority_change,
    ticket_reply,
    ticket_transition,
)

from .conftest import at, pacific
from .factories import level, matrix_for, rule

BASE = "http://acme.localhost/"


@pytest.fixture
def ladder(acme, plan):
    l2 = level(acme.tenant, 2, "L2 Senior engineer", users=[acme.engineer])
    l3 = level(acme.tenant, 3, "L3 Support manager", users=[acme.manager])
    rule(acme.tenant, priority="P2", threshold=Threshold.PERCENT, amount=50, level=l2)
    rule(acme.tenant, metric="resolution", level=l3)
    return l2, l3


def check_at(ticket):
    ticket.refresh_from_db()
    value = ticket.escalation_check_at
    return value.astimezone(pacific(2026, 1, 1).tzinfo) if value else None


def test_next_check_follows_replies_pauses_priority_and_resolution(acme, ladder, make_ticket):
    with at(pacific(2026, 11, 24, 10, 0)):  # Tuesday
        ticket = make_ticket(priority="P2")
    # First response 2 business hours: 50 % is one business hour in.
    assert check_at(ticket) == pacific(2026, 11, 24, 11, 0)

    with at(pacific(2026, 11, 24, 10, 15)):
        ticket_reply(ticket=ticket, actor=acme.customer, body="Still down.", base_url=BASE)
    assert check_at(ticket) == pacific(2026, 11, 24, 11, 0), "a customer reply changes nothing"

    with at(pacific(2026, 11, 24, 10, 30)):
        ticket_reply(ticket=ticket, actor=acme.engineer, body="Looking.", base_url=BASE)
    # The first response stops the first-response rules: next is resolution at due, one
    # business day (9 hours) from Tuesday 10:00 = Wednesday 10:00.
    assert check_at(ticket) == pacific(2026, 11, 25, 10, 0)

    with at(pacific(2026, 11, 24, 11, 0)):
        ticket_transition(
            ticket=ticket, actor=acme.engineer, to_status=Status.ON_HOLD, base_url=BASE
        )
    assert check_at(ticket) is None, "on hold: the resolution clock is paused"

    with at(pacific(2026, 11, 25, 11, 0)):
        ticket_reply(ticket=ticket, actor=acme.customer, body="Here are the logs.", base_url=BASE)
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    # One business hour had run before the pause; 8 remain from Wednesday 11:00.
    assert check_at(ticket) == pacific(2026, 11, 26, 10, 0)

    with at(pacific(2026, 11, 25, 11, 30)):
        ticket_priority_change(ticket=ticket, actor=acme.engineer, priority="P1", reason="Outage")
    # P1 resolution is 4 hours on the 24/7 clock, the 24-hour pause excluded: 1 hour ran
    # before it, 3 remain from Wednesday 11:00.
    assert check_at(ticket) == pacific(2026, 11, 25, 14, 0)

    with at(pacific(2026, 11, 25, 12, 0)):
        ticket_transition(
            ticket=ticket, actor=acme.engineer, to_status=Status.RESOLVED, base_url=BASE
        )
    assert check_at(ticket) is None, "a resolved ticket stops escalating"
    with at(pacific(2026, 11, 25, 15, 0)) as now:
        assert escalations_run_due(now=now) == 0


def test_reopening_starts_a_new_cycle_in_which_rules_fire_again(acme, ladder, make_ticket):
    l2, l3 = ladder
    with at(pacific(2026, 11, 24, 10, 0)):
        ticket = make_ticket(priority="P1")
        ticket_reply(ticket=ticket, actor=acme.engineer, body="On it.", base_url=BASE)
    with at(pacific(2026, 11, 24, 14, 1)) as now:
        assert escalations_run_due(now=now) == 1  # P1 resolution breached at 14:00
    with at(pacific(2026, 11, 24, 15, 0)):
        ticket_transition(
            ticket=ticket, actor=acme.engineer, to_status=Status.RESOLVED, base_url=BASE
        )
    with at(pacific(2026, 11, 24, 16, 0)) as now:
        ticket_transition(
            ticket=ticket, actor=acme.customer, to_status=Status.IN_PROGRESS, base_url=BASE
        )
        ticket.refresh_from_db()
        assert ticket.escalation_cycle == 2
        # Breached already: the rule of the new cycle is due at once.
        assert ticket.escalation_check_at <= now
        assert escalations_run_due(now=now) == 1
    assert list(ticket.escalations.values_list("cycle", "key")) == [
        (1, f"rule:{l3.rules.get().pk}"),
        (2, f"rule:{l3.rules.get().pk}"),
    ]


def test_a_ticket_with_no_rule_ahead_has_no_check(acme, plan, make_ticket):
    with at(pacific(2026, 11, 24, 10, 0)):
        ticket = make_ticket(priority="P2")
    assert check_at(ticket) is None
    with at(pacific(2026, 11, 24, 10, 0)):
        matrix_for(acme.tenant)  # an empty matrix
        ticket_reply(ticket=ticket, actor=acme.customer, body="Any news?", base_url=BASE)
    assert check_at(ticket) is None


def test_an_inactive_matrix_plans_nothing(acme, ladder, make_ticket):
    matrix = matrix_for(acme.tenant)
    matrix.is_active = False
    matrix.save()
    with at(pacific(2026, 11, 24, 10, 0)):
        ticket = make_ticket(priority="P2")
    assert check_at(ticket) is None


def test_moving_to_a_type_outside_a_narrowed_level_drops_its_rules(acme, plan, make_ticket):
    database = TicketTypeFactory(tenant=acme.tenant, name="Databases", slug="databases")
    dba = level(acme.tenant, 2, "L2 Database team", types=[database])
    rule(acme.tenant, priority="P2", level=dba)
    with at(pacific(2026, 11, 24, 10, 0)):
        ticket = make_ticket(priority="P2", type_=database)
    assert check_at(ticket) == pacific(2026, 11, 24, 12, 0)
    storage = TicketTypeFactory(tenant=acme.tenant, name="Storage", slug="storage")
    with at(pacific(2026, 11, 24, 10, 5)):
        ticket_change_type(ticket=ticket, actor=acme.engineer, ticket_type=storage)
    assert check_at(ticket) is None


def test_tickets_of_other_tenants_are_planned_with_their_own_matrix(
    two_tenants, ladder, make_ticket
):
    acme, globex = two_tenants
    globex_type = TicketTypeFactory(tenant=globex.tenant, name="Networking", slug="net")
    with at(pacific(2026, 11, 24, 10, 0)):
        ours = make_ticket(priority="P2")
        theirs = make_ticket(globex, globex_type, priority="P2")
    assert check_at(ours) is not None
    assert check_at(theirs) is None, "acme's rules never plan globex's tickets"
    with at(pacific(2026, 11, 25, 10, 0)) as now:
        escalations_run_due(now=now)
    assert not Ticket.objects.get(pk=theirs.pk).escalations.exists()
    # First response at 50 % (Tuesday 11:00) and resolution at due (Wednesday 10:00).
    assert [e.level_name for e in ours.escalations.all()] == [
        "L2 Senior engineer",
        "L3 Support manager",
    ]
    assert all(e.created_at == now for e in ours.escalations.all())
