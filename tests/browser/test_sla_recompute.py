"""A tenant admin tightens a cell of an SLA matrix: the open ticket keeps the due time it
was promised; "Recompute open tickets" shows that ticket's move first and applies it on
confirmation."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils.dateformat import format as date_format
from playwright.sync_api import Page, expect

from tests.browser.pages import sign_in_with_code
from tests.sla.factories import plan_with_matrix
from tests.tickets.conftest import open_ticket
from tests.tickets.factories import TicketTypeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shown(moment, zone) -> str:
    """A time as the pages show it, in the viewer's zone."""
    return date_format(moment.astimezone(ZoneInfo(zone)), "D j M Y, H:i T")


def test_admin_edits_a_cell_previews_the_move_and_applies_it(
    page: Page, portal, acme, totp_clock, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    acme.tenant.require_2fa_for_staff = True
    acme.tenant.save(update_fields=["require_2fa_for_staff"])
    plan = plan_with_matrix(
        tenant=acme.tenant,
        name="Gold",
        cells={("P2", "first_response"): "4 hours (24/7)", ("P2", "resolution"): "N/A"},
    )
    acme.org.plan = plan
    acme.org.save(update_fields=["plan"])
    kind = TicketTypeFactory(tenant=acme.tenant, name="Networking", slug="networking")
    ticket = open_ticket(acme, kind, priority="P2", title="Replica lag on the orders database")
    zone = acme.tenant_admin.time_zone or acme.tenant.time_zone
    promised = shown(ticket.created_at + timedelta(hours=4), zone)
    moved = shown(ticket.created_at + timedelta(hours=2), zone)
    url = portal("acme")

    sign_in_with_code(page, url, acme.tenant_admin, totp_clock, next_path="/admin/")
    page.goto(url + f"/admin/sla/supportplan/{plan.pk}/matrix/")
    page.locator('input[name="cell_P2_first_response"]').fill("2 hours (24/7)")
    page.get_by_role("button", name="Save matrix").click()
    expect(
        page.get_by_text("open tickets keep their due times until you recompute them")
    ).to_be_visible()

    # The open ticket's promise is unchanged.
    page.goto(url + ticket.get_absolute_url())
    sla = page.locator("section[aria-labelledby=sla-title]")
    expect(sla).to_contain_text(f"4 hours (24/7) · due {promised}")
    expect(sla).not_to_contain_text(moved)

    # Recompute: the preview first, with this ticket's move.
    page.goto(url + f"/admin/sla/supportplan/{plan.pk}/matrix/")
    page.get_by_role("link", name="Recompute open tickets of Gold…").click()
    expect(page.get_by_role("heading", name="Recompute open tickets")).to_be_visible()
    expect(page.locator(".recompute-summary")).to_contain_text(
        "1 open ticket examined: 1 would move (1 earlier, 0 later), 0 would become breached."
    )
    row = page.locator("#recompute-earlier tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(ticket.reference)
    expect(row).to_contain_text(promised)
    expect(row).to_contain_text(moved)
    expect(row).to_contain_text("2 h earlier")
    page.get_by_role("button", name="Apply: move 1 open ticket").click()
    expect(page.get_by_text("Recomputed the SLA of 1 open ticket.")).to_be_visible()

    page.goto(url + ticket.get_absolute_url())
    sla = page.locator("section[aria-labelledby=sla-title]")
    expect(sla).to_contain_text(f"2 hours (24/7) · due {moved}")
