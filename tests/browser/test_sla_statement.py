"""An organization admin reads the month's SLA statement, downloads it as CSV, and prints
it without the navigation."""

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import sign_in
from tests.sla.factories import plan_with_matrix
from tests.tickets.conftest import open_ticket
from tests.tickets.factories import TicketTypeFactory
from tickets.models import Status
from tickets.services import ticket_reply, ticket_transition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_org_admin_reads_downloads_and_prints_the_statement(page: Page, portal, acme):
    plan = plan_with_matrix(
        tenant=acme.tenant,
        name="Gold",
        cells={("P2", "first_response"): "4 hours (24/7)", ("P2", "resolution"): "N/A"},
    )
    for organization in (acme.org, acme.other_org):
        organization.plan = plan
        organization.save(update_fields=["plan"])
    kind = TicketTypeFactory(tenant=acme.tenant, name="Networking", slug="networking")
    # Answered now: the first response is met in the current month.
    ticket = open_ticket(acme, kind, priority="P2", title="Replica lag on the orders database")
    ticket_reply(ticket=ticket, actor=acme.engineer, body="Looking at it.", base_url="http://x/")
    ticket_transition(
        ticket=ticket, actor=acme.engineer, to_status=Status.RESOLVED, base_url="http://x/"
    )
    other = open_ticket(
        acme, kind, requester=acme.other_org_customer, priority="P2", title="Other org's printer"
    )
    ticket_reply(ticket=other, actor=acme.engineer, body="On it.", base_url="http://x/")
    url = portal("acme")

    sign_in(page, url, acme.org_admin.email)
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="SLA statement").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("SLA statement")
    expect(page.get_by_text("Acme Customer A · Support plan: Gold")).to_be_visible()
    rows = page.locator("table.statement-lines tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(ticket.reference)
    expect(rows.first).to_contain_text("Replica lag on the orders database")
    expect(rows.first).to_contain_text("4 hours (24/7)")
    expect(rows.first).to_contain_text("Met")
    expect(page.get_by_text("Other org's printer")).to_have_count(0)
    first_response = page.locator('tr[data-metric="first_response"][data-priority="P2"]')
    expect(first_response).to_contain_text("100.0")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    download = download_info.value
    assert download.suggested_filename.startswith(f"sla-statement-{acme.org.slug}-")
    text = Path(download.path()).read_text(encoding="utf-8")
    header, *lines = list(csv.reader(io.StringIO(text)))
    assert header[:2] == ["Ticket", "Title"]
    assert [line[:2] for line in lines] == [
        [ticket.reference, "Replica lag on the orders database"]
    ]

    # Printing (or saving as PDF) shows the statement without navigation or buttons.
    expect(nav).to_be_visible()
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_visible()
    page.emulate_media(media="print")
    expect(nav).not_to_be_visible()
    expect(page.get_by_role("link", name="Download CSV")).not_to_be_visible()
    expect(page.get_by_role("button", name="Print or save as PDF")).not_to_be_visible()
    expect(page.get_by_label("Month", exact=True)).not_to_be_visible()
    expect(rows.first).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
