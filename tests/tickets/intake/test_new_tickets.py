"""An email without a thread: a new ticket from a known customer, or refused."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import OrganizationEmailDomain, UnknownSenders, User
from helpdesk.priorities import Priority
from tickets.models import Channel, InboundEmail, Message, Ticket

from ...factories import CustomerFactory
from .conftest import email_bytes, emails_to

pytestmark = pytest.mark.django_db


def test_a_customers_email_opens_a_ticket_with_the_mailbox_defaults(
    planned, acme, mailbox, receive
):
    mailbox.default_priority = Priority.P2
    mailbox.save()
    received_at = timezone.now() - timedelta(minutes=20)

    inbound = receive(email_bytes(), received_at=received_at)

    ticket = Ticket.objects.get(tenant=acme.tenant)
    assert inbound.state == InboundEmail.State.DONE
    assert inbound.outcome == f"New ticket {ticket.reference}"
    assert inbound.ticket == ticket
    assert ticket.requester == acme.customer
    assert ticket.organization == acme.org
    assert ticket.title == "VPN drops every 30 minutes"
    assert ticket.text == "The tunnel to bog-prod drops every 30 minutes since Monday."
    assert ticket.ticket_type == mailbox.default_ticket_type
    assert ticket.priority == Priority.P2
    assert ticket.channel == Channel.EMAIL
    # The SLA clocks start when the email was received, not when it was processed.
    assert ticket.created_at == received_at
    assert ticket.first_response_due_at == received_at + timedelta(hours=2)
    # The same confirmation as a portal ticket.
    confirmation = emails_to(acme.customer.email)
    assert len(confirmation) == 1
    assert ticket.reference in confirmation[0].subject


def test_an_email_without_subject_or_text_still_opens_a_ticket(acme, mailbox, receive):
    inbound = receive(email_bytes(subject="", body=""))

    ticket = inbound.ticket
    assert ticket.title == "(no subject)"
    assert ticket.text == "(The email had no text.)"


def test_colleagues_in_copy_are_added_and_other_addresses_are_not(acme, mailbox, receive):
    colleague = CustomerFactory(
        tenant=acme.tenant, organization=acme.org, email="colleague@acme.test"
    )
    inbound = receive(
        email_bytes(
            cc=f"Colleague <{colleague.email}>, {acme.other_org_customer.email}, x@elsewhere.test"
        )
    )

    copies = list(inbound.ticket.participants.values_list("email", flat=True))
    assert copies == [colleague.email]


def test_an_unknown_sender_is_refused_with_one_polite_answer(acme, mailbox, receive):
    inbound = receive(email_bytes(sender="Stranger <stranger@nowhere.test>"))
    again = receive(email_bytes(sender="stranger@nowhere.test", subject="Hello?"))

    assert inbound.state == InboundEmail.State.REFUSED
    assert inbound.outcome == "Refused: unknown sender stranger@nowhere.test"
    assert again.state == InboundEmail.State.REFUSED
    assert not Ticket.objects.exists()
    answers = emails_to("stranger@nowhere.test")
    assert len(answers) == 1
    answer = answers[0]
    assert answer.headers["Auto-Submitted"] == "auto-replied"
    assert answer.headers["In-Reply-To"] == inbound.message_id
    assert "http://acme.localhost" in answer.body_text


def test_the_answer_to_unknown_senders_comes_again_after_the_rate_limit(
    acme, mailbox, receive, settings
):
    first = receive(email_bytes(sender="stranger@nowhere.test"))
    window = timedelta(hours=settings.INBOUND_AUTO_REPLY_HOURS, minutes=1)
    InboundEmail.objects.filter(pk=first.pk).update(auto_replied_at=timezone.now() - window)
    receive(email_bytes(sender="stranger@nowhere.test"))

    assert len(emails_to("stranger@nowhere.test")) == 2


def test_no_answer_to_a_sender_who_asked_responders_to_stay_quiet(acme, mailbox, receive):
    inbound = receive(
        email_bytes(sender="alerts@monitoring.test", headers={"X-Auto-Response-Suppress": "All"})
    )

    assert inbound.state == InboundEmail.State.REFUSED
    assert emails_to("alerts@monitoring.test") == []


def test_an_address_at_an_organizations_domain_becomes_its_customer(acme, mailbox, receive):
    acme.tenant.unknown_senders = UnknownSenders.ORGANIZATION_DOMAINS
    acme.tenant.save()
    OrganizationEmailDomain.objects.create(organization=acme.org, domain="acme-corp.test")

    inbound = receive(email_bytes(sender="Nuevo Cliente <nuevo@ACME-corp.test>"))

    person = User.objects.get(email="nuevo@acme-corp.test")
    assert person.organization == acme.org
    assert person.full_name == "Nuevo Cliente"
    assert not person.has_usable_password()
    assert inbound.ticket.requester == person
    assert inbound.state == InboundEmail.State.DONE


def test_the_domain_policy_does_not_apply_to_a_deactivated_organization(acme, mailbox, receive):
    acme.tenant.unknown_senders = UnknownSenders.ORGANIZATION_DOMAINS
    acme.tenant.save()
    OrganizationEmailDomain.objects.create(organization=acme.org, domain="acme-corp.test")
    acme.org.is_active = False
    acme.org.save()

    inbound = receive(email_bytes(sender="nuevo@acme-corp.test"))

    assert inbound.state == InboundEmail.State.REFUSED
    assert not User.objects.filter(email="nuevo@acme-corp.test").exists()


def test_a_refusing_tenant_ignores_organization_domains(acme, mailbox, receive):
    OrganizationEmailDomain.objects.create(organization=acme.org, domain="acme-corp.test")

    inbound = receive(email_bytes(sender="nuevo@acme-corp.test"))

    assert inbound.state == InboundEmail.State.REFUSED


@pytest.mark.parametrize(
    ("who", "reason"),
    [
        ("engineer", "is staff and wrote without a ticket to reply to"),
        ("deactivated", "is deactivated"),
        ("organization_off", "the organization of"),
    ],
)
def test_staff_and_deactivated_people_are_refused_without_an_answer(
    acme, mailbox, receive, who, reason
):
    person = acme.engineer if who == "engineer" else acme.customer
    if who == "deactivated":
        person.is_active = False
        person.save()
    if who == "organization_off":
        acme.org.is_active = False
        acme.org.save()

    inbound = receive(email_bytes(sender=person.email))

    assert inbound.state == InboundEmail.State.REFUSED
    assert reason in inbound.outcome
    assert not Ticket.objects.exists()
    assert emails_to(person.email) == []


def test_an_account_of_another_help_desk_is_refused(acme, globex, mailbox, receive):
    inbound = receive(email_bytes(sender=globex.customer.email))

    assert inbound.state == InboundEmail.State.REFUSED
    assert "another help desk" in inbound.outcome
    assert not Ticket.objects.exists()


def test_the_original_email_stays_with_the_ticket(acme, mailbox, receive):
    raw = email_bytes(body="Hello\n\n-- \nAna, Acme Corp")
    inbound = receive(raw)

    with inbound.raw.open("rb") as stored:
        assert stored.read() == raw
    assert not Message.objects.exists()
    assert inbound.ticket.text.startswith("Hello")


@pytest.mark.parametrize("switched_off", ["tenant", "mailbox"])
def test_a_deactivated_help_desk_or_mailbox_opens_nothing(acme, mailbox, receive, switched_off):
    target = acme.tenant if switched_off == "tenant" else mailbox
    target.is_active = False
    target.save()

    inbound = receive(email_bytes())

    assert inbound.state == InboundEmail.State.REFUSED
    assert inbound.outcome == "Refused: the help desk or its mailbox is deactivated"
    assert not Ticket.objects.exists()
