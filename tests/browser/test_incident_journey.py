"""A manager declares an incident on a component after previewing it, links two tickets by
number, posts an update, resolves it, and replies to and resolves the linked tickets."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import sign_in
from tests.tickets.conftest import open_ticket
from tests.tickets.factories import ComponentFactory, TicketTypeFactory
from tickets.models import Component, ComponentStatus, Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_runs_an_incident_and_answers_its_tickets(page: Page, portal, acme):
    kind = TicketTypeFactory(tenant=acme.tenant, name="Telephony", slug="telephony")
    ComponentFactory(tenant=acme.tenant, name="Call tracking", slug="call-tracking")
    first = open_ticket(acme, kind, title="Calls missing from the report")
    second = open_ticket(acme, kind, title="No calls since this morning")
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    url = portal("acme")

    sign_in(page, url, acme.manager.email)
    page.goto(url + "/incidents/")
    page.get_by_role("link", name="Declare an incident").click()
    page.get_by_label("Title", exact=True).fill("Calls are not tracked")
    page.get_by_label("First message").fill("We are **looking** into missing calls.")
    page.get_by_label("Impact").select_option(label="Major")
    page.get_by_label("Call tracking").select_option(label="Major outage")

    page.get_by_role("button", name="Preview").click()
    preview = page.locator("section.preview")
    expect(preview.locator("strong")).to_have_text("looking")
    expect(preview).to_contain_text("Call tracking: Major outage")
    expect(page.get_by_label("Title", exact=True)).to_have_value("Calls are not tracked")
    page.get_by_role("button", name="Publish").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Calls are not tracked")
    assert Component.objects.get(slug="call-tracking").status == ComponentStatus.MAJOR_OUTAGE

    page.get_by_label("Ticket numbers").fill(f"{first.number}, {second.number}")
    page.get_by_role("button", name="Link tickets").click()
    expect(page.get_by_text("2 tickets linked.")).to_be_visible()
    expect(page.get_by_role("link", name=first.reference)).to_be_visible()
    expect(page.get_by_role("link", name=second.reference)).to_be_visible()

    page.get_by_label("Status", exact=True).select_option(label="Identified")
    page.get_by_label("Message", exact=True).fill("A full disk on the collector; clearing it.")
    page.get_by_role("button", name="Publish the update").click()
    expect(page.get_by_text("The update is published.")).to_be_visible()

    page.get_by_label("Status", exact=True).select_option(label="Resolved")
    page.get_by_label("Message", exact=True).fill("Calls are tracked again.")
    page.get_by_role("button", name="Publish the update").click()
    expect(page.locator("header .badge")).to_have_text("Resolved")
    assert Component.objects.get(slug="call-tracking").status == ComponentStatus.OPERATIONAL

    reply = page.get_by_label("Reply", exact=True)
    expect(reply).to_have_value(
        "Hello,\n\nThe incident “{incident}” that affected your ticket {ticket} is resolved. "
        "Everything should work normally again; if it does not, reply to this message and we "
        "will look into it.\n\nThank you for your patience."
    )
    reply.fill("Calls are tracked again; {ticket} is fixed.")
    page.get_by_label("Also resolve the tickets").check()
    page.get_by_role("button", name="Send the reply").click()
    expect(page.get_by_text("The reply is on its way to 2 linked tickets.")).to_be_visible()
    page.reload()
    expect(page.get_by_text("Replied ")).to_have_count(2)

    for ticket in (first, second):
        page.goto(url + ticket.get_absolute_url())
        expect(
            page.get_by_text(f"Calls are tracked again; {ticket.reference} is fixed.")
        ).to_be_visible()
        ticket.refresh_from_db()
        assert ticket.status == Status.RESOLVED
        expect(page.locator(".ticket-badges .badge").first).to_have_text("Resolved")
    assert problems == []
