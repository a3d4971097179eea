"""Replies by email: threaded by reply address, In-Reply-To or subject; only by people who
could see the ticket in the browser."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Role, User
from helpdesk.services import email_queue
from tickets.models import Channel, InboundEmail, Message, SlaState, Status, Ticket
from tickets.selectors import visible_tickets
from tickets.services import ticket_cc_add, ticket_reply, ticket_transition

from ...factories import CustomerFactory, EngineerFactory
from .conftest import SUPPORT, email_bytes, quoted, reply_to_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(make_ticket):
    return make_ticket()


def _sent_about(ticket, to: str):
    """An email we sent about ``ticket``, as the ticket notifications store it."""
    return email_queue(
        tenant=ticket.tenant,
        to=[to],
        subject=f"Re: {ticket.reference} {ticket.title}",
        text="Please send the logs.",
        thread=f"ticket:{ticket.pk}",
    )


def test_a_reply_to_the_signed_address_becomes_a_public_message(acme, ticket, mailbox, receive):
    received_at = timezone.now()
    inbound = receive(
        email_bytes(
            to=reply_to_ticket(ticket, acme.customer.email),
            subject="Re: whatever the client made of it",
            body=quoted("Here are the logs you asked for."),
        ),
        received_at=received_at,
    )

    message = Message.objects.get(ticket=ticket)
    assert inbound.state == InboundEmail.State.DONE
    assert inbound.outcome == f"Reply on {ticket.reference}"
    assert inbound.ticket == ticket
    assert message.author == acme.customer
    assert message.body == "Here are the logs you asked for."
    assert message.channel == Channel.EMAIL
    assert message.inbound_email == inbound
    assert not message.is_internal
    assert message.created_at == received_at


def test_a_reply_naming_our_email_in_in_reply_to_threads(acme, ticket, mailbox, receive):
    sent = _sent_about(ticket, acme.customer.email)

    inbound = receive(
        email_bytes(subject="Re: logs", body="Attached soon.", in_reply_to=sent.message_id)
    )

    assert inbound.outcome == f"Reply on {ticket.reference}"
    assert Message.objects.get(ticket=ticket).body == "Attached soon."


def test_a_reply_naming_the_tickets_thread_root_threads(acme, ticket, mailbox, receive):
    inbound = receive(
        email_bytes(
            subject="Re: logs",
            body="Still broken.",
            references=f"<ticket-{ticket.pk}@acme.localhost> <other@mail.test>",
        )
    )

    assert inbound.outcome == f"Reply on {ticket.reference}"


def test_the_ticket_number_in_the_subject_threads_a_participants_email(
    acme, ticket, mailbox, receive
):
    inbound = receive(email_bytes(subject=f"[{ticket.reference}] more details", body="More."))

    assert inbound.outcome == f"Reply on {ticket.reference}"


def test_a_spoofed_reply_from_a_non_participant_with_a_forged_subject_lands_nowhere(
    acme, ticket, mailbox, receive
):
    colleague = CustomerFactory(tenant=acme.tenant, organization=acme.org, email="eve@acme.test")

    inbound = receive(
        email_bytes(
            sender=colleague.email,
            subject=f"Re: [{ticket.reference}] VPN down",
            body="Close this please.",
        )
    )

    assert inbound.state == InboundEmail.State.REFUSED
    assert inbound.outcome == f"Refused: sender eve@acme.test may not reply to {ticket.reference}"
    assert not Message.objects.exists()
    assert Ticket.objects.count() == 1


def test_a_new_email_mentioning_someone_elses_ticket_is_a_new_request(
    acme, ticket, mailbox, receive
):
    colleague = CustomerFactory(tenant=acme.tenant, organization=acme.org, email="eve@acme.test")

    inbound = receive(
        email_bytes(sender=colleague.email, subject=f"Same problem as {ticket.reference}")
    )

    assert inbound.outcome == f"New ticket {inbound.ticket.reference}"
    assert inbound.ticket.requester == colleague
    assert not Message.objects.filter(ticket=ticket).exists()


def test_a_reply_address_issued_to_someone_else_does_not_let_another_sender_in(
    acme, ticket, mailbox, receive
):
    stranger = CustomerFactory(
        tenant=acme.tenant, organization=acme.other_org, email="mallory@other.test"
    )
    sent = _sent_about(ticket, acme.customer.email)

    inbound = receive(
        email_bytes(
            sender=stranger.email,
            to=reply_to_ticket(ticket, acme.customer.email),
            in_reply_to=sent.message_id,
            body="Let me in.",
        )
    )

    assert inbound.state == InboundEmail.State.REFUSED
    assert "may not reply to" in inbound.outcome
    assert not Message.objects.exists()


def test_an_engineers_emailed_reply_is_public_and_meets_first_response(
    planned, acme, ticket, mailbox, receive
):
    assert ticket.first_response_state == SlaState.RUNNING
    received_at = timezone.now()

    inbound = receive(
        email_bytes(
            sender=acme.engineer.email,
            to=reply_to_ticket(ticket, acme.engineer.email),
            body="Restart the tunnel, please.",
        ),
        received_at=received_at,
    )

    ticket.refresh_from_db()
    message = Message.objects.get(ticket=ticket)
    assert inbound.outcome == f"Reply on {ticket.reference}"
    assert message.author == acme.engineer and not message.is_internal
    assert ticket.first_response_at == received_at
    assert ticket.first_response_state == SlaState.MET
    assert ticket.status == Status.IN_PROGRESS


def test_an_engineers_reply_starting_with_the_note_marker_is_an_internal_note(
    acme, ticket, mailbox, receive
):
    inbound = receive(
        email_bytes(
            sender=acme.engineer.email,
            to=reply_to_ticket(ticket, acme.engineer.email),
            body="#note\nCustomer's firewall drops UDP 500.",
        )
    )

    ticket.refresh_from_db()
    message = Message.objects.get(ticket=ticket)
    assert inbound.outcome == f"Internal note on {ticket.reference}"
    assert message.is_internal
    assert message.body == "Customer's firewall drops UDP 500."
    assert ticket.first_response_at is None


@pytest.mark.parametrize(
    ("body", "note"),
    [
        ("#note the firewall drops UDP 500", "the firewall drops UDP 500"),
        ("  #NOTE\n\nChecked the logs.", "Checked the logs."),
        ("#notes are for later", None),
        ("Thanks, see #note below", None),
    ],
)
def test_the_note_marker_is_read_from_the_start_of_the_first_line(
    acme, ticket, mailbox, receive, body, note
):
    receive(
        email_bytes(
            sender=acme.engineer.email, to=reply_to_ticket(ticket, acme.engineer.email), body=body
        )
    )

    message = Message.objects.get(ticket=ticket)
    assert message.is_internal == (note is not None)
    assert message.body == (note or body)


def test_a_customers_reply_on_hold_resumes_the_resolution_clock(
    planned, acme, ticket, mailbox, receive
):
    ticket_reply(
        ticket=ticket,
        actor=acme.engineer,
        body="Which version do you run?",
        status=Status.ON_HOLD,
        base_url="http://acme.localhost/",
    )
    ticket.refresh_from_db()
    assert ticket.resolution_state == SlaState.PAUSED

    receive(email_bytes(to=reply_to_ticket(ticket, acme.customer.email), body="Version 7.2."))

    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    assert ticket.resolution_state == SlaState.RUNNING


def test_a_customers_reply_within_the_reopen_window_reopens_the_ticket(
    acme, ticket, mailbox, receive
):
    ticket_transition(ticket=ticket, actor=acme.engineer, to_status=Status.RESOLVED)

    inbound = receive(
        email_bytes(to=reply_to_ticket(ticket, acme.customer.email), body="It broke again.")
    )

    ticket.refresh_from_db()
    assert inbound.outcome == f"Reply on {ticket.reference}"
    assert ticket.status == Status.IN_PROGRESS
    assert Message.objects.get(ticket=ticket).body == "It broke again."


def test_a_reply_to_a_closed_ticket_opens_a_follow_up(acme, ticket, mailbox, receive):
    ticket_transition(ticket=ticket, actor=acme.engineer, to_status=Status.CLOSED)

    inbound = receive(
        email_bytes(
            to=reply_to_ticket(ticket, acme.customer.email),
            subject=f"Re: {ticket.reference} VPN down",
            body=quoted("It is down again."),
        )
    )

    follow_up = inbound.ticket
    assert follow_up != ticket
    assert inbound.outcome == f"New ticket {follow_up.reference}"
    assert follow_up.text == f"Follow-up to {ticket.reference}\n\nIt is down again."
    assert follow_up.requester == acme.customer
    assert not Message.objects.filter(ticket=ticket).exists()


def test_a_reply_past_the_reopen_window_opens_a_follow_up(acme, ticket, mailbox, receive, settings):
    ticket_transition(ticket=ticket, actor=acme.engineer, to_status=Status.RESOLVED)
    Ticket.objects.filter(pk=ticket.pk).update(
        resolved_at=timezone.now() - timedelta(days=settings.TICKET_REOPEN_DAYS + 1)
    )

    inbound = receive(email_bytes(to=reply_to_ticket(ticket, acme.customer.email), body="Again."))

    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED
    assert inbound.ticket != ticket
    assert inbound.ticket.text.startswith(f"Follow-up to {ticket.reference}")


def test_staff_replying_to_a_closed_ticket_is_refused(acme, ticket, mailbox, receive):
    ticket_transition(ticket=ticket, actor=acme.engineer, to_status=Status.CLOSED)

    inbound = receive(
        email_bytes(
            sender=acme.engineer.email,
            to=reply_to_ticket(ticket, acme.engineer.email),
            body="One more thing.",
        )
    )

    assert inbound.state == InboundEmail.State.REFUSED
    assert f"{ticket.reference} is closed" in inbound.outcome
    assert Ticket.objects.count() == 1


def test_a_colleague_in_copy_replies_by_email(acme, ticket, mailbox, receive):
    colleague = CustomerFactory(tenant=acme.tenant, organization=acme.org, email="bo@acme.test")
    ticket_cc_add(ticket=ticket, actor=acme.customer, user=colleague)

    inbound = receive(
        email_bytes(sender=colleague.email, to=reply_to_ticket(ticket, colleague.email))
    )

    assert inbound.outcome == f"Reply on {ticket.reference}"
    assert Message.objects.get(ticket=ticket).author == colleague


def test_an_outside_address_in_copy_replies_through_a_contact_account(
    acme, ticket, mailbox, receive
):
    ticket_cc_add(ticket=ticket, actor=acme.engineer, email="consultant@partner.test")

    first = receive(
        email_bytes(
            sender="Carla Consultant <consultant@partner.test>",
            to=reply_to_ticket(ticket, "consultant@partner.test"),
            body="We see the same on our side.",
        )
    )
    second = receive(
        email_bytes(
            sender="consultant@partner.test",
            subject=f"Re: {ticket.reference}",
            body="And now it works.",
        )
    )

    contact = User.objects.get(email="consultant@partner.test")
    assert contact.full_name == "Carla Consultant"
    assert not contact.has_usable_password()
    assert first.outcome == second.outcome == f"Reply on {ticket.reference}"
    authors = list(Message.objects.filter(ticket=ticket).values_list("author", flat=True))
    assert authors == [contact.pk, contact.pk]
    # Outside the organization: no member of it, nothing in the portal, no new tickets.
    assert (contact.role, contact.organization_id) == (Role.CONTACT, None)
    assert not visible_tickets(tenant=acme.tenant, actor=contact).exists()
    inbound = receive(
        email_bytes(sender="consultant@partner.test", subject="A new question", body="Hello")
    )
    assert inbound.state == InboundEmail.State.REFUSED
    assert Ticket.objects.for_tenant(acme.tenant).count() == 1


def test_a_contact_in_copy_cannot_sign_in_even_with_a_password(acme, ticket, mailbox, receive):
    ticket_cc_add(ticket=ticket, actor=acme.engineer, email="consultant@partner.test")
    receive(
        email_bytes(
            sender="consultant@partner.test",
            to=reply_to_ticket(ticket, "consultant@partner.test"),
            body="We see the same on our side.",
        )
    )
    contact = User.objects.get(email="consultant@partner.test")
    contact.set_password("a long enough password 1")
    contact.save()

    client = Client(HTTP_HOST=acme.host)
    response = client.post(
        "/accounts/login/",
        {"login": contact.email, "password": "a long enough password 1"},
    )

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_an_outside_address_in_copy_does_not_open_a_follow_up(acme, ticket, mailbox, receive):
    ticket_cc_add(ticket=ticket, actor=acme.engineer, email="consultant@partner.test")
    ticket_transition(ticket=ticket, actor=acme.engineer, to_status=Status.CLOSED)

    inbound = receive(
        email_bytes(
            sender="consultant@partner.test",
            to=reply_to_ticket(ticket, "consultant@partner.test"),
            body="Late answer.",
        )
    )

    assert inbound.state == InboundEmail.State.REFUSED
    assert Ticket.objects.count() == 1


def test_an_outside_address_with_an_account_elsewhere_is_refused(
    acme, globex, ticket, mailbox, receive
):
    ticket_cc_add(ticket=ticket, actor=acme.engineer, email=globex.customer.email)

    inbound = receive(
        email_bytes(
            sender=globex.customer.email,
            to=reply_to_ticket(ticket, globex.customer.email),
            body="Hi.",
        )
    )

    assert inbound.state == InboundEmail.State.REFUSED
    assert not Message.objects.exists()


def test_someone_taken_out_of_copy_can_no_longer_reply(acme, ticket, mailbox, receive):
    colleague = CustomerFactory(tenant=acme.tenant, organization=acme.org, email="bo@acme.test")
    copy = ticket_cc_add(ticket=ticket, actor=acme.customer, user=colleague)
    from tickets.services import ticket_cc_remove

    ticket_cc_remove(ticket=ticket, actor=acme.customer, participant_id=copy.pk)

    inbound = receive(
        email_bytes(sender=colleague.email, to=reply_to_ticket(ticket, colleague.email))
    )

    assert inbound.state == InboundEmail.State.REFUSED


def test_a_deactivated_engineer_cannot_reply(acme, ticket, mailbox, receive):
    former = EngineerFactory(tenant=acme.tenant, email="former@acme.example", is_active=False)

    inbound = receive(
        email_bytes(sender=former.email, to=reply_to_ticket(ticket, former.email), body="Hi")
    )

    assert inbound.state == InboundEmail.State.REFUSED


def test_files_alone_are_added_as_evidence(acme, ticket, mailbox, receive):
    inbound = receive(
        email_bytes(
            to=reply_to_ticket(ticket, acme.customer.email),
            body="",
            attachments=[("trace.log", "text/plain", b"ERROR tunnel reset\n")],
        )
    )

    assert inbound.outcome == f"Files added to {ticket.reference}"
    assert list(ticket.attachments.values_list("original_name", flat=True)) == ["trace.log"]
    assert not Message.objects.exists()


def test_an_empty_reply_is_ignored(acme, ticket, mailbox, receive):
    inbound = receive(email_bytes(to=reply_to_ticket(ticket, acme.customer.email), body=""))

    assert inbound.state == InboundEmail.State.IGNORED
    assert inbound.outcome == f"Ignored: empty reply to {ticket.reference}"


def test_the_support_address_itself_is_not_a_reply_address(acme, ticket, mailbox, receive):
    inbound = receive(email_bytes(to=SUPPORT, subject="Another problem", body="DNS fails."))

    assert inbound.outcome.startswith("New ticket")
    assert inbound.ticket != ticket
