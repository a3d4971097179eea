"""Steps the browser journeys share."""

from playwright.sync_api import Page, expect

from tests.factories import PASSWORD


def sign_in(page: Page, url: str, email: str):
    """Sign in with the password on the portal at ``url`` (no two-factor step)."""
    page.goto(url + "/accounts/login/")
    submit_sign_in(page, email)


def submit_sign_in(page: Page, email: str):
    """Fill in and send the sign-in form the page shows (no two-factor step)."""
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
