"""An engineer escalates a ticket from its page: the reason is required, then the panel and
the timeline show the level and the reason; the customer sees none of it."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from escalation.models import Audience
from tests.browser.pages import sign_in
from tests.escalation.factories import level
from tests.factories import EngineerFactory
from tests.tickets.conftest import open_ticket
from tests.tickets.factories import TicketTypeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_engineer_escalates_a_ticket_with_a_reason(browser, portal, acme, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    senior = EngineerFactory(tenant=acme.tenant, tier="L2", email="sam@acme.test")
    level(acme.tenant, 1, "L1 Engineer", audience=Audience.ENGINEERS, tier="L1")
    level(acme.tenant, 2, "L2 Senior engineer", users=[senior], emails="network@partner.test")
    level(acme.tenant, 3, "L3 Support manager", audience=Audience.MANAGERS)
    kind = TicketTypeFactory(tenant=acme.tenant, name="Networking", slug="networking")
    ticket = open_ticket(acme, kind, title="BGP session to the carrier keeps flapping")
    url = portal("acme")
    engineer = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    customer = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()

    sign_in(engineer, url, acme.engineer.email)
    engineer.goto(url + ticket.get_absolute_url())
    panel = engineer.locator("section.escalation-panel")
    expect(panel.get_by_role("heading", name="Escalation")).to_be_visible()
    expect(panel).to_contain_text("Not escalated")
    expect(panel.get_by_label("Escalate to")).to_have_value(re.compile(r"\d+"))
    # Not escalated, the ticket is with L1 already: the form starts above it.
    expect(panel.get_by_label("Escalate to").locator("option:checked")).to_have_text(
        "L2 Senior engineer"
    )

    # No reason: refused, with the error beside the field and the chosen level kept.
    panel.get_by_label("Escalate to").select_option(label="L2 Senior engineer")
    panel.get_by_role("button", name="Escalate").click()
    expect(engineer.get_by_text("Say why the ticket needs escalating.")).to_be_visible()
    panel = engineer.locator("section.escalation-panel")
    expect(panel.get_by_label("Escalate to").locator("option:checked")).to_have_text(
        "L2 Senior engineer"
    )
    expect(panel).to_contain_text("Not escalated")

    mail.outbox.clear()
    panel.get_by_label("Why it needs escalating").fill("Route flaps need a network architect")
    panel.get_by_role("button", name="Escalate").click()
    expect(
        engineer.get_by_text(f"{ticket.reference} is escalated to L2 Senior engineer")
    ).to_be_visible()

    panel = engineer.locator("section.escalation-panel")
    expect(panel.locator(".facts .badge-escalation")).to_have_text("L2 Senior engineer")
    history = panel.locator(".escalation-history li")
    expect(history).to_have_count(1)
    expect(history).to_contain_text(f"{acme.engineer} escalated to L2 Senior engineer")
    expect(history).to_contain_text("Route flaps need a network architect")
    expect(history).to_contain_text("sam@acme.test, network@partner.test")
    timeline = engineer.get_by_role("list", name="Conversation")
    expect(timeline).to_contain_text(
        f"{acme.engineer} escalated to L2 Senior engineer — “Route flaps need a network architect”"
    )
    # Next up the ladder is proposed now.
    expect(panel.get_by_label("Escalate to").locator("option:checked")).to_have_text(
        "L3 Support manager"
    )
    assert sorted(address for message in mail.outbox for address in message.to) == [
        "network@partner.test",
        "sam@acme.test",
    ]

    sign_in(customer, url, acme.customer.email)
    customer.goto(url + ticket.get_absolute_url())
    expect(customer.get_by_role("heading", level=1)).to_contain_text(ticket.reference)
    expect(customer.get_by_text("Route flaps need a network architect")).to_have_count(0)
    expect(customer.get_by_text("L2 Senior engineer")).to_have_count(0)
