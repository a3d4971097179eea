import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, url: str, email: str, password: str):
    page.goto(url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_customer_signs_in_on_each_tenants_portal(page: Page, portal, two_tenants):
    for world in two_tenants:
        sign_in(page, portal(world.tenant.slug), world.customer.email, PASSWORD)
        expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
        expect(page.locator(".nav-brand")).to_contain_text(world.tenant.portal_title)
        expect(page.get_by_text(world.org.name).first).to_be_visible()
        page.get_by_role("button", name="Sign out").click()
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_account_of_another_tenant_is_refused_like_a_wrong_password(page, portal, two_tenants):
    acme, globex = two_tenants
    sign_in(page, portal("globex"), acme.customer.email, PASSWORD)
    expect(page.get_by_role("alert")).to_contain_text("not correct")
    # What was typed stays in the form.
    expect(page.get_by_label("Email")).to_have_value(acme.customer.email)


def test_wrong_password_shows_an_error(page: Page, portal, acme):
    sign_in(page, portal("acme"), acme.customer.email, "not-my-password")
    expect(page.get_by_role("alert")).to_contain_text("not correct")
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))


def test_password_reset_through_the_emailed_link(page: Page, portal, acme):
    page.goto(portal("acme") + "/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill(acme.customer.email)
    page.get_by_role("button", name="Send me a reset link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    expect(page.get_by_text("Spam")).to_be_visible()

    assert len(mail.outbox) == 1
    link = re.search(r"http://\S+/accounts/password/reset/key/\S+/", mail.outbox[0].body).group(0)
    page.goto(link)
    page.get_by_label("New password", exact=False).first.fill("my-new-long-secret-1")
    page.get_by_label("New password (again)").fill("my-new-long-secret-1")
    page.get_by_role("button", name="Change my password").click()
    expect(page.get_by_role("heading", name="Your password was changed")).to_be_visible()

    sign_in(page, portal("acme"), acme.customer.email, "my-new-long-secret-1")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")

    # The link was spent.
    page.get_by_role("button", name="Sign out").click()
    page.goto(link)
    expect(page.get_by_role("heading", name="This link cannot be used")).to_be_visible()


def test_org_admin_invites_a_colleague_who_accepts(page: Page, portal, acme, browser):
    sign_in(page, portal("acme"), acme.org_admin.email, PASSWORD)
    page.get_by_role("navigation").get_by_role("link", name="Members").click()
    page.get_by_label("Email address").fill("colleague@acme-customer.test")
    page.get_by_label("Full name").fill("Col League")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to colleague@acme-customer.test")).to_be_visible()
    link = re.search(r"http://\S+/invitations/\S+/", mail.outbox[-1].body).group(0)

    newcomer = browser.new_context().new_page()
    newcomer.goto(link)
    expect(newcomer.get_by_role("heading")).to_contain_text(acme.org.name)
    newcomer.get_by_label("Password", exact=True).fill("colleague-secret-77")
    newcomer.get_by_label("Password (again)").fill("colleague-secret-77")
    newcomer.get_by_role("button", name="Create my account").click()
    expect(newcomer.get_by_role("heading", level=1)).to_contain_text("Welcome, Col")


@pytest.mark.parametrize("width", [375, 1440])
def test_pages_fit_the_screen(page: Page, portal, acme, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, portal("acme"), acme.org_admin.email, PASSWORD)
    for path in ("/", "/profile/", "/organization/members/", "/accounts/password/change/"):
        page.goto(portal("acme") + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways at {width}px"
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_platform_page_links_to_both_portals(page: Page, portal, two_tenants):
    page.goto(portal() + "/")
    expect(page.get_by_role("link", name=re.compile("Acme Support"))).to_be_visible()
    page.get_by_role("link", name=re.compile("Globex Support")).click()
    expect(page).to_have_url(re.compile(r"globex\.localhost:\d+/accounts/login/"))


def test_customer_changes_password_from_profile(page: Page, portal, acme):
    sign_in(page, portal("acme"), acme.customer.email, PASSWORD)
    page.get_by_role("navigation").get_by_role("link", name=acme.customer.full_name).click()
    page.get_by_label("Full name").fill("Renamed Customer")
    page.get_by_label("Time zone").select_option("Europe/Madrid")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your profile was saved.")).to_be_visible()
    expect(page.get_by_label("Time zone")).to_have_value("Europe/Madrid")

    page.get_by_role("link", name="Change password").click()
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_label("New password (again)").fill("short")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("too short", exact=False)).to_be_visible()

    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password", exact=True).fill("violet-harbour-lantern-5")
    page.get_by_label("New password (again)").fill("violet-harbour-lantern-5")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Password successfully changed.")).to_be_visible()
    assert any("Your password has been changed" in m.body for m in mail.outbox)

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, portal("acme"), acme.customer.email, "violet-harbour-lantern-5")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome, Renamed")


def test_tenant_admin_adds_an_engineer_in_admin(page: Page, portal, two_tenants):
    acme, globex = two_tenants
    page.goto(portal("acme") + "/admin/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.get_by_label("Email").fill(acme.tenant_admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Acme Support — administration")).to_be_visible()

    page.get_by_role("link", name="Users").click()
    expect(page.get_by_text(globex.customer.email)).to_have_count(0)
    page.get_by_role("link", name="Add user").click()
    page.get_by_label("Email").fill("new.l3@acme.test")
    page.get_by_label("Full name").fill("Third Level")
    page.get_by_label("Role").select_option("engineer")
    page.get_by_label("Tier").select_option("L3")
    page.get_by_label("New password").fill("third-level-secret-3")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was added successfully")).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    sign_in(page, portal("acme"), "new.l3@acme.test", "third-level-secret-3")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome, Third")
    expect(page.locator(".nav-user-role")).to_have_text("Engineer (L3)")
