"""Journeys of phone intake and people in copy: an engineer opens a ticket for a caller and
puts a colleague in copy, whose emailed answer joins the conversation; a customer puts a
colleague in copy, who then finds the ticket in the portal."""

import re
from email.message import EmailMessage

import pytest
from playwright.sync_api import expect

from helpdesk.models import OutboxEmail
from tests.browser.pages import sign_in
from tests.factories import CustomerFactory
from tests.tickets.factories import TicketTypeFactory
from tickets.intake.process import inbound_process
from tickets.intake.store import inbound_store
from tickets.models import Channel, InboundEmail, Mailbox, Message, Ticket
from tickets.services import ticket_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_engineer_opens_a_ticket_for_a_caller_and_the_colleague_in_copy_answers_by_email(
    browser, portal, acme, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    kind = TicketTypeFactory(tenant=acme.tenant, name="Printing", slug="printing")
    mailbox = Mailbox.objects.create(
        tenant=acme.tenant,
        address="support@acme.example",
        transport=Mailbox.Transport.PUSH,
        default_ticket_type=kind,
    )
    caller = CustomerFactory(
        tenant=acme.tenant, organization=acme.org, full_name="Paula Caller", email="paula@a.test"
    )
    colleague = CustomerFactory(
        tenant=acme.tenant, organization=acme.org, full_name="Carla Colleague", email="carla@a.test"
    )
    url = portal("acme")
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, url, acme.engineer.email)

    # Find the caller as one types, then fill in what they said on the phone.
    page.get_by_role("link", name="New ticket for a customer").first.click()
    # Typing searches once the page's scripts are running (before, Enter does).
    expect(page).to_have_url(re.compile(r"/staff/tickets/new/"))
    page.wait_for_load_state("load")
    page.get_by_label("Name or email").fill("paula")
    page.get_by_role("link", name="Paula Caller").click()
    expect(page.get_by_label("Phone")).to_be_checked()
    page.get_by_label("Title").fill("Printer queue stuck since the update")
    page.get_by_label("Type").select_option(label="Printing")
    page.get_by_label("Affected service or resource").fill("Print server")
    page.get_by_label("Description").fill("Nothing prints on the 3rd floor since 9:00.")
    page.get_by_role("button", name="Open ticket").click()
    ticket = Ticket.objects.get(tenant=acme.tenant)
    assert (ticket.requester, ticket.channel) == (caller, Channel.PHONE)
    expect(page.get_by_role("heading", level=1)).to_contain_text(ticket.reference)
    expect(page.get_by_text("who was emailed its number")).to_be_visible()
    expect(page.get_by_text("via phone").first).to_be_visible()
    expect(
        page.get_by_text(re.compile(r"opened the ticket for Paula Caller \(phone\)"))
    ).to_be_visible()

    # Put the caller's colleague in copy from the ticket page.
    page.get_by_label("Colleague").select_option(label="Carla Colleague <carla@a.test>")
    page.get_by_role("button", name="Add to copy").click()
    expect(page.get_by_text("Carla Colleague is now in copy.")).to_be_visible()

    # The colleague answers the email they were sent, at its signed Reply-To.
    [told] = [e for e in OutboxEmail.objects.order_by("pk") if e.to == [colleague.email]]
    answer = EmailMessage()
    answer["From"] = f"Carla Colleague <{colleague.email}>"
    answer["To"] = told.reply_to[0]
    answer["Subject"] = f"Re: {told.subject}"
    answer["Message-ID"] = "<carla-answer-1@a.test>"
    answer["In-Reply-To"] = told.message_id
    answer.set_content(
        "The 2nd floor printers are stuck too.\n\n"
        f"On Tuesday someone wrote:\n> {told.body_text.splitlines()[0]}\n> You are in copy"
    )
    stored = inbound_store(
        mailbox=mailbox, raw=answer.as_bytes(), source=InboundEmail.Source.PIPE
    ).email
    inbound_process(inbound_id=stored.pk)
    message = Message.objects.get(ticket=ticket, author=colleague)
    assert message.channel == Channel.EMAIL

    page.reload()
    conversation = page.locator(f"#message-{message.pk}")
    expect(conversation).to_contain_text("The 2nd floor printers are stuck too.")
    expect(conversation).not_to_contain_text("You are in copy")
    expect(conversation.get_by_text("via email")).to_be_visible()
    expect(conversation.get_by_role("link", name="View original email")).to_be_visible()


def test_a_customer_puts_a_colleague_in_copy_who_signs_in_and_sees_the_ticket(
    browser, portal, acme, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    kind = TicketTypeFactory(tenant=acme.tenant, name="Networking", slug="networking")
    colleague = CustomerFactory(
        tenant=acme.tenant, organization=acme.org, full_name="Carla Colleague", email="carla@a.test"
    )
    ticket = ticket_create(
        actor=acme.customer,
        tenant=acme.tenant,
        title="VPN tunnel drops",
        text="Every 30 minutes.",
        ticket_type=kind,
        priority="P2",
        affected_service="VPN",
        base_url=portal("acme") + "/",
    )
    url = portal("acme")
    customer = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(customer, url, acme.customer.email)
    customer.goto(url + ticket.get_absolute_url())
    customer.get_by_label("Colleague").select_option(label="Carla Colleague <carla@a.test>")
    customer.get_by_role("button", name="Add to copy").click()
    expect(customer.get_by_text("Carla Colleague is now in copy.")).to_be_visible()
    copies = customer.locator("#copies")
    expect(copies.get_by_role("button", name="Remove Carla Colleague from copy")).to_be_visible()

    other = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(other, url, colleague.email)
    other.get_by_role("link", name="My tickets", exact=True).click()
    other.get_by_role("link", name=ticket.reference).click()
    expect(other.get_by_role("heading", level=1)).to_contain_text("VPN tunnel drops")
    expect(other.locator("#copies")).to_contain_text("Carla Colleague")
    other.get_by_label("Message").fill("Happens to me as well.")
    other.get_by_role("button", name="Send reply").click()
    expect(other.get_by_text("Happens to me as well.")).to_be_visible()
