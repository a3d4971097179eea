"""A person makes an API token from their profile, copies it from the one page that shows
it, and later revokes it."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import ApiToken
from accounts.tokens import api_token_authenticate

from .pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_engineer_makes_a_token_sees_it_once_and_revokes_it(page: Page, portal, acme):
    url = portal("acme")
    sign_in(page, url, acme.engineer.email)
    page.goto(url + "/profile/")
    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", name="API tokens", level=1)).to_be_visible()
    expect(page.get_by_text("You have no tokens yet.")).to_be_visible()

    # A mistake keeps what was typed.
    page.get_by_label("Name").fill("Nightly export")
    page.get_by_label("Read and write").check()
    page.get_by_label("Expires").select_option(label="On a date I choose")
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_text("Choose the date the token expires.")).to_be_visible()
    expect(page.get_by_label("Name")).to_have_value("Nightly export")
    expect(page.get_by_label("Read and write")).to_be_checked()

    page.get_by_label("Expires").select_option(label="In 90 days")
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_text("it will not be shown again")).to_be_visible()
    shown = page.get_by_label("Token", exact=True).input_value()
    assert re.fullmatch(r"hd_[A-Za-z0-9_-]{40}", shown)
    token = ApiToken.objects.get()
    assert token.can_write and api_token_authenticate(tenant=acme.tenant, raw=shown) == token

    page.reload()
    expect(page.get_by_label("Token", exact=True)).to_have_count(0)
    expect(page.get_by_text(shown)).to_have_count(0)
    row = page.get_by_role("row", name=re.compile("Nightly export"))
    expect(row).to_contain_text(token.prefix)
    expect(row).to_contain_text("Read and write")
    expect(row).to_contain_text("Active")

    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name=re.compile("Revoke")).click()
    expect(page.get_by_text("The token “Nightly export” was revoked.")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Nightly export"))).to_contain_text("Revoked")
    expect(page.get_by_role("button", name=re.compile("Revoke"))).to_have_count(0)
    assert api_token_authenticate(tenant=acme.tenant, raw=shown) is None
