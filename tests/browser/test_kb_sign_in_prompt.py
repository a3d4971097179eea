"""A visitor follows a public article's link to one for signed-in customers, is asked to sign
in, signs in and lands on that article."""

import pytest
from playwright.sync_api import Page, expect

from knowledge_base.services import article_create
from tests.browser.pages import submit_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_signs_in_from_the_prompt_and_lands_on_the_article(page: Page, portal, acme):
    article_create(
        tenant=acme.tenant,
        actor=acme.engineer,
        title="Response targets of your plan",
        body="Your plan answers P1 cases within **one hour**.",
        status="published",
        visibility="customers",
        slug="plan-targets",
    )
    article_create(
        tenant=acme.tenant,
        actor=acme.engineer,
        title="How we prioritize cases",
        body="Targets depend on your plan: see [Response targets](/kb/articles/plan-targets/).",
        status="published",
    )
    page.goto(portal("acme") + "/kb/")
    page.get_by_role("link", name="How we prioritize cases").first.click()
    page.get_by_role("link", name="Response targets").click()

    expect(page.get_by_role("heading", name="Sign in to read this article")).to_be_visible()
    expect(page.get_by_text("one hour")).to_have_count(0)
    page.get_by_role("link", name="Sign in to continue").click()

    submit_sign_in(page, acme.customer.email)
    expect(page).to_have_url(portal("acme") + "/kb/articles/plan-targets/")
    expect(page.get_by_role("heading", name="Response targets of your plan")).to_be_visible()
    expect(page.get_by_text("one hour")).to_be_visible()
