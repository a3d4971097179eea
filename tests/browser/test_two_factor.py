"""Two-factor journeys in Chromium. Codes are computed here from the key the setup page
shows, as an authenticator app would; the TOTP clock fixture moves time on between codes
(each code is accepted once)."""

import re
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from accounts.models import AuditEvent
from tests.factories import PASSWORD, totp_device_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, url: str, email: str, password: str = PASSWORD):
    page.goto(url)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def enter_code(page: Page, code: str):
    page.get_by_label("Code", exact=True).fill(code)
    page.get_by_role("button", name="Verify").click()


def set_up_authenticator(page: Page, clock, *, password: str | None = None) -> str:
    """Scan-free setup: read the key shown for typing in, answer with the app's code."""
    expect(page.get_by_role("img", name=re.compile("QR code that adds"))).to_be_visible()
    key = page.locator("#totp-key").inner_text()
    if password is not None:
        page.get_by_label("Your password").fill(password)
    page.get_by_label("Code from the app").fill(clock.code(key))
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    return key


def test_enrol_sign_out_and_sign_in_with_codes(page: Page, portal, acme, totp_clock):
    login = portal("acme") + "/accounts/login/"
    sign_in(page, login, acme.customer.email)
    page.get_by_role("navigation").get_by_role("link", name=acme.customer.full_name).click()
    page.get_by_role("link", name="Set up two-factor authentication").click()

    # A wrong code first: refused, nothing turned on. (No password asked: it was typed
    # moments ago.)
    expect(page.get_by_label("Your password")).to_have_count(0)
    page.get_by_label("Code from the app").fill("000000")
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(page.get_by_role("alert").first).to_contain_text("That code is not correct")

    totp_clock.tick()
    key = set_up_authenticator(page, totp_clock)
    expect(page.get_by_text("Two-factor authentication is on.")).to_be_visible()
    codes = page.get_by_role("list", name="Backup codes").locator("code").all_inner_texts()
    assert len(codes) == 10

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download codes").click()
    downloaded = Path(download_info.value.path()).read_text(encoding="utf-8")
    assert all(code in downloaded for code in codes)
    assert download_info.value.suggested_filename == "acme-backup-codes.txt"

    page.get_by_role("link", name="I saved my codes").click()
    expect(page.get_by_role("heading", name="Your profile")).to_be_visible()
    expect(page.get_by_text("10 unused backup codes")).to_be_visible()
    assert any("Two-factor authentication is on" in m.subject for m in mail.outbox)

    # Sign out; signing in now asks for the code, and the target page survives it.
    page.get_by_role("button", name="Sign out").click()
    page.goto(portal("acme") + "/profile/")
    page.get_by_label("Email").fill(acme.customer.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    page.goto(portal("acme") + "/")  # nothing else opens meanwhile
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    page.go_back()

    enter_code(page, "123456")
    expect(page.get_by_text("That code is not correct")).to_be_visible()
    expect(page.get_by_label("Code", exact=True)).to_have_value("123456")
    totp_clock.tick()
    enter_code(page, totp_clock.code(key))
    expect(page.get_by_role("heading", name="Your profile")).to_be_visible()

    # A backup code signs in once.
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, login, acme.customer.email)
    enter_code(page, codes[0])
    expect(page.get_by_text("You signed in with a backup code")).to_be_visible()
    expect(page.get_by_text("9 backup codes left")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, login, acme.customer.email)
    enter_code(page, codes[0])
    expect(page.get_by_text("That code is not correct")).to_be_visible()


def test_staff_without_a_device_is_taken_through_setup_first(page: Page, portal, acme, totp_clock):
    acme.tenant.require_2fa_for_staff = True
    acme.tenant.save()
    page.goto(portal("acme") + "/profile/")
    page.get_by_label("Email").fill(acme.engineer.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    expect(page.get_by_text("requires two-factor authentication for your account")).to_be_visible()
    # Nothing else opens until it is done.
    page.goto(portal("acme") + "/")
    expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    expect(page.get_by_role("navigation")).to_have_count(0)
    page.go_back()

    set_up_authenticator(page, totp_clock)  # the password was typed moments ago
    expect(page.get_by_role("heading", name="Backup codes", exact=True)).to_be_visible()
    page.get_by_role("link", name="I saved my codes").click()
    expect(page.get_by_role("heading", name="Your profile")).to_be_visible()
    expect(page.get_by_text("You sign in with your password and a code")).to_be_visible()


def test_person_turns_two_factor_off(page: Page, portal, acme, totp_clock):
    device = totp_device_for(acme.customer)
    sign_in(page, portal("acme") + "/accounts/login/", acme.customer.email)
    enter_code(page, totp_clock.code(device))
    page.get_by_role("navigation").get_by_role("link", name=acme.customer.full_name).click()
    page.get_by_role("link", name="Turn off two-factor").click()

    page.get_by_label("Your password").fill("not-it")
    totp_clock.tick()
    page.get_by_label("Code", exact=True).fill(totp_clock.code(device))
    page.get_by_role("button", name="Turn off two-factor authentication").click()
    expect(page.get_by_text("That password is not correct.")).to_be_visible()

    page.get_by_label("Your password").fill(PASSWORD)
    totp_clock.tick()
    page.get_by_label("Code", exact=True).fill(totp_clock.code(device))
    page.get_by_role("button", name="Turn off two-factor authentication").click()
    expect(page.get_by_text("Two-factor authentication is off.")).to_be_visible()
    expect(page.get_by_role("link", name="Set up two-factor authentication")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, portal("acme") + "/accounts/login/", acme.customer.email)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")


def test_tenant_admin_resets_a_lost_phone_and_reads_the_log(
    page: Page, portal, two_tenants, totp_clock
):
    acme, globex = two_tenants
    totp_device_for(acme.engineer)
    totp_device_for(globex.engineer)
    sign_in(page, portal("acme") + "/accounts/login/", acme.tenant_admin.email)
    page.get_by_role("navigation").get_by_role("link", name=acme.tenant_admin.full_name).click()
    page.get_by_role("link", name="People and two-factor authentication").click()
    expect(page.get_by_text(globex.engineer.email)).to_have_count(0)

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=f"Reset two-factor of {acme.engineer.email}").click()
    expect(page.get_by_text("was reset; they were emailed")).to_be_visible()
    assert any(acme.engineer.email in m.to and "reset" in m.subject for m in mail.outbox)

    page.get_by_role("link", name="Security audit log").click()
    row = page.get_by_role("row").filter(has_text="reset by an admin")
    expect(row).to_contain_text(acme.engineer.email)
    expect(row).to_contain_text(acme.tenant_admin.full_name)
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.TWO_FACTOR_RESET).count() == 1


def test_person_makes_new_backup_codes(page: Page, portal, acme, totp_clock):
    device = totp_device_for(acme.customer)
    sign_in(page, portal("acme") + "/accounts/login/", acme.customer.email)
    enter_code(page, totp_clock.code(device))
    page.get_by_role("navigation").get_by_role("link", name=acme.customer.full_name).click()
    page.get_by_role("link", name="Backup codes").click()
    expect(page.get_by_text("You have 0 unused backup codes")).to_be_visible()

    page.get_by_label("Your password").fill("not-it")
    page.get_by_role("button", name="Make new backup codes").click()
    expect(page.get_by_text("That password is not correct.")).to_be_visible()

    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Make new backup codes").click()
    expect(
        page.get_by_text("New backup codes were made; the old ones no longer work.")
    ).to_be_visible()
    codes = page.get_by_role("list", name="Backup codes").locator("code").all_inner_texts()
    assert len(codes) == 10
    assert any("New backup codes were made" in m.subject for m in mail.outbox)
    # Shown once: coming back offers to make new ones instead.
    page.reload()
    expect(page.get_by_text("You have 10 unused backup codes")).to_be_visible()
    expect(page.get_by_role("list", name="Backup codes")).to_have_count(0)
