import re

import pytest
from playwright.sync_api import expect

from tests.browser.pages import sign_in
from tests.tickets.factories import PriorityDefinitionFactory, TicketTypeFactory
from tickets.models import Message, Status, Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ticket_from_first_message_to_reopening(browser, portal, acme, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    TicketTypeFactory(tenant=acme.tenant, name="Networking", slug="networking")
    PriorityDefinitionFactory(
        tenant=acme.tenant,
        priority="P1",
        description="Only for a total interruption of critical business services.",
    )
    url = portal("acme")
    customer = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    engineer = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()

    # The customer opens a ticket with two attachments from the + button.
    sign_in(customer, url, acme.customer.email)
    customer.get_by_role("link", name="New ticket").first.click()
    expect(customer.get_by_text("Only for a total interruption")).to_be_visible()
    customer.get_by_label("Title").fill("VPN tunnel to AWS drops every 30 minutes")
    customer.get_by_label("Type").select_option(label="Networking")
    customer.get_by_label("P2 – High").check()
    customer.get_by_label("Affected service or resource").fill("VPN bog-prod")
    customer.get_by_label("Description").fill("The tunnel **drops** and sessions die.")
    customer.get_by_label("Attachments").set_input_files(
        [
            {"name": "console.png", "mimeType": "image/png", "buffer": b"\x89PNG\r\n\x1a\n0000"},
            {"name": "tunnel.log", "mimeType": "text/plain", "buffer": b"DPD timeout\n"},
        ]
    )
    customer.get_by_role("button", name="Open ticket").click()
    ticket = Ticket.objects.get(tenant=acme.tenant)
    expect(customer.get_by_role("heading", level=1)).to_contain_text(ticket.reference)
    expect(customer.get_by_text(f"Your ticket {ticket.reference} is open")).to_be_visible()
    expect(customer.get_by_role("link", name="console.png")).to_be_visible()
    expect(customer.get_by_role("link", name="tunnel.log")).to_be_visible()

    # An engineer of the tenant finds it in Unassigned, takes it, replies and adds a note.
    sign_in(engineer, url, acme.engineer.email)
    engineer.get_by_role("link", name="Queues").click()
    engineer.get_by_role("link", name=re.compile(r"^Unassigned")).click()
    engineer.get_by_role("link", name=ticket.reference).click()
    engineer.get_by_role("button", name="Assign to me").click()
    expect(engineer.get_by_text(f"{ticket.reference} is assigned to you")).to_be_visible()
    engineer.get_by_label("Message").fill("Please send the phase 1 proposal of your firewall.")
    engineer.get_by_role("button", name="Send", exact=True).click()
    expect(engineer.get_by_text("Reply sent.")).to_be_visible()
    engineer.get_by_label("Message").fill("Customer firewall is probably a FortiGate.")
    engineer.get_by_label("Internal note (only staff see it)").check()
    engineer.get_by_role("button", name="Send", exact=True).click()
    expect(engineer.get_by_text("Internal note added.")).to_be_visible()
    expect(engineer.locator(".message-internal")).to_contain_text("FortiGate")

    # The customer sees the reply (without reloading) and never the note; adds evidence.
    expect(customer.get_by_text("Please send the phase 1 proposal")).to_be_visible(timeout=30_000)
    customer.reload()
    expect(customer.get_by_text("FortiGate")).to_have_count(0)
    expect(customer.locator(".badge").first).to_contain_text("In progress")
    customer.locator("#id_evidence-files").set_input_files(
        [{"name": "phase1.txt", "mimeType": "text/plain", "buffer": b"aes256-sha256-dh14\n"}]
    )
    customer.get_by_role("button", name="Upload").click()
    expect(customer.get_by_text("1 file(s) added")).to_be_visible()
    expect(customer.get_by_role("link", name="phase1.txt")).to_be_visible()

    # The engineer resolves it; the customer reopens it.
    engineer.reload()
    expect(engineer.get_by_role("link", name="phase1.txt")).to_be_visible()
    engineer.locator("#id_status-status").select_option("resolved")
    engineer.get_by_role("button", name="Change status").click()
    expect(engineer.get_by_text(f"{ticket.reference} is now Resolved")).to_be_visible()

    customer.reload()
    expect(customer.locator(".ticket-badges .badge").first).to_have_text("Resolved")
    customer.get_by_role("button", name="Reopen ticket").click()
    expect(customer.get_by_text(f"{ticket.reference} is reopened")).to_be_visible()
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    assert Message.objects.filter(ticket=ticket, is_internal=True).count() == 1


def test_customer_follows_tickets_by_number_and_status(page, portal, acme, settings, tmp_path):
    from tests.tickets.conftest import open_ticket

    settings.MEDIA_ROOT = tmp_path / "media"
    kind = TicketTypeFactory(tenant=acme.tenant)
    first = open_ticket(acme, kind, title="Backups failing")
    second = open_ticket(acme, kind, title="Dashboard slow")
    sign_in(page, portal("acme"), acme.customer.email)
    page.get_by_role("link", name="My tickets", exact=True).click()
    expect(page.get_by_role("link", name=first.reference)).to_be_visible()
    expect(page.get_by_role("link", name=second.reference)).to_be_visible()
    page.get_by_label("Search by number or words").fill(second.reference)
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("link", name=second.reference)).to_be_visible()
    expect(page.get_by_role("link", name=first.reference)).to_have_count(0)


def test_rejected_file_keeps_everything_typed(page, portal, acme, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    TicketTypeFactory(tenant=acme.tenant, name="Networking", slug="networking")
    sign_in(page, portal("acme"), acme.customer.email)
    page.goto(portal("acme") + "/tickets/new/")
    page.get_by_label("Title").fill("Firewall rules lost")
    page.get_by_label("Type").select_option(label="Networking")
    page.get_by_label("Affected service or resource").fill("fw-01")
    page.get_by_label("Description").fill("All rules vanished after the update.")
    page.get_by_label("Attachments").set_input_files(
        [
            {"name": "rules.png", "mimeType": "image/png", "buffer": b"\x89PNG\r\n\x1a\n0000"},
            {"name": "tool.exe", "mimeType": "application/octet-stream", "buffer": b"MZ"},
        ]
    )
    page.get_by_role("button", name="Open ticket").click()
    expect(page.get_by_text("“tool.exe” is not a file type we accept")).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value("Firewall rules lost")
    expect(page.get_by_label("Description")).to_have_value("All rules vanished after the update.")
    expect(page.get_by_text("rules.png")).to_be_visible()
    page.get_by_role("button", name="Open ticket").click()
    ticket = Ticket.objects.get(tenant=acme.tenant)
    expect(page.get_by_role("heading", level=1)).to_contain_text(ticket.reference)
    assert [a.original_name for a in ticket.attachments.all()] == ["rules.png"]
