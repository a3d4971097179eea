"""A customer chooses a component with an ongoing incident on the new-ticket form, sees the
known incident with a link to follow it, opens the ticket anyway, and finds the incident and
its latest update on the ticket page."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import sign_in
from tests.tickets.factories import ComponentFactory, TicketTypeFactory
from tickets.models import ComponentStatus, Ticket
from tickets.status.services import incident_create, incident_update_post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_customer_sees_the_known_incident_and_opens_a_ticket_anyway(page: Page, portal, acme):
    TicketTypeFactory(tenant=acme.tenant, name="Telephony", slug="telephony")
    calls = ComponentFactory(tenant=acme.tenant, name="Call tracking", slug="call-tracking")
    ComponentFactory(tenant=acme.tenant, name="Billing", slug="billing")
    incident = incident_create(
        tenant=acme.tenant,
        actor=acme.manager,
        title="Calls are not tracked",
        body="We are looking into missing calls.",
        affected={calls: ComponentStatus.MAJOR_OUTAGE},
    )
    incident_update_post(
        incident=incident,
        actor=acme.manager,
        status="identified",
        body="A full disk on the **collector**; clearing it.",
    )
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    url = portal("acme")

    sign_in(page, url, acme.customer.email)
    page.goto(url + "/tickets/new/")
    page.get_by_label("Title").fill("Calls missing since 09:10")
    page.get_by_label("Type").select_option(label="Telephony")
    page.get_by_label("Affected component").select_option(label="Call tracking")

    notice = page.locator("#known-incidents")
    expect(notice).to_contain_text("Known incident: Calls are not tracked")
    expect(notice).to_contain_text("A full disk on the collector")
    follow = notice.get_by_role("link", name="follow it here")
    expect(follow).to_have_attribute("href", f"/status/incidents/{incident.pk}/")

    page.get_by_label("Affected component").select_option(label="Billing")
    expect(notice).not_to_contain_text("Known incident")
    page.get_by_label("Affected component").select_option(label="Call tracking")
    expect(notice).to_contain_text("Known incident: Calls are not tracked")

    page.get_by_label("Affected service or resource").fill("Account 1042")
    page.get_by_label("Description").fill("No calls were tracked this morning.")
    page.get_by_role("button", name="Open ticket").click()

    ticket = Ticket.objects.get(tenant=acme.tenant)
    expect(page).to_have_url(url + ticket.get_absolute_url())
    linked = page.locator("section[aria-labelledby=incidents-title]")
    expect(linked.get_by_role("link", name="Calls are not tracked")).to_be_visible()
    expect(linked).to_contain_text("Identified")
    expect(linked.locator("strong")).to_have_text("collector")
    expect(
        page.get_by_text("This ticket is linked to the incident “Calls are not tracked”")
    ).to_be_visible()
    assert problems == []
