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


def sign_in_with_code(page: Page, url: str, user, clock, *, next_path: str = ""):
    """Sign a staff member in as a tenant requiring two-factor does: password, then a code
    from their authenticator (``clock`` is the ``totp_clock`` fixture; the person gets a
    confirmed device if they have none)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.factories import totp_device_for

    device = TOTPDevice.objects.filter(user=user).first() or totp_device_for(user)
    page.goto(url + "/accounts/login/" + (f"?next={next_path}" if next_path else ""))
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    clock.tick()
    page.get_by_label("Code", exact=True).fill(clock.code(device))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_label("Code", exact=True)).to_have_count(0)
