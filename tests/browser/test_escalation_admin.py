"""A tenant admin edits the escalation matrix in Django admin: one screen for the ladder
and its rules."""

import re

import pytest
from playwright.sync_api import Page, expect

from escalation.models import EscalationRule
from tests.escalation.factories import level
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_tenant_admin_adds_a_rule_to_the_matrix_and_sees_it(page: Page, portal, two_tenants):
    acme, globex = two_tenants
    level(acme.tenant, 2, "L2 Senior engineer", audience="engineers", tier="L2")
    level(acme.tenant, 3, "L3 Support manager", audience="managers")
    level(globex.tenant, 3, "Globex duty managers", audience="managers")

    page.goto(portal("acme") + "/admin/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.get_by_label("Email").fill(acme.tenant_admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("link", name="Escalation matrices").click()
    expect(page.get_by_role("heading", name="Levels: who handles an escalation")).to_be_visible()
    expect(page.locator('input[value="L3 Support manager"]')).to_be_visible()

    page.get_by_role("button", name="Add another Rule").click()
    row = page.locator("tr.dynamic-rules").last
    row.locator('select[name$="-priority"]').select_option("P1")
    row.locator('select[name$="-metric"]').select_option("first_response")
    row.locator('select[name$="-threshold"]').select_option("after_due")
    row.locator('input[name$="-amount"]').fill("30")
    level_choice = row.locator('select[name$="-level"]')
    # Only this help desk's levels are offered.
    expect(level_choice.locator("option", has_text="Globex")).to_have_count(0)
    level_choice.select_option(label="L3 Support manager")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_text("was changed successfully")).to_be_visible()
    expect(
        page.get_by_text("P1, first response 30 min after due: L3 Support manager")
    ).to_be_visible()
    rule = EscalationRule.objects.get()
    assert (rule.tenant, rule.level.name, rule.amount) == (acme.tenant, "L3 Support manager", 30)
