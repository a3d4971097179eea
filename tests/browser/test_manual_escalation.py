"""An L1 engineer escalates by hand: the form starts above the ticket's level (never their
own), offers nothing at or below it, and at the top of the ladder the panel plans no next
step back down."""

import pytest
from playwright.sync_api import Page, expect

from escalation.models import Audience, Threshold
from tests.browser.pages import sign_in_with_code
from tests.escalation.factories import level, rule
from tests.factories import EngineerFactory
from tests.sla.factories import plan_with_matrix
from tests.tickets.conftest import open_ticket
from tests.tickets.factories import TicketTypeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def escalate(page: Page, ticket, reason: str, level_name: str):
    """Escalate with the form's proposed level; returns the panel as it is afterwards."""
    panel = page.locator("section.escalation-panel")
    panel.get_by_label("Why it needs escalating").fill(reason)
    panel.get_by_role("button", name="Escalate").click()
    expect(page.get_by_text(f"{ticket.reference} is escalated to {level_name}")).to_be_visible()
    panel = page.locator("section.escalation-panel")
    expect(panel.locator(".facts .badge-escalation")).to_have_text(level_name)
    return panel


def test_escalating_goes_up_from_the_tickets_level_and_stops_at_the_top(
    page: Page, portal, acme, totp_clock, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    acme.tenant.require_2fa_for_staff = True
    acme.tenant.save(update_fields=["require_2fa_for_staff"])
    first_line = EngineerFactory(tenant=acme.tenant, tier="L1", full_name="Lee First")
    EngineerFactory(tenant=acme.tenant, tier="L2", full_name="Sam Senior")
    level(acme.tenant, 1, "L1 Engineer", audience=Audience.ENGINEERS, tier="L1")
    l2 = level(acme.tenant, 2, "L2 Senior engineer", audience=Audience.ENGINEERS, tier="L2")
    l3 = level(acme.tenant, 3, "L3 Support manager", audience=Audience.MANAGERS)
    plan = plan_with_matrix(
        tenant=acme.tenant,
        cells={("P1", "first_response"): "4 hours (24/7)", ("P1", "resolution"): "N/A"},
    )
    acme.org.plan = plan
    acme.org.save(update_fields=["plan"])
    rule(acme.tenant, priority="P1", threshold=Threshold.PERCENT, amount=50, level=l2)
    rule(acme.tenant, priority="P1", threshold=Threshold.AT_DUE, level=l3)
    kind = TicketTypeFactory(tenant=acme.tenant, name="Networking", slug="networking")
    ticket = open_ticket(acme, kind, priority="P1", title="Stores cannot take payments")
    url = portal("acme")

    sign_in_with_code(page, url, first_line, totp_clock)
    page.goto(url + ticket.get_absolute_url())
    panel = page.locator("section.escalation-panel")
    choice = panel.get_by_label("Escalate to")
    expect(panel).to_contain_text("Not escalated")
    expect(choice.locator("option:checked")).to_have_text("L2 Senior engineer")
    expect(choice.locator("option")).to_have_text(["L2 Senior engineer", "L3 Support manager"])
    expect(panel.locator(".escalation-next")).to_contain_text("L2 Senior engineer at")

    panel = escalate(page, ticket, "Card terminals reject every payment", "L2 Senior engineer")
    expect(panel.get_by_label("Escalate to").locator("option")).to_have_text(["L3 Support manager"])
    expect(panel.locator(".escalation-next")).to_contain_text("L3 Support manager at")

    panel = escalate(page, ticket, "Still down after the failover", "L3 Support manager")
    # The 50 % rule to L2 has not fired, but the panel never points back down to it.
    expect(panel.locator(".escalation-next")).to_have_text(
        "None: L3 Support manager is the top of the ladder"
    )
    expect(panel.get_by_label("Escalate to")).to_have_count(0)
    expect(panel).to_contain_text("L3 Support manager is the top of the ladder for this ticket.")
