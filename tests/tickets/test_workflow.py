from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tickets.models import EventKind, Message, Status, Ticket, TicketEvent
from tickets.permissions import ALLOWED_TRANSITIONS
from tickets.services import (
    ticket_assign,
    ticket_priority_change,
    ticket_reply,
    ticket_transition,
)

from .factories import png, text_file

pytestmark = pytest.mark.django_db
BASE = "http://acme.localhost/"


def test_engineer_assigns_to_self_and_ticket_moves_in_progress(acme, make_ticket, login):
    ticket = make_ticket()
    response = login(acme.engineer).post(
        f"/tickets/{ticket.reference}/assign/", {"assign_to_me": "1"}, follow=True
    )
    ticket.refresh_from_db()
    assert ticket.assignee == acme.engineer
    assert ticket.status == Status.IN_PROGRESS
    assert "assigned to you" in response.content.decode()
    kinds = list(ticket.events.values_list("kind", flat=True))
    assert kinds == [EventKind.CREATED, EventKind.ASSIGNED, EventKind.STATUS]


def test_engineer_cannot_assign_someone_else_but_manager_can(acme, make_ticket):
    ticket = make_ticket()
    with pytest.raises(PermissionDenied):
        ticket_assign(ticket=ticket, actor=acme.engineer, assignee=acme.manager, base_url=BASE)
    ticket = ticket_assign(ticket=ticket, actor=acme.manager, assignee=acme.engineer, base_url=BASE)
    assert ticket.assignee == acme.engineer


def test_cannot_assign_a_customer_or_other_tenant_staff(two_tenants, make_ticket):
    acme, globex = two_tenants
    ticket = make_ticket()
    for person in (acme.customer, globex.engineer):
        with pytest.raises(ValidationError):
            ticket_assign(ticket=ticket, actor=acme.manager, assignee=person, base_url=BASE)


def test_public_reply_reaches_customer_and_internal_note_does_not(
    acme, make_ticket, login, django_capture_on_commit_callbacks
):
    ticket = make_ticket()
    engineer = login(acme.engineer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        engineer.post(
            f"/tickets/{ticket.reference}/reply/",
            {"reply-body": "Please send the **phase 1** proposal.", "reply-files": [png()]},
        )
        engineer.post(
            f"/tickets/{ticket.reference}/reply/",
            {
                "reply-body": "Customer firewall is a FortiGate",
                "reply-internal": "on",
                "reply-files": [text_file("internal-notes.txt")],
            },
        )
    assert [m.to for m in mail.outbox] == [[acme.customer.email]]
    assert "phase 1" in mail.outbox[0].body
    assert "FortiGate" not in "".join(m.body for m in mail.outbox)
    ticket.refresh_from_db()
    assert ticket.first_response_at is not None
    assert ticket.status == Status.IN_PROGRESS  # the first staff reply starts the work

    page = login(acme.customer).get(f"/tickets/{ticket.reference}/").content.decode()
    assert "<strong>phase 1</strong>" in page
    assert "screenshot.png" in page
    assert "FortiGate" not in page
    assert "internal-notes.txt" not in page
    staff_page = engineer.get(f"/tickets/{ticket.reference}/").content.decode()
    assert "FortiGate" in staff_page and "internal-notes.txt" in staff_page


def test_customer_cannot_post_an_internal_note(acme, make_ticket, login):
    ticket = make_ticket()
    login(acme.customer).post(
        f"/tickets/{ticket.reference}/reply/",
        {"reply-body": "hello", "reply-internal": "on"},
    )
    message = Message.objects.get(ticket=ticket)
    assert message.is_internal is False


def test_customer_reply_on_hold_puts_ticket_back_in_progress(acme, make_ticket, login):
    ticket = make_ticket()
    ticket_transition(ticket=ticket, actor=acme.engineer, to_status=Status.ON_HOLD, base_url=BASE)
    login(acme.customer).post(
        f"/tickets/{ticket.reference}/reply/", {"reply-body": "Here is the proposal."}
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    assert ticket.last_customer_reply_at is not None


def test_empty_reply_keeps_typed_files_and_shows_error(acme, make_ticket, login):
    ticket = make_ticket()
    response = login(acme.customer).post(
        f"/tickets/{ticket.reference}/reply/", {"reply-body": "  ", "reply-files": [png()]}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "This field is required." in page
    assert "screenshot.png" in page  # kept for the next try
    assert not Message.objects.exists()


def test_every_status_change_goes_through_the_map_and_records_an_event(acme, make_ticket):
    ticket = make_ticket()
    assert ALLOWED_TRANSITIONS[Status.CLOSED] == frozenset()
    ticket = ticket_transition(
        ticket=ticket, actor=acme.engineer, to_status=Status.RESOLVED, base_url=BASE
    )
    ticket = ticket_transition(
        ticket=ticket, actor=acme.engineer, to_status=Status.CLOSED, base_url=BASE
    )
    with pytest.raises(PermissionDenied):
        ticket_transition(
            ticket=ticket, actor=acme.engineer, to_status=Status.IN_PROGRESS, base_url=BASE
        )
    # The same status again is a no-op without an event.
    ticket_transition(ticket=ticket, actor=acme.engineer, to_status=Status.CLOSED, base_url=BASE)
    events = list(ticket.events.filter(kind=EventKind.STATUS).values_list("data", flat=True))
    assert [(e["from"], e["to"]) for e in events] == [
        (Status.NEW, Status.RESOLVED),
        (Status.RESOLVED, Status.CLOSED),
    ]
    ticket.refresh_from_db()
    assert ticket.closed_at is not None


def test_customer_closes_and_cannot_put_on_hold(acme, make_ticket, login):
    ticket = make_ticket()
    with pytest.raises(PermissionDenied):
        ticket_transition(
            ticket=ticket, actor=acme.customer, to_status=Status.ON_HOLD, base_url=BASE
        )
    login(acme.customer).post(f"/tickets/{ticket.reference}/status/", {"status-status": "closed"})
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED


def test_customer_reopens_within_window_only(acme, make_ticket, login, settings):
    settings.TICKET_REOPEN_DAYS = 7
    ticket = make_ticket()
    ticket_transition(ticket=ticket, actor=acme.engineer, to_status=Status.RESOLVED, base_url=BASE)
    client = login(acme.customer)
    page = client.get(f"/tickets/{ticket.reference}/").content.decode()
    assert "Reopen ticket" in page
    client.post(f"/tickets/{ticket.reference}/status/", {"status-status": "in_progress"})
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS and ticket.resolved_at is None

    ticket_transition(ticket=ticket, actor=acme.engineer, to_status=Status.RESOLVED, base_url=BASE)
    Ticket.objects.filter(pk=ticket.pk).update(resolved_at=timezone.now() - timedelta(days=8))
    page = client.get(f"/tickets/{ticket.reference}/").content.decode()
    assert "Reopen ticket" not in page
    assert "too long ago to reopen" in page
    response = client.post(
        f"/tickets/{ticket.reference}/status/", {"status-status": "in_progress"}, follow=True
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED
    assert "cannot be moved" in response.content.decode()


def test_status_change_by_staff_emails_customer(
    acme, make_ticket, django_capture_on_commit_callbacks
):
    ticket = make_ticket()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ticket_transition(
            ticket=ticket, actor=acme.engineer, to_status=Status.ON_HOLD, base_url=BASE
        )
    [email] = mail.outbox
    assert email.to == [acme.customer.email]
    assert "On hold – waiting on you" in email.subject
    assert f"{BASE}tickets/{ticket.reference}/" in email.body


def test_customer_reply_notifies_assignee(acme, make_ticket, django_capture_on_commit_callbacks):
    ticket = make_ticket()
    ticket_assign(ticket=ticket, actor=acme.engineer, assignee=acme.engineer, base_url=BASE)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ticket_reply(ticket=ticket, actor=acme.customer, body="Any news?", base_url=BASE)
    assert [m.to for m in mail.outbox] == [[acme.engineer.email]]


def test_priority_change_needs_a_reason_and_is_recorded(acme, make_ticket, login):
    ticket = make_ticket()
    with pytest.raises(ValidationError):
        ticket_priority_change(ticket=ticket, actor=acme.engineer, priority="P1", reason=" ")
    with pytest.raises(PermissionDenied):
        ticket_priority_change(ticket=ticket, actor=acme.customer, priority="P1", reason="x")
    login(acme.engineer).post(
        f"/tickets/{ticket.reference}/priority/",
        {"priority-priority": "P1", "priority-reason": "All stores offline"},
    )
    ticket.refresh_from_db()
    assert ticket.priority == "P1"
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.PRIORITY)
    assert event.actor == acme.engineer
    assert event.data == {"from": "P2", "to": "P1", "reason": "All stores offline"}
    # Customers see that it changed, never the staff's reason.
    page = login(acme.customer).get(f"/tickets/{ticket.reference}/").content.decode()
    assert "All stores offline" not in page
    assert "changed the priority from P2 to" in page


def test_customer_adds_evidence_while_open_not_after_close(acme, make_ticket, login):
    ticket = make_ticket()
    client = login(acme.customer)
    client.post(
        f"/tickets/{ticket.reference}/evidence/",
        {"evidence-files": [png("after-restart.png"), text_file("trace.log")]},
    )
    assert sorted(ticket.attachments.values_list("original_name", flat=True)) == [
        "after-restart.png",
        "trace.log",
    ]
    assert ticket.events.filter(kind=EventKind.ATTACHMENT).count() == 1
    ticket_transition(ticket=ticket, actor=acme.customer, to_status=Status.CLOSED, base_url=BASE)
    response = client.post(
        f"/tickets/{ticket.reference}/evidence/", {"evidence-files": [png("late.png")]}
    )
    assert response.status_code == 400
    assert not ticket.attachments.filter(original_name="late.png").exists()


def test_timeline_shows_who_did_what(acme, make_ticket, login):
    ticket = make_ticket()
    ticket_assign(ticket=ticket, actor=acme.manager, assignee=acme.engineer, base_url=BASE)
    ticket_transition(
        ticket=ticket,
        actor=acme.engineer,
        to_status=Status.ON_HOLD,
        reason="need logs",
        base_url=BASE,
    )
    ticket_assign(ticket=ticket, actor=acme.manager, assignee=acme.manager, base_url=BASE)
    page = login(acme.manager).get(f"/tickets/{ticket.reference}/").content.decode()
    assert f"{acme.manager.full_name}</strong> took the ticket" in page
    assert '<option value="on_hold" selected>On hold – waiting on customer</option>' in page
    assert "opened the ticket" in page
    assert f"{acme.engineer.full_name}</strong> was assigned by {acme.manager.full_name}" in page
    assert "On hold – waiting on customer" in page
    assert "need logs" in page


def test_conversation_fragment_updates_without_reload(acme, make_ticket, login):
    ticket = make_ticket()
    ticket_reply(ticket=ticket, actor=acme.engineer, body="We are on it", base_url=BASE)
    response = login(acme.customer).get(f"/tickets/{ticket.reference}/conversation/")
    body = response.content.decode()
    assert "We are on it" in body
    assert "<html" not in body


def test_engineer_refiles_a_ticket_under_another_type(acme, make_ticket, login, two_tenants):
    from .factories import TicketTypeFactory

    _acme, globex = two_tenants
    security = TicketTypeFactory(tenant=acme.tenant, name="Security", slug="security")
    foreign = TicketTypeFactory(tenant=globex.tenant, name="Foreign", slug="foreign")
    ticket = make_ticket()
    client = login(acme.engineer)
    response = client.post(f"/tickets/{ticket.reference}/type/", {"type-ticket_type": foreign.pk})
    assert response.status_code == 400
    client.post(f"/tickets/{ticket.reference}/type/", {"type-ticket_type": security.pk})
    ticket.refresh_from_db()
    assert ticket.ticket_type == security
    event = TicketEvent.objects.get(ticket=ticket, kind=EventKind.TYPE)
    assert event.data == {"from": "Networking", "to": "Security"}
    page = login(acme.customer).get(ticket.get_absolute_url()).content.decode()
    assert "changed the type from Networking to" in page


# Every staff status change reaches the customer once (the outbox rows are what is sent).


def customer_emails(acme, ticket):
    from helpdesk.models import OutboxEmail

    return list(
        OutboxEmail.objects.filter(to=[acme.customer.email])
        .exclude(dedupe_key=f"ticket-created:{ticket.pk}:requester")
        .order_by("pk")
    )


def reply_with_status(login, acme, ticket, status, *, internal=False, body="Done on our side."):
    data = {"reply-body": body, "reply-status": status}
    if internal:
        data["reply-internal"] = "on"
    return login(acme.engineer).post(f"/tickets/{ticket.reference}/reply/", data)


def test_reply_putting_a_ticket_on_hold_is_one_email_with_what_we_wait_for(
    acme, make_ticket, login
):
    ticket = make_ticket(title="Printer offline")
    reply_with_status(login, acme, ticket, Status.ON_HOLD, body="Which model is it?")
    [email] = customer_emails(acme, ticket)
    assert email.subject == (
        f"[{acme.tenant.portal_title}] Re: {ticket.reference} Printer offline"
        " · now On hold – waiting on you"
    )
    assert "Which model is it?" in email.body_text
    assert "Status: On hold – waiting on you (was New)." in email.body_text
    assert "We are waiting for your answer: reply on the ticket page" in email.body_text
    assert "We are waiting for your answer" in email.body_html


def test_reply_resolving_a_ticket_says_until_when_it_can_be_reopened(
    acme, make_ticket, login, settings
):
    settings.TICKET_REOPEN_DAYS = 14
    acme.customer.time_zone = "America/Bogota"
    acme.customer.save(update_fields=["time_zone"])
    ticket = make_ticket(title="VPN down")
    ticket_assign(ticket=ticket, actor=acme.engineer, assignee=acme.engineer, base_url=BASE)
    before = customer_emails(acme, ticket)
    reply_with_status(login, acme, ticket, Status.RESOLVED, body="The tunnel is stable again.")
    ticket.refresh_from_db()
    [email] = customer_emails(acme, ticket)[len(before) :]
    assert email.subject.endswith(f"Re: {ticket.reference} VPN down · now Resolved")
    deadline = timezone.localtime(
        ticket.resolved_at + timedelta(days=14), timezone.get_fixed_timezone(-300)
    )
    assert "The tunnel is stable again." in email.body_text
    assert "Status: Resolved (was In progress)." in email.body_text
    assert (
        "The ticket closes by itself 14 days after it was resolved, on "
        f"{deadline:%a} {deadline.day} {deadline:%b %Y, %H:%M}" in email.body_text
    )
    assert "reopen it on the ticket page until then" in email.body_text
    assert "Reply on the ticket page" not in email.body_text


def test_reply_closing_a_ticket_says_it_is_closed(acme, make_ticket):
    ticket = make_ticket(title="Old request")
    ticket_reply(
        ticket=ticket,
        actor=acme.engineer,
        body="Closing as agreed by phone.",
        status=Status.CLOSED,
        base_url=BASE,
    )
    [email] = customer_emails(acme, ticket)
    assert email.subject.endswith(f"Re: {ticket.reference} Old request · now Closed")
    assert "Closing as agreed by phone." in email.body_text
    assert "The ticket is closed: it can no longer be answered or reopened." in email.body_text


def test_status_form_alone_sends_a_status_email_with_what_is_expected(acme, make_ticket, login):
    ticket = make_ticket(title="Mail bounces")
    login(acme.engineer).post(
        f"/tickets/{ticket.reference}/status/", {"status-status": Status.ON_HOLD}
    )
    [email] = customer_emails(acme, ticket)
    assert email.subject.endswith(f"{ticket.reference} is now On hold – waiting on you")
    assert "changed from New to On hold – waiting on you" in email.body_text
    assert "We are waiting for your answer" in email.body_text


def test_internal_note_with_a_status_change_sends_only_the_status_email(acme, make_ticket, login):
    ticket = make_ticket(title="Disk full")
    reply_with_status(
        login, acme, ticket, Status.ON_HOLD, internal=True, body="Customer's NAS is a QNAP"
    )
    [email] = customer_emails(acme, ticket)
    assert email.subject.endswith(f"{ticket.reference} is now On hold – waiting on you")
    assert "QNAP" not in email.body_text and "QNAP" not in email.body_html
    assert "We are waiting for your answer" in email.body_text


def test_a_repeated_status_email_is_not_queued_twice(acme, make_ticket):
    from tickets.services.notifications import notify_status_changed

    ticket = make_ticket()
    ticket = ticket_transition(
        ticket=ticket, actor=acme.engineer, to_status=Status.ON_HOLD, base_url=BASE
    )
    event = ticket.events.filter(kind=EventKind.STATUS).get()
    notify_status_changed(ticket=ticket, event_id=event.pk, old_label="New", base_url=BASE)
    assert len(customer_emails(acme, ticket)) == 1
