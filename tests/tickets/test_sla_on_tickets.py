"""The SLA engine applied to real tickets: due times, pauses, priority changes, queues."""

from contextlib import contextmanager
from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from tickets.models import SlaState, Status, Ticket
from tickets.services import (
    ticket_assign,
    ticket_priority_change,
    ticket_reply,
    ticket_transition,
)

from ..sla.factories import plan_with_matrix
from .conftest import open_ticket

pytestmark = pytest.mark.django_db
PT = ZoneInfo("America/Los_Angeles")
UTC = ZoneInfo("UTC")
BASE = "http://acme.localhost/"


def pt(day, hour, minute=0):
    return datetime(2026, 2, day, hour, minute, tzinfo=PT)


@contextmanager
def at(moment):
    with mock.patch("django.utils.timezone.now", return_value=moment.astimezone(UTC)):
        yield


@pytest.fixture
def planned(acme):
    """Acme's organization on a plan: Mon–Fri 08:00–17:00 Pacific (9 h business day)."""
    plan = plan_with_matrix(
        tenant=acme.tenant,
        cells={
            ("P1", "first_response"): "1 hour (24/7)",
            ("P1", "resolution"): "1 bd",
            ("P2", "first_response"): "4 bh",
            ("P2", "resolution"): "2 bd",
            ("P3", "first_response"): "8 bh",
            ("P3", "resolution"): "N/A",
        },
    )
    acme.org.plan = plan
    acme.org.save(update_fields=["plan"])
    return acme


def test_friday_afternoon_ticket_is_due_monday(planned, ticket_type, login):
    # Fri 15:00 + 4 business hours: 2 h on Friday, 2 h from Monday's opening → Mon 10:00.
    with at(pt(6, 15)):
        ticket = open_ticket(planned, ticket_type, priority="P2")
    assert ticket.first_response_due_at == pt(9, 10)
    # 2 business days = 18 h: Fri 2 h, Mon 9 h, Tue 7 h → Tue 15:00.
    assert ticket.resolution_due_at == pt(10, 15)
    assert ticket.sla_due_at == pt(9, 10)
    assert ticket.first_response_state == SlaState.RUNNING
    with at(pt(6, 15, 5)):
        page = login(planned.customer).get(ticket.get_absolute_url()).content.decode()
    assert "We will respond by" in page and "Mon 9 Feb 2026, 10:00 PST" in page
    assert "Target resolution by" in page and "Tue 10 Feb 2026, 15:00 PST" in page


def test_first_public_staff_reply_meets_first_response_and_notes_do_not(planned, ticket_type):
    with at(pt(9, 9)):
        ticket = open_ticket(planned, ticket_type, priority="P2")
    with at(pt(9, 10)):
        ticket_reply(
            ticket=ticket, actor=planned.engineer, body="note", internal=True, base_url=BASE
        )
    ticket.refresh_from_db()
    assert ticket.first_response_state == SlaState.RUNNING
    with at(pt(9, 11)):
        ticket_reply(ticket=ticket, actor=planned.engineer, body="On it", base_url=BASE)
    ticket.refresh_from_db()
    assert ticket.first_response_state == SlaState.MET
    assert ticket.first_response_ended_at == pt(9, 11)
    # Only the resolution clock is left to sort by.
    assert ticket.sla_due_at == ticket.resolution_due_at


def test_on_hold_pauses_resolution_and_reopen_resumes(planned, ticket_type):
    with at(pt(6, 15)):
        ticket = open_ticket(planned, ticket_type, priority="P2")  # resolution due Tue 15:00
    with at(pt(9, 9)):
        ticket_reply(
            ticket=ticket,
            actor=planned.engineer,
            body="Which firewall?",
            status=Status.ON_HOLD,
            base_url=BASE,
        )
    ticket.refresh_from_db()
    assert ticket.resolution_state == SlaState.PAUSED
    assert ticket.sla_due_at is None  # paused tickets do not press in the queue
    with at(pt(10, 9)):
        ticket_reply(ticket=ticket, actor=planned.customer, body="FortiGate", base_url=BASE)
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    # Paused Mon 09:00 → Tue 09:00 = 9 business hours; Tue 15:00 + 9 bh → Wed 15:00.
    assert ticket.resolution_due_at == pt(11, 15)
    assert ticket.resolution_state == SlaState.RUNNING


def test_resolving_meets_resolution_and_reopening_runs_it_again(planned, ticket_type):
    with at(pt(9, 8)):
        ticket = open_ticket(planned, ticket_type, priority="P2")
    with at(pt(9, 12)):
        ticket_transition(
            ticket=ticket, actor=planned.engineer, to_status=Status.RESOLVED, base_url=BASE
        )
    ticket.refresh_from_db()
    assert ticket.resolution_state == SlaState.MET
    with at(pt(10, 12)):
        ticket_transition(
            ticket=ticket, actor=planned.customer, to_status=Status.IN_PROGRESS, base_url=BASE
        )
    ticket.refresh_from_db()
    assert ticket.resolution_state == SlaState.RUNNING
    # Opened Mon 08:00, 4 h used, resolved 24 h (9 bh) → due 18 + 9 bh after opening: Wed 17:00.
    assert ticket.resolution_due_at == pt(11, 17)


def test_priority_change_recomputes_from_opening(planned, ticket_type):
    with at(pt(9, 9)):
        ticket = open_ticket(planned, ticket_type, priority="P3")
    # 8 bh from Mon 09:00 end exactly at Monday's closing: due then, not Tuesday's opening.
    assert ticket.first_response_due_at == pt(9, 17)
    assert ticket.resolution_state == SlaState.NONE and ticket.resolution_due_at is None
    with at(pt(9, 9, 20)):
        ticket_priority_change(
            ticket=ticket, actor=planned.engineer, priority="P1", reason="Stores offline"
        )
    ticket.refresh_from_db()
    assert ticket.first_response_due_at == pt(9, 10)  # 1 hour 24/7 from Mon 09:00
    assert ticket.resolution_due_at == pt(10, 9)  # 1 bd = 9 bh from Mon 09:00


def test_met_first_response_stays_met_after_priority_raise(planned, ticket_type):
    with at(pt(9, 9)):
        ticket = open_ticket(planned, ticket_type, priority="P3")
    with at(pt(9, 12)):
        ticket_reply(ticket=ticket, actor=planned.engineer, body="Looking", base_url=BASE)
    with at(pt(9, 13)):
        ticket_priority_change(
            ticket=ticket, actor=planned.engineer, priority="P1", reason="Worse than thought"
        )
    ticket.refresh_from_db()
    # Under P1 a reply at 12:00 would be 2 h late; the outcome already reached is kept.
    assert ticket.first_response_state == SlaState.MET


def test_queue_sorts_by_nearest_due_and_shows_business_time_left(planned, ticket_type, login):
    with at(pt(9, 9)):
        later = open_ticket(planned, ticket_type, priority="P3", title="Later one")  # 17:00
        sooner = open_ticket(planned, ticket_type, priority="P2", title="Sooner one")  # 13:00
    with at(pt(9, 10)):
        page = login(planned.engineer).get("/queue/open/?sort=sla").content.decode()
    assert page.index(sooner.reference) < page.index(later.reference)
    assert "FR 3 h business time left" in page
    with at(pt(9, 12, 30)):
        page = login(planned.engineer).get(sooner.get_absolute_url()).content.decode()
    assert "30 m business time left" in page
    assert "sla-at-risk" in page  # 3.5 of 4 hours gone
    assert "How was this computed?" in page
    with at(pt(9, 13, 20)):
        page = login(planned.engineer).get("/queue/open/").content.decode()
    assert "breached 20 m ago" in page


def test_organization_without_plan_has_no_target(acme, ticket_type, login):
    ticket = open_ticket(acme, ticket_type)
    assert ticket.first_response_state == SlaState.NONE
    assert Ticket.objects.get(pk=ticket.pk).sla_due_at is None
    page = login(acme.customer).get(ticket.get_absolute_url()).content.decode()
    assert "We will respond by" not in page


def test_assignment_alone_does_not_stop_first_response(planned, ticket_type):
    with at(pt(9, 9)):
        ticket = open_ticket(planned, ticket_type, priority="P2")
        ticket_assign(
            ticket=ticket, actor=planned.engineer, assignee=planned.engineer, base_url=BASE
        )
    ticket.refresh_from_db()
    assert ticket.first_response_state == SlaState.RUNNING


def test_editing_the_table_and_recomputing_updates_open_tickets(planned, ticket_type):
    from sla.services import plan_set_matrix
    from sla.targets import parse_target
    from tickets.services.sla import sla_recompute_open_tickets

    with at(pt(9, 9)):
        ticket = open_ticket(planned, ticket_type, priority="P2")
        done = open_ticket(planned, ticket_type, priority="P2", title="Done")
        ticket_transition(
            ticket=done, actor=planned.engineer, to_status=Status.CLOSED, base_url=BASE
        )
    assert ticket.first_response_due_at == pt(9, 13)
    plan = planned.org.plan
    plan_set_matrix(
        plan=plan,
        calendar=plan.calendar,
        cells={("P2", "first_response"): parse_target("2 bh")},
    )
    with at(pt(9, 9, 30)):
        assert sla_recompute_open_tickets(tenant=planned.tenant) == 1
    ticket.refresh_from_db()
    assert ticket.first_response_due_at == pt(9, 11)
