"""What follows a ticket change: one SLA refresh, one signal to the apps built on tickets,
and the services other apps (escalation, the coming email intake) change tickets with."""

import pytest
from django.core.exceptions import PermissionDenied

from helpdesk.priorities import Priority
from tickets.models import EventKind, Status, TicketEvent
from tickets.services import (
    ticket_assign,
    ticket_priority_change,
    ticket_reply,
    ticket_unassign,
)
from tickets.signals import ticket_sla_changed

pytestmark = pytest.mark.django_db
BASE = "http://acme.localhost/"


@pytest.fixture
def sla_changes():
    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    ticket_sla_changed.connect(receiver, dispatch_uid="test_after_change")
    yield received
    ticket_sla_changed.disconnect(dispatch_uid="test_after_change")


def test_a_first_reply_that_moves_the_ticket_on_signals_its_sla_once(
    acme, make_ticket, sla_changes
):
    ticket = make_ticket()
    sla_changes.clear()
    ticket_reply(ticket=ticket, actor=acme.engineer, body="Looking into it.", base_url=BASE)
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    assert len(sla_changes) == 1
    (change,) = sla_changes
    assert change["bulk"] is False
    assert [item.ticket.pk for item in change["evaluated"]] == [ticket.pk]
    # What was signalled is what was stored: the first response is met.
    assert change["evaluated"][0].ticket.first_response_state == ticket.first_response_state


def test_an_assignment_without_a_status_change_does_not_move_the_sla(
    acme, make_ticket, sla_changes
):
    ticket = make_ticket()
    ticket_assign(ticket=ticket, actor=acme.engineer, assignee=acme.engineer, base_url=BASE)
    sla_changes.clear()
    ticket_assign(ticket=ticket, actor=acme.manager, assignee=acme.manager, base_url=BASE)
    assert sla_changes == []


def test_a_hand_over_unassigns_with_its_reason_on_the_timeline(acme, make_ticket):
    ticket = make_ticket()
    ticket_assign(ticket=ticket, actor=acme.engineer, assignee=acme.engineer, base_url=BASE)
    ticket = ticket_unassign(ticket=ticket, reason="Handed over to L2.")
    assert ticket.assignee is None
    entry = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.ASSIGNED).last()
    assert entry.actor is None
    assert entry.data == {"from": str(acme.engineer), "to": None, "reason": "Handed over to L2."}
    with pytest.raises(PermissionDenied):
        ticket_unassign(ticket=ticket, actor=acme.customer, reason="No.")


def test_raising_the_priority_never_lowers_it(acme, make_ticket):
    ticket = make_ticket(priority=Priority.P2)
    ticket = ticket_priority_change(
        ticket=ticket, actor=None, priority=Priority.P3, reason="Rule", raise_only=True
    )
    assert ticket.priority == Priority.P2
    ticket = ticket_priority_change(
        ticket=ticket, actor=None, priority=Priority.P1, reason="Rule", raise_only=True
    )
    assert ticket.priority == Priority.P1
    entry = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.PRIORITY).get()
    assert entry.actor is None
    assert entry.data == {"from": Priority.P2, "to": Priority.P1, "reason": "Rule"}
