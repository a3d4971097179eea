"""Escalation by hand: engineers send a ticket up, managers bring it down."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from escalation.models import Audience
from escalation.services import ticket_deescalate, ticket_escalate
from helpdesk.models import OutboxEmail
from tests.factories import EngineerFactory
from tests.tickets.factories import TicketTypeFactory
from tickets.models import EventKind, Status, TicketEvent
from tickets.services import ticket_assign, ticket_transition

from .factories import level

BASE = "http://acme.localhost/"


@pytest.fixture
def ladder(acme):
    return (
        level(acme.tenant, 1, "L1 Engineer", audience=Audience.ENGINEERS, tier="L1"),
        level(acme.tenant, 2, "L2 Senior engineer", users=[acme.engineer]),
        level(acme.tenant, 3, "L3 Support manager", audience=Audience.MANAGERS),
    )


def escalate(ticket, actor, reason="Needs a database specialist", **kwargs):
    return ticket_escalate(ticket=ticket, actor=actor, reason=reason, base_url=BASE, **kwargs)


def test_an_engineer_escalates_to_the_next_level_with_a_reason(acme, ladder, make_ticket):
    l1, l2, l3 = ladder
    ticket = make_ticket()
    # Not escalated, the ticket stands on the first rung (L1 works it): up is L2.
    event = escalate(ticket, acme.engineer)
    assert (event.kind, event.level, event.actor) == ("manual", l2, acme.engineer)
    event = escalate(ticket, acme.engineer, reason="Still stuck")
    assert event.level == l3
    ticket.refresh_from_db()
    assert ticket.escalation_level == l3
    timeline = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.ESCALATED)
    assert [(e.actor, e.data["level"], e.data["reason"]) for e in timeline] == [
        (acme.engineer, "L2 Senior engineer", "Needs a database specialist"),
        (acme.engineer, "L3 Support manager", "Still stuck"),
    ]
    assert all(e.is_internal for e in timeline)
    [email] = OutboxEmail.objects.filter(subject__contains="Escalated to L2")
    assert email.to == [acme.engineer.email]
    assert "by " + str(acme.engineer) in email.body_text
    assert "Needs a database specialist" in email.body_text


def test_an_l1_engineer_escalates_above_the_first_rung_never_to_their_own_level(acme, make_ticket):
    first_line = EngineerFactory(tenant=acme.tenant, tier="L1", email="lee@acme.test")
    senior = EngineerFactory(tenant=acme.tenant, tier="L2", email="sam@acme.test")
    l1 = level(acme.tenant, 1, "L1 Engineer", audience=Audience.ENGINEERS, tier="L1")
    l2 = level(acme.tenant, 2, "L2 Senior engineer", audience=Audience.ENGINEERS, tier="L2")
    ticket = make_ticket()
    with pytest.raises(ValidationError, match="at L1 Engineer already"):
        escalate(ticket, first_line, level=l1)
    event = escalate(ticket, first_line)
    assert event.level == l2
    [email] = OutboxEmail.objects.filter(subject__contains="Escalated to L2")
    assert email.to == [senior.email]


def test_an_engineer_may_skip_to_a_chosen_higher_level_and_hand_over(acme, ladder, make_ticket):
    _, _, l3 = ladder
    ticket = make_ticket()
    ticket = ticket_assign(
        ticket=ticket, actor=acme.engineer, assignee=acme.engineer, base_url=BASE
    )
    escalate(ticket, acme.engineer, level=l3, hand_over=True)
    ticket.refresh_from_db()
    assert ticket.escalation_level == l3
    assert ticket.assignee is None
    recipients = {
        m for e in OutboxEmail.objects.filter(subject__contains="Escalated to L3") for m in e.to
    }
    assert recipients == {acme.manager.email, acme.tenant_admin.email}


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_reason_is_required(acme, ladder, make_ticket, reason):
    ticket = make_ticket()
    with pytest.raises(ValidationError, match="Say why"):
        escalate(ticket, acme.engineer, reason=reason)
    assert not ticket.escalations.exists()


def test_escalation_only_goes_up_and_stops_at_the_top(acme, ladder, make_ticket):
    l1, l2, l3 = ladder
    ticket = make_ticket()
    escalate(ticket, acme.engineer, level=l2)
    with pytest.raises(ValidationError, match="choose a higher level"):
        escalate(ticket, acme.engineer, level=l1)
    escalate(ticket, acme.engineer)
    with pytest.raises(ValidationError, match="top of the escalation ladder"):
        escalate(ticket, acme.engineer)


def test_levels_narrowed_to_other_types_cannot_take_the_ticket(acme, make_ticket):
    database = TicketTypeFactory(tenant=acme.tenant, name="Databases", slug="databases")
    dba = level(acme.tenant, 2, "L2 Database team", types=[database])
    ticket = make_ticket()
    with pytest.raises(ValidationError, match="top of the escalation ladder"):
        escalate(ticket, acme.engineer)
    with pytest.raises(ValidationError, match="handles this ticket"):
        escalate(ticket, acme.engineer, level=dba)


def test_customers_and_other_tenants_cannot_escalate(two_tenants, ladder, make_ticket):
    acme, globex = two_tenants
    ticket = make_ticket()
    for actor in (acme.customer, acme.org_admin, globex.engineer, globex.manager):
        with pytest.raises(PermissionDenied):
            escalate(ticket, actor)
    globex_level = level(globex.tenant, 5, "Globex L5")
    with pytest.raises(ValidationError):
        escalate(ticket, acme.engineer, level=globex_level)
    assert not ticket.escalations.exists()


def test_closed_tickets_are_not_escalated(acme, ladder, make_ticket):
    ticket = make_ticket()
    ticket_transition(ticket=ticket, actor=acme.engineer, to_status=Status.RESOLVED, base_url=BASE)
    with pytest.raises(ValidationError, match="resolved"):
        escalate(ticket, acme.engineer)


def test_a_manager_de_escalates_with_a_reason(acme, ladder, make_ticket):
    l1, l2, l3 = ladder
    ticket = make_ticket()
    escalate(ticket, acme.engineer, level=l3)
    with pytest.raises(PermissionDenied):
        ticket_deescalate(ticket=ticket, actor=acme.engineer, reason="Not needed", level=l1)
    with pytest.raises(ValidationError, match="Say why"):
        ticket_deescalate(ticket=ticket, actor=acme.manager, reason="", level=l1)
    with pytest.raises(ValidationError, match="below L3"):
        ticket_deescalate(ticket=ticket, actor=acme.manager, reason="Hm", level=l3)
    event = ticket_deescalate(
        ticket=ticket, actor=acme.manager, reason="Workaround in place", level=l1
    )
    assert (event.kind, event.level_name) == ("deescalated", "L1 Engineer")
    ticket.refresh_from_db()
    assert ticket.escalation_level == l1
    ticket_deescalate(ticket=ticket, actor=acme.manager, reason="Back to normal")
    ticket.refresh_from_db()
    assert ticket.escalation_level is None
    down = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.DEESCALATED)
    assert [(e.data["from"], e.data["level"]) for e in down] == [
        ("L3 Support manager", "L1 Engineer"),
        ("L1 Engineer", None),
    ]
    with pytest.raises(ValidationError, match="not escalated"):
        ticket_deescalate(ticket=ticket, actor=acme.manager, reason="Again")
