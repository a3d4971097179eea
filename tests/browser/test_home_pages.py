"""Home pages in a browser: an engineer goes from a count on their home page to the queue
that lists those tickets; a customer sees their recent ticket with the help desk's promise."""

import re

import pytest
from playwright.sync_api import expect

from helpdesk.priorities import Priority
from tests.browser.pages import sign_in
from tests.sla.factories import plan_with_matrix
from tests.tickets.conftest import open_ticket
from tests.tickets.factories import TicketTypeFactory
from tickets.services import ticket_assign

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tickets(acme, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    acme.org.plan = plan_with_matrix(
        tenant=acme.tenant,
        cells={
            ("P1", "first_response"): "30 minutes (24/7)",
            ("P1", "resolution"): "8 hours (24/7)",
            ("P3", "first_response"): "N/A",
            ("P3", "resolution"): "N/A",
        },
    )
    acme.org.save(update_fields=["plan"])
    kind = TicketTypeFactory(tenant=acme.tenant, name="Networking", slug="networking")
    urgent = open_ticket(acme, kind, title="Core switch down", priority=Priority.P1)
    later = open_ticket(acme, kind, title="Printer toner", priority=Priority.P3)
    for ticket in (urgent, later):
        ticket_assign(ticket=ticket, actor=acme.engineer, assignee=acme.engineer, base_url="")
    return urgent, later


def test_engineer_follows_a_count_to_the_queue(browser, portal, acme, tickets):
    urgent, later = tickets
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, portal("acme"), acme.engineer.email)
    page.goto(portal("acme") + "/")
    expect(page.get_by_role("heading", name="My open tickets by SLA due")).to_be_visible()
    due_soon = page.get_by_role("link", name=re.compile("Breaching within the next hour"))
    expect(due_soon).to_contain_text("1")
    due_soon.click()

    expect(page).to_have_url(re.compile(r"/queue/mine/\?sort=sla$"))
    rows = page.locator("table.tickets-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text(urgent.reference)
    expect(rows.first).to_contain_text("FR")
    expect(rows.nth(1)).to_contain_text(later.reference)


def test_customer_sees_their_ticket_with_our_promise(browser, portal, acme, tickets):
    urgent, _later = tickets
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, portal("acme"), acme.customer.email)
    page.goto(portal("acme") + "/")
    recent = page.get_by_role("region", name="My recent tickets")
    row = recent.get_by_role("row").filter(has_text=urgent.reference)
    expect(row).to_contain_text("Core switch down")
    expect(row).to_contain_text("We will respond by")
    row.get_by_role("link", name=urgent.reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(urgent.reference)
