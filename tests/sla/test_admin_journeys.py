"""A tenant admin edits a plan's SLA matrix and imports holidays, in the browser."""

import re

import pytest
from playwright.sync_api import Page, expect

from sla.models import Holiday, SlaTarget
from tests.browser.conftest import (  # noqa: F401 - the browser fixtures, reused here
    _need_chromium,
    browser_type_launch_args,
    portal,
)
from tests.factories import PASSWORD

from .factories import BusinessCalendarFactory, plan_with_matrix

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in_to_admin(page: Page, url: str, email: str):
    page.goto(url + "/admin/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_tenant_admin_edits_a_plan_matrix(page: Page, portal, two_tenants):  # noqa: F811
    acme, globex = two_tenants
    calendar = BusinessCalendarFactory(tenant=acme.tenant, name="Acme office hours")
    plan = plan_with_matrix(
        tenant=acme.tenant,
        calendar=calendar,
        name="Gold",
        cells={("P1", "first_response"): "1 hour (24/7)"},
    )
    plan_with_matrix(tenant=globex.tenant, name="Globex Platinum", cells={})

    sign_in_to_admin(page, portal("acme"), acme.tenant_admin.email)
    page.get_by_role("link", name="Support plans", exact=True).first.click()
    expect(page.get_by_text("Globex Platinum")).to_have_count(0)
    page.get_by_role("link", name="Edit SLA matrix").click()
    expect(page.get_by_role("heading", name="SLA matrix: Gold")).to_be_visible()
    expect(page.get_by_label("P1 – Critical: first response")).to_have_value("1 hour (24/7)")

    # A cell without its clock is refused; what was typed stays.
    page.get_by_label("P2 – High: first response").fill("4 hours")
    page.get_by_label("P2 – High: resolution").fill("10 business days")
    page.get_by_role("button", name="Save matrix").click()
    expect(page.get_by_text("Say which clock “4 hours” runs on")).to_be_visible()
    expect(page.get_by_label("P2 – High: first response")).to_have_value("4 hours")
    expect(page.get_by_label("P2 – High: resolution")).to_have_value("10 business days")

    page.get_by_label("P2 – High: first response").fill("4 business hours")
    page.get_by_role("button", name="Save matrix").click()
    expect(page.get_by_text("Saved the SLA matrix of Gold")).to_be_visible()
    expect(page.get_by_label("P2 – High: resolution")).to_have_value("10 business days")
    cells = {(t.priority, t.metric): t.label for t in SlaTarget.objects.filter(plan=plan)}
    assert cells[("P2", "first_response")] == "4 business hours"
    assert cells[("P2", "resolution")] == "10 business days"
    assert cells[("P1", "first_response")] == "1 hour (24/7)"


def test_tenant_admin_imports_public_holidays(page: Page, portal, acme):  # noqa: F811
    calendar = BusinessCalendarFactory(tenant=acme.tenant, name="Acme office hours")
    sign_in_to_admin(page, portal("acme"), acme.tenant_admin.email)
    page.get_by_role("link", name="Business calendars", exact=True).first.click()
    page.get_by_role("link", name="Acme office hours").click()
    page.get_by_role("link", name="Import public holidays").click()
    page.get_by_label("Country").select_option("US")
    page.get_by_label("First year").fill("2026")
    page.get_by_label("Last year").fill("2027")
    page.get_by_role("button", name="Import holidays").click()
    expect(page.get_by_text("Imported 27 holidays into “Acme office hours”")).to_be_visible()
    assert Holiday.objects.filter(calendar=calendar).count() == 27
