"""A customer changes the address they sign in with, from the profile to the emailed link."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD

from .pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _path_of_link(body: str) -> str:
    return re.search(r"https?://[^/\s]+(/profile/email/confirm/\S+/)", body).group(1)


def test_customer_changes_the_sign_in_address(page: Page, portal, acme):
    url = portal("acme")
    sign_in(page, url, acme.customer.email)
    page.goto(url + "/profile/")
    page.get_by_role("link", name="Change sign-in address").click()
    expect(page.get_by_role("heading", name="Change your sign-in address")).to_be_visible()

    page.get_by_label("New email address").fill("jorge.new@example.org")
    page.get_by_label("Your current password").fill("not-my-password")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_text("That password is not correct")).to_be_visible()
    expect(page.get_by_label("New email address")).to_have_value("jorge.new@example.org")
    assert mail.outbox == []

    page.get_by_label("Your current password").fill(PASSWORD)
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_text("We emailed a link to jorge.new@example.org")).to_be_visible()
    [verify] = [m for m in mail.outbox if m.to == ["jorge.new@example.org"]]

    page.goto(url + _path_of_link(verify.body))
    expect(page.get_by_role("heading", name="Confirm your new sign-in address")).to_be_visible()
    page.get_by_role("button", name="Use this address").click()
    expect(page.get_by_text("You now sign in with jorge.new@example.org")).to_be_visible()
    expect(page.get_by_text("Sign-in address changed").first).to_be_visible()
    assert any(m.to == ["customer@acme.test"] for m in mail.outbox), "the old address is told"

    page.get_by_role("button", name="Sign out").click()
    page.goto(url + "/accounts/login/")
    page.get_by_label("Email").fill("jorge.new@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_a_taken_address_reads_like_any_other(page: Page, portal, two_tenants):
    acme, globex = two_tenants
    url = portal("acme")
    sign_in(page, url, acme.customer.email)
    page.goto(url + "/profile/email/")
    page.get_by_label("New email address").fill(globex.customer.email)
    page.get_by_label("Your current password").fill(PASSWORD)
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_text(f"We emailed a link to {globex.customer.email}")).to_be_visible()
    [notice] = [m for m in mail.outbox if m.to == [globex.customer.email]]
    assert "/profile/email/confirm/" not in notice.body
