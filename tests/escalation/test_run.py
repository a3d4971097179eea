"""The every-minute check: which rules fire, what they do, and that they do it once."""

from unittest import mock

import pytest
from django.core import mail

from escalation.models import Audience, EscalationEvent, Threshold
from escalation.services import escalations_run_due
from helpdesk.models import OutboxEmail
from tests.factories import EngineerFactory, ManagerFactory
from tickets.models import EventKind, SlaState, Ticket, TicketEvent
from tickets.services import ticket_assign

from .conftest import at, pacific
from .factories import level, matrix_for, rule, shift

BASE = "http://acme.localhost/"


def emails_to(address):
    return list(OutboxEmail.objects.filter(to=[address]).order_by("pk"))


@pytest.fixture
def l3(acme):
    return level(acme.tenant, 3, "L3 Support manager", audience=Audience.MANAGERS)


def test_a_breached_p1_escalates_to_the_managers_with_the_clock_and_the_link(
    acme, plan, l3, make_ticket, django_capture_on_commit_callbacks
):
    rule(acme.tenant, priority="P1", level=l3)
    with at(pacific(2026, 11, 24, 10, 0)):  # Tuesday, in business hours
        ticket = make_ticket(priority="P1")
    mail.outbox.clear()

    with at(pacific(2026, 11, 24, 10, 59)) as now:
        assert escalations_run_due(now=now) == 0, "not due before the breach"
    with (
        at(pacific(2026, 11, 24, 11, 1)) as now,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert escalations_run_due(now=now) == 1

    [email] = [m for m in mail.outbox if m.to == [acme.manager.email]]
    assert f"SLA breached, escalated to L3 Support manager: {ticket.reference}" in email.subject
    assert "First response target 1 hour (24/7), due Tue 24 Nov 2026, 11:00" in email.body
    assert f"http://acme.localhost/tickets/{ticket.reference}/" in email.body
    # The tenant admin is a manager too: both get their own copy.
    assert {m for e in OutboxEmail.objects.filter(subject__contains="escalated") for m in e.to} == {
        acme.manager.email,
        acme.tenant_admin.email,
    }
    ticket.refresh_from_db()
    assert ticket.escalation_level == l3
    assert ticket.escalation_check_at is None
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.ESCALATED)
    assert event.is_internal
    assert event.actor is None
    assert event.data["level"] == "L3 Support manager"
    assert "First response target breached" in event.data["reason"]
    [escalation] = ticket.escalations.all()
    assert sorted(escalation.recipients) == sorted([acme.manager.email, acme.tenant_admin.email])


def test_running_the_check_again_sends_nothing_more(acme, plan, l3, make_ticket):
    rule(acme.tenant, priority="P1", level=l3)
    with at(pacific(2026, 11, 24, 10, 0)):
        ticket = make_ticket(priority="P1")
    for minute in (1, 2, 30):
        with at(pacific(2026, 11, 24, 11, minute)) as now:
            escalations_run_due(now=now)
    assert EscalationEvent.objects.filter(ticket=ticket).count() == 1
    assert len(emails_to(acme.manager.email)) == 1


def test_a_crash_mid_batch_loses_nothing_and_repeats_nothing(acme, plan, l3, make_ticket):
    rule(acme.tenant, priority="P1", level=l3)
    with at(pacific(2026, 11, 24, 10, 0)):
        tickets = [make_ticket(priority="P1", title=f"Outage {i}") for i in range(3)]
    real_send = __import__("escalation.services.run", fromlist=["send_escalation"]).send_escalation
    calls = []

    def failing_on_the_second(**kwargs):
        calls.append(kwargs["ticket"].pk)
        if len(calls) == 2:
            raise ConnectionError("worker lost")
        return real_send(**kwargs)

    with at(pacific(2026, 11, 24, 11, 1)) as now:
        with (
            mock.patch("escalation.services.run.send_escalation", failing_on_the_second),
            pytest.raises(ConnectionError),
        ):
            escalations_run_due(now=now)
        assert not EscalationEvent.objects.exists(), "the batch rolled back as a whole"
        assert not OutboxEmail.objects.filter(subject__contains="escalated").exists()
        assert escalations_run_due(now=now) == 3
    assert EscalationEvent.objects.count() == 3
    for ticket in tickets:
        assert (
            OutboxEmail.objects.filter(subject__contains=ticket.reference)
            .filter(to=[acme.manager.email])
            .count()
            == 1
        )


def test_about_to_breach_warns_the_assignee_or_the_support_address(acme, plan, make_ticket):
    rule(acme.tenant, threshold=Threshold.PERCENT, amount=75, notify_assignee=True)
    with at(pacific(2026, 11, 24, 10, 0)):
        assigned = make_ticket(priority="P2", title="Assigned")
        ticket_assign(ticket=assigned, actor=acme.engineer, assignee=acme.engineer, base_url=BASE)
        waiting = make_ticket(priority="P2", title="Nobody yet")
    # 75 % of 2 business hours: 11:30.
    with at(pacific(2026, 11, 24, 11, 31)) as now:
        assert escalations_run_due(now=now) == 2
    [warning] = emails_to(acme.engineer.email)
    assert warning.subject.endswith(f"About to breach: {assigned.reference} Assigned")
    assert "is about to breach its first response target" in warning.body_text
    [fallback] = [e for e in emails_to(acme.tenant.support_email) if "About to breach" in e.subject]
    assert waiting.reference in fallback.subject
    assigned.refresh_from_db()
    assert assigned.escalation_level is None, "a warning is not an escalation"


def test_hand_over_and_raise_priority(acme, plan, make_ticket):
    l2 = level(acme.tenant, 2, "L2 Senior engineer", audience=Audience.ENGINEERS, tier="L2")
    senior = EngineerFactory(tenant=acme.tenant, tier="L2", email="senior@acme.test")
    rule(acme.tenant, priority="P2", level=l2, reassign=True, raise_priority_to="P1")
    with at(pacific(2026, 11, 24, 10, 0)):
        ticket = make_ticket(priority="P2")
        ticket_assign(ticket=ticket, actor=acme.engineer, assignee=acme.engineer, base_url=BASE)
    with at(pacific(2026, 11, 24, 12, 1)) as now:
        assert escalations_run_due(now=now) == 1
    ticket.refresh_from_db()
    assert ticket.assignee is None
    assert ticket.priority == "P1"
    assert ticket.escalation_level == l2
    # The first response was breached at 12:00 on P2's terms before the rule raised the
    # priority: the breach stays, with the due time it was measured against (a P1 hour on
    # the 24/7 clock would have put it at 11:00).
    assert ticket.first_response_due_at == pacific(2026, 11, 24, 12, 0)
    assert ticket.first_response_state == SlaState.BREACHED
    kinds = list(
        TicketEvent.objects.filter(ticket=ticket, actor=None).values_list("kind", flat=True)
    )
    assert kinds == [EventKind.ESCALATED, EventKind.ASSIGNED, EventKind.PRIORITY]
    # Engineers of tier L2 only: not the L1 engineer who had the ticket.
    assert [e.to for e in OutboxEmail.objects.filter(subject__contains="escalated to L2")] == [
        [senior.email]
    ]


def test_a_rule_waiting_for_business_hours_fires_at_the_next_opening(acme, plan, make_ticket):
    l2 = level(acme.tenant, 2, "L2", users=[acme.engineer])
    rule(
        acme.tenant,
        priority="P2",
        level=l2,
        threshold=Threshold.AFTER_DUE,
        amount=0,
        business_hours_only=True,
    )
    rule(acme.tenant, priority="P2", level=l2, threshold=Threshold.PERCENT, amount=100)
    with at(pacific(2026, 11, 24, 15, 0)):  # due 17:00, at closing time
        ticket = make_ticket(priority="P2")
    with at(pacific(2026, 11, 24, 17, 1)) as now:
        assert escalations_run_due(now=now) == 1  # the rule without the wait
    ticket.refresh_from_db()
    assert ticket.escalation_check_at == pacific(2026, 11, 25, 8, 0)
    with at(pacific(2026, 11, 25, 3, 0)) as now:
        assert escalations_run_due(now=now) == 0
    with at(pacific(2026, 11, 25, 8, 0)) as now:
        assert escalations_run_due(now=now) == 1


def test_a_p1_opened_at_night_pages_the_on_call_engineer_at_once(acme, plan, make_ticket):
    matrix_for(acme.tenant)
    night = pacific(2026, 11, 28, 2, 0)  # Saturday 02:00
    on_call = EngineerFactory(tenant=acme.tenant, email="oncall@acme.test")
    shift(acme.tenant, on_call, pacific(2026, 11, 27, 17, 0), pacific(2026, 11, 30, 8, 0))
    shift(acme.tenant, acme.engineer, pacific(2026, 11, 30, 17, 0), pacific(2026, 12, 1, 8, 0))
    with at(night):
        ticket = make_ticket(priority="P1")
        make_ticket(priority="P2", title="Can wait")
    [page] = emails_to(on_call.email)
    assert page.subject.endswith(f"On call: P1 {ticket.reference} VPN down")
    assert "needs a first response" in page.body_text
    assert not emails_to(acme.engineer.email)
    [event] = ticket.escalations.all()
    assert (event.kind, event.recipients) == ("on_call", [on_call.email])
    # A second change of the same ticket in the night does not page again.
    from tickets.services import ticket_reply

    with at(night.replace(minute=30)):
        ticket_reply(ticket=ticket, actor=acme.customer, body="Anyone?", base_url=BASE)
    assert len(emails_to(on_call.email)) == 1


def test_a_p1_in_business_hours_does_not_page(acme, plan, make_ticket):
    matrix_for(acme.tenant)
    shift(acme.tenant, acme.engineer, pacific(2026, 11, 24, 0, 0), pacific(2026, 11, 25, 0, 0))
    with at(pacific(2026, 11, 24, 10, 0)):
        ticket = make_ticket(priority="P1")
    assert not ticket.escalations.exists()
    assert not emails_to(acme.engineer.email)


def test_nobody_on_the_rota_pages_the_fallback_addresses(acme, plan, make_ticket):
    matrix_for(acme.tenant, on_call_fallback_emails="noc@acme.test\nduty@acme.test")
    with at(pacific(2026, 11, 28, 2, 0)):
        make_ticket(priority="P1")
    assert len(emails_to("noc@acme.test")) == 1
    assert len(emails_to("duty@acme.test")) == 1


def test_a_p1_rule_firing_at_night_also_reaches_the_on_call_engineer(acme, plan, l3, make_ticket):
    rule(acme.tenant, priority="P1", level=l3)
    on_call = EngineerFactory(tenant=acme.tenant, email="oncall@acme.test")
    shift(acme.tenant, on_call, pacific(2026, 11, 24, 17, 0), pacific(2026, 11, 25, 8, 0))
    with at(pacific(2026, 11, 24, 16, 30)):  # in hours: no page
        ticket = make_ticket(priority="P1")
    with at(pacific(2026, 11, 24, 17, 31)) as now:
        assert escalations_run_due(now=now) == 1
    [event] = ticket.escalations.all()
    assert on_call.email in event.recipients
    assert acme.manager.email in event.recipients


def test_level_recipients_are_its_group_its_people_and_its_addresses(acme, plan, make_ticket):
    gone = ManagerFactory(tenant=acme.tenant, email="gone@acme.test", is_active=False)
    head = level(
        acme.tenant,
        4,
        "L4 Head of support",
        users=[acme.engineer, gone],
        emails="account.manager@acme.test, cto@customer.test",
    )
    rule(acme.tenant, priority="P1", level=head)
    with at(pacific(2026, 11, 24, 10, 0)):
        ticket = make_ticket(priority="P1")
    with at(pacific(2026, 11, 24, 11, 1)) as now:
        escalations_run_due(now=now)
    [event] = ticket.escalations.all()
    assert sorted(event.recipients) == sorted(
        [acme.engineer.email, "account.manager@acme.test", "cto@customer.test"]
    )


def test_only_open_tickets_due_now_are_processed(acme, plan, l3, make_ticket):
    rule(acme.tenant, priority="P1", level=l3)
    with at(pacific(2026, 11, 24, 10, 0)):
        ticket = make_ticket(priority="P1")
    # A stale check instant on a ticket that no longer needs one clears without firing.
    Ticket.objects.filter(pk=ticket.pk).update(status="resolved")
    with at(pacific(2026, 11, 24, 11, 1)) as now:
        assert escalations_run_due(now=now) == 0
    ticket.refresh_from_db()
    assert ticket.escalation_check_at is None
