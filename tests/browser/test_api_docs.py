"""A developer signed in to the portal opens the API's docs and tries the ticket list
there: the docs run on the help desk's own files and the call uses the browser's session."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.pages import sign_in
from tests.tickets.conftest import open_ticket
from tests.tickets.factories import TicketTypeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_engineer_tries_the_ticket_list_in_the_api_docs(page, portal, acme, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    ticket = open_ticket(acme, TicketTypeFactory(tenant=acme.tenant), title="Core switch down")
    blocked = []
    page.on(
        "console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None
    )
    sign_in(page, portal("acme"), acme.engineer.email)
    page.goto(portal("acme") + "/api/docs/")
    operation = page.locator(".opblock", has_text="/api/v1/tickets/").filter(
        has_text="List tickets"
    )
    expect(operation.first).to_be_visible()
    operation.first.locator(".opblock-summary").click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    result = page.locator(".responses-wrapper .live-responses-table")
    expect(result).to_contain_text("200")
    expect(result).to_contain_text(ticket.reference)
    expect(result).to_contain_text("Core switch down")
    assert not blocked, blocked
    assert re.search(r"/api/docs/", page.url)
