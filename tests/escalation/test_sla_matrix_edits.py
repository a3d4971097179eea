"""Escalation follows the due times tickets were promised: editing the SLA matrix does not
move them (until an admin recomputes open tickets), and saving the escalation matrix plans
checks again without touching any due time.

The plan (conftest): Mon–Fri 08:00–17:00 Pacific; P2 first response 2 business hours.
"""

import pytest

from escalation.models import EscalationEvent
from escalation.services import escalations_run_due
from escalation.tasks import reschedule_tenant
from sla.services import plan_set_matrix
from sla.targets import parse_target
from tickets.models import Ticket
from tickets.services.sla import sla_recompute_open_tickets

from .conftest import at, pacific
from .factories import level, rule

pytestmark = pytest.mark.django_db


def tighten(plan, text="1 business hour"):
    plan_set_matrix(
        plan=plan, calendar=plan.calendar, cells={("P2", "first_response"): parse_target(text)}
    )


def test_rules_fire_on_the_promised_due_time_until_recomputed(acme, plan, make_ticket):
    l2 = level(acme.tenant, 2, "L2 Senior engineer", users=[acme.engineer])
    rule(acme.tenant, priority="P2", level=l2)  # at the first-response due time
    with at(pacific(2026, 11, 24, 10, 0)):  # Tuesday
        ticket = make_ticket(priority="P2")
    with at(pacific(2026, 11, 24, 10, 10)):
        tighten(plan)
    ticket.refresh_from_db()
    assert ticket.first_response_due_at == pacific(2026, 11, 24, 12, 0)
    assert ticket.escalation_check_at == pacific(2026, 11, 24, 12, 0)

    with at(pacific(2026, 11, 24, 11, 30)):  # past the new matrix's 11:00, before 12:00
        escalations_run_due()
    assert not EscalationEvent.objects.filter(ticket=ticket).exists()

    with at(pacific(2026, 11, 24, 11, 40)):
        sla_recompute_open_tickets(tenant=acme.tenant)
    ticket.refresh_from_db()
    assert ticket.first_response_due_at == pacific(2026, 11, 24, 11, 0)
    assert ticket.escalation_check_at == pacific(2026, 11, 24, 11, 0)
    with at(pacific(2026, 11, 24, 11, 41)):
        escalations_run_due()
    assert EscalationEvent.objects.get(ticket=ticket).level == l2


def test_saving_the_escalation_matrix_replans_checks_and_keeps_due_times(acme, plan, make_ticket):
    with at(pacific(2026, 11, 24, 10, 0)):
        ticket = make_ticket(priority="P2")
    with at(pacific(2026, 11, 24, 10, 10)):
        tighten(plan)
    assert Ticket.objects.get(pk=ticket.pk).escalation_check_at is None
    l2 = level(acme.tenant, 2, "L2 Senior engineer", users=[acme.engineer])
    rule(acme.tenant, priority="P2", level=l2)
    with at(pacific(2026, 11, 24, 10, 20)):
        reschedule_tenant(acme.tenant.pk)  # what saving the escalation matrix enqueues
    ticket.refresh_from_db()
    assert ticket.first_response_due_at == pacific(2026, 11, 24, 12, 0)
    assert ticket.escalation_check_at == pacific(2026, 11, 24, 12, 0)
