"""Two-factor authentication: enrolment, the sign-in code step, backup codes, turning it off,
admin resets, the tenant policy and Django admin."""

import re

import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AuditEvent
from helpdesk.models import OutboxEmail
from tests.factories import PASSWORD, SuperuserFactory, login_with_verified_device, totp_device_for

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
VERIFY = "/accounts/2fa/verify/"
SETUP = "/accounts/2fa/setup/"
CODES = "/accounts/2fa/backup-codes/"
DISABLE = "/accounts/2fa/disable/"


def sign_in(world, user, next_url: str = "") -> tuple[Client, object]:
    client = Client(HTTP_HOST=world.host)
    url = LOGIN + (f"?next={next_url}" if next_url else "")
    response = client.post(url, {"login": user.email, "password": PASSWORD})
    return client, response


def require_staff_two_factor(world, on: bool = True):
    world.tenant.require_2fa_for_staff = on
    world.tenant.save()


def emails_to(user) -> list[OutboxEmail]:
    return [email for email in OutboxEmail.objects.order_by("pk") if user.email in email.to]


def enrol(client, clock, *, password: str | None = PASSWORD, next_url: str = ""):
    """Open the setup page, read the key it shows, confirm with the app's code."""
    page = client.get(SETUP)
    key = re.search(r'data-key="([A-Z2-7]+)"', page.content.decode()).group(1)
    data = {"code": clock.code(key), "next": next_url}
    if password is not None:
        data["password"] = password
    return page, key, client.post(SETUP, data)


# --- enrolment -----------------------------------------------------------------------------


def test_setup_page_shows_a_qr_code_and_the_key(acme):
    client = Client(HTTP_HOST=acme.host)
    client.force_login(acme.customer)
    page = client.get(SETUP).content.decode()
    assert 'src="data:image/svg+xml;base64,' in page
    assert 'alt="QR code that adds customer@acme.test to your authenticator app"' in page
    device = TOTPDevice.objects.get(user=acme.customer)
    assert not device.confirmed
    # The same device (and QR code) on every load until confirmed.
    client.get(SETUP)
    assert TOTPDevice.objects.filter(user=acme.customer).count() == 1


def test_enrolment_needs_a_code_from_the_app_and_issues_backup_codes_once(acme, totp_clock):
    client = Client(HTTP_HOST=acme.host)
    client.force_login(acme.customer)

    wrong = client.post(SETUP, {"password": PASSWORD, "code": "000000"})
    assert "That code is not correct" in wrong.content.decode()
    acme.customer.refresh_from_db()
    assert not acme.customer.two_factor_enabled

    totp_clock.tick()
    _page, _key, done = enrol(client, totp_clock)
    assert done.status_code == 302 and done.url.startswith(CODES)
    acme.customer.refresh_from_db()
    assert acme.customer.two_factor_enabled
    assert TOTPDevice.objects.get(user=acme.customer).confirmed

    shown = client.get(CODES).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", shown)
    assert len(codes) == 10
    assert sorted(codes) == sorted(
        StaticToken.objects.filter(device__user=acme.customer).values_list("token", flat=True)
    )
    assert 'download="acme-backup-codes.txt"' in shown
    # Shown once: the next visit offers new codes instead.
    again = client.get(CODES).content.decode()
    assert not any(code in again for code in codes)
    assert "You have <strong>10</strong> unused backup codes" in again

    [notice] = emails_to(acme.customer)
    assert "Two-factor authentication is on" in notice.subject
    assert AuditEvent.objects.filter(
        user=acme.customer, kind=AuditEvent.Kind.TWO_FACTOR_ENABLED
    ).exists()


def test_enrolment_asks_for_the_password_unless_just_typed(acme, totp_clock):
    forced_login = Client(HTTP_HOST=acme.host)
    forced_login.force_login(acme.customer)
    assert 'name="password"' in forced_login.get(SETUP).content.decode()
    _page, _key, refused = enrol(forced_login, totp_clock, password="not-my-password")
    assert "That password is not correct." in refused.content.decode()

    client, _ = sign_in(acme, acme.engineer)
    assert 'name="password"' not in client.get(SETUP).content.decode()
    _page, _key, done = enrol(client, totp_clock, password=None)
    assert done.status_code == 302


# --- signing in ----------------------------------------------------------------------------


def test_sign_in_asks_for_the_code_and_keeps_the_target_page(acme, totp_clock):
    device = totp_device_for(acme.customer)
    client, response = sign_in(acme, acme.customer, next_url="/profile/")
    assert response.status_code == 302 and response.url == "/profile/"
    step = client.get("/profile/")
    assert step.status_code == 302
    assert step.url == f"{VERIFY}?next=%2Fprofile%2F"
    page = client.get(step.url).content.decode()
    assert "Enter your code" in page
    assert "Successfully signed in" not in page

    done = client.post(VERIFY, {"code": totp_clock.code(device), "next": "/profile/"})
    assert done.status_code == 302 and done.url == "/profile/"
    assert client.get("/profile/").status_code == 200


def test_wrong_code_is_refused_and_keeps_the_step(acme, totp_clock):
    totp_device_for(acme.customer)
    client, _ = sign_in(acme, acme.customer)
    refused = client.post(VERIFY, {"code": "123456", "next": "/"})
    assert refused.status_code == 200
    assert "That code is not correct" in refused.content.decode()
    assert 'value="123456"' in refused.content.decode()
    assert client.get("/").url.startswith(VERIFY)


def test_a_code_is_accepted_only_once(acme, totp_clock):
    device = totp_device_for(acme.customer)
    code = totp_clock.code(device)
    first, _ = sign_in(acme, acme.customer)
    assert first.post(VERIFY, {"code": code}).status_code == 302
    second, _ = sign_in(acme, acme.customer)
    assert "That code is not correct" in second.post(VERIFY, {"code": code}).content.decode()


def test_backup_code_signs_in_once(acme, totp_clock):
    client = Client(HTTP_HOST=acme.host)
    client.force_login(acme.customer)
    enrol(client, totp_clock)
    code = re.findall(r"<code>([a-z2-7]{8})</code>", client.get(CODES).content.decode())[0]

    one, _ = sign_in(acme, acme.customer)
    used = one.post(VERIFY, {"code": f"{code[:4]}-{code[4:].upper()}"}, follow=True)
    assert "You signed in with a backup code; it cannot be used again. 9 backup codes left." in (
        used.content.decode()
    )
    two, _ = sign_in(acme, acme.customer)
    assert "That code is not correct" in two.post(VERIFY, {"code": code}).content.decode()
    assert AuditEvent.objects.filter(
        user=acme.customer, kind=AuditEvent.Kind.BACKUP_CODE_USED
    ).exists()


def test_regenerating_backup_codes_needs_the_password_and_voids_the_old_ones(acme, totp_clock):
    client = Client(HTTP_HOST=acme.host)
    login_with_verified_device(client, acme.customer)
    old = client.post(CODES, {"password": PASSWORD})
    old_codes = re.findall(r"<code>([a-z2-7]{8})</code>", client.get(CODES).content.decode())
    assert old.status_code == 302 and len(old_codes) == 10

    refused = client.post(CODES, {"password": "wrong"})
    assert "That password is not correct." in refused.content.decode()

    client.post(CODES, {"password": PASSWORD})
    new_codes = re.findall(r"<code>([a-z2-7]{8})</code>", client.get(CODES).content.decode())
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    fresh, _ = sign_in(acme, acme.customer)
    assert "not correct" in fresh.post(VERIFY, {"code": old_codes[0]}).content.decode()
    subjects = [email.subject for email in emails_to(acme.customer)]
    assert sum("New backup codes were made" in subject for subject in subjects) == 2


# --- turning it off and admin resets -------------------------------------------------------


def test_disabling_needs_password_and_a_current_code(acme, totp_clock):
    client = Client(HTTP_HOST=acme.host)
    device = login_with_verified_device(client, acme.customer)

    wrong_password = client.post(DISABLE, {"password": "nope", "code": totp_clock.code(device)})
    assert "That password is not correct." in wrong_password.content.decode()
    wrong_code = client.post(DISABLE, {"password": PASSWORD, "code": "000000"})
    assert "That code is not correct" in wrong_code.content.decode()
    acme.customer.refresh_from_db()
    assert acme.customer.two_factor_enabled

    totp_clock.tick()
    done = client.post(DISABLE, {"password": PASSWORD, "code": totp_clock.code(device)})
    assert done.status_code == 302 and done.url == "/profile/"
    acme.customer.refresh_from_db()
    assert not acme.customer.two_factor_enabled
    assert not TOTPDevice.objects.filter(user=acme.customer).exists()
    # Signing in again needs the password only.
    again, response = sign_in(acme, acme.customer)
    assert again.get("/").status_code == 200
    assert any("turned off" in email.subject for email in emails_to(acme.customer))


def test_staff_who_must_use_two_factor_are_sent_to_set_it_up_again_after_disabling(
    acme, totp_clock
):
    require_staff_two_factor(acme)
    client = Client(HTTP_HOST=acme.host)
    device = login_with_verified_device(client, acme.engineer)
    page = client.get(DISABLE).content.decode()
    assert "Your help desk requires two-factor authentication" in page
    done = client.post(DISABLE, {"password": PASSWORD, "code": totp_clock.code(device)})
    assert done.url == SETUP
    assert client.get("/").url.startswith(SETUP)


def test_tenant_admin_resets_a_persons_two_factor(acme, totp_clock):
    totp_device_for(acme.engineer)
    admin = Client(HTTP_HOST=acme.host)
    admin.force_login(acme.tenant_admin)
    listing = admin.get("/security/people/").content.decode()
    assert acme.engineer.email in listing and "Reset two-factor" in listing

    response = admin.post(f"/security/people/{acme.engineer.pk}/reset-two-factor/", follow=True)
    assert "was reset; they were emailed" in response.content.decode()
    acme.engineer.refresh_from_db()
    assert not acme.engineer.two_factor_enabled
    assert not TOTPDevice.objects.filter(user=acme.engineer).exists()
    [notice] = emails_to(acme.engineer)
    assert "reset" in notice.subject
    assert acme.tenant_admin.full_name in notice.body_text
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.TWO_FACTOR_RESET)
    assert (event.actor, event.user, event.tenant) == (
        acme.tenant_admin,
        acme.engineer,
        acme.tenant,
    )

    # Under the staff policy the engineer sets up a new app at the next sign-in.
    require_staff_two_factor(acme)
    client, _ = sign_in(acme, acme.engineer)
    assert client.get("/").url.startswith(SETUP)


@pytest.mark.parametrize("who", ["other_tenant_admin", "manager", "customer"])
def test_only_the_tenants_admin_can_reset_two_factor(two_tenants, who):
    acme, globex = two_tenants
    totp_device_for(acme.engineer)
    actor = {
        "other_tenant_admin": globex.tenant_admin,
        "manager": acme.manager,
        "customer": acme.other_org_customer,
    }[who]
    world = globex if who == "other_tenant_admin" else acme
    client = Client(HTTP_HOST=world.host)
    client.force_login(actor)
    url = f"/security/people/{acme.engineer.pk}/reset-two-factor/"
    assert client.post(url).status_code == 404
    if who != "other_tenant_admin":
        assert client.get("/security/people/").status_code == 404
        assert client.get("/security/audit/").status_code == 404
    acme.engineer.refresh_from_db()
    assert acme.engineer.two_factor_enabled


def test_admin_action_resets_two_factor_within_the_tenant(two_tenants):
    acme, globex = two_tenants
    totp_device_for(acme.engineer)
    totp_device_for(globex.engineer)
    client = Client(HTTP_HOST=acme.host)
    client.force_login(acme.tenant_admin)
    response = client.post(
        "/admin/accounts/user/",
        {
            "action": "reset_two_factor",
            "_selected_action": [acme.engineer.pk, globex.engineer.pk],
        },
        follow=True,
    )
    assert "was reset for engineer@acme.test" in response.content.decode()
    acme.engineer.refresh_from_db()
    globex.engineer.refresh_from_db()
    assert not acme.engineer.two_factor_enabled
    assert globex.engineer.two_factor_enabled


def test_people_list_query_count_does_not_grow_with_people(acme, django_assert_num_queries):
    from tests.factories import CustomerFactory

    client = Client(HTTP_HOST=acme.host)
    client.force_login(acme.tenant_admin)
    client.get("/security/people/")
    # user, count, page of people (the session is read from the cache)
    with django_assert_num_queries(3):
        assert client.get("/security/people/").status_code == 200
    for n in range(15):
        CustomerFactory(tenant=acme.tenant, organization=acme.org, email=f"c{n}@acme.test")
    with django_assert_num_queries(3):
        page = client.get("/security/people/?without=1&group=customers")
    assert page.content.decode().count("@acme.test") >= 15


# --- policy --------------------------------------------------------------------------------


def test_staff_without_a_device_must_enrol_before_anything_else(acme, totp_clock):
    require_staff_two_factor(acme)
    client, _ = sign_in(acme, acme.engineer, next_url="/profile/")
    step = client.get("/profile/")
    assert step.url == f"{SETUP}?next=%2Fprofile%2F"
    page = client.get(step.url).content.decode()
    assert "requires two-factor authentication for your account" in page
    _page, _key, done = enrol(client, totp_clock, password=None, next_url="/profile/")
    codes = client.get(done.url).content.decode()
    assert 'href="/profile/">I saved my codes' in codes
    assert client.get("/profile/").status_code == 200


def test_customers_need_two_factor_only_when_the_tenant_says_so(acme):
    require_staff_two_factor(acme)
    client, _ = sign_in(acme, acme.customer)
    assert client.get("/").status_code == 200
    acme.tenant.require_2fa_for_customers = True
    acme.tenant.save()
    assert client.get("/").url.startswith(SETUP)


def test_new_tenants_require_two_factor_for_staff():
    from accounts.models import Tenant

    assert Tenant._meta.get_field("require_2fa_for_staff").default is True
    assert Tenant._meta.get_field("require_2fa_for_customers").default is False


def test_policy_change_in_admin_is_audited(acme):
    client = Client(HTTP_HOST=acme.host)
    client.force_login(acme.tenant_admin)
    form = client.get(f"/admin/accounts/tenant/{acme.tenant.pk}/change/").content.decode()
    assert "Two-factor authentication required for staff" in form
    data = {
        "name": acme.tenant.name,
        "portal_title": acme.tenant.portal_title,
        "time_zone": acme.tenant.time_zone,
        "brand_color": acme.tenant.brand_color,
        "logo_text": acme.tenant.logo_text,
        "tagline": "",
        "support_email": acme.tenant.support_email,
        "unknown_senders": acme.tenant.unknown_senders,
        "require_2fa_for_staff": "on",
        "domains-TOTAL_FORMS": "0",
        "domains-INITIAL_FORMS": "0",
    }
    response = client.post(f"/admin/accounts/tenant/{acme.tenant.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    acme.tenant.refresh_from_db()
    assert acme.tenant.require_2fa_for_staff
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.POLICY_CHANGED)
    assert event.actor == acme.tenant_admin
    assert event.summary == "two-factor for staff: required"


# --- Django admin --------------------------------------------------------------------------


def test_admin_needs_a_verified_device_when_staff_must_use_two_factor(acme):
    require_staff_two_factor(acme)
    unverified = Client(HTTP_HOST=acme.host)
    unverified.force_login(acme.tenant_admin)
    assert unverified.get("/admin/").url.startswith(SETUP)

    verified = Client(HTTP_HOST=acme.host)
    login_with_verified_device(verified, acme.tenant_admin)
    assert verified.get("/admin/").status_code == 200


def test_admin_stays_closed_without_a_code_even_without_the_middleware(acme, settings):
    settings.MIDDLEWARE = [
        name for name in settings.MIDDLEWARE if name != "accounts.middleware.TwoFactorMiddleware"
    ]
    totp_device_for(acme.tenant_admin)
    client = Client(HTTP_HOST=acme.host)
    client.force_login(acme.tenant_admin)
    response = client.get("/admin/accounts/user/", follow=True)
    assert response.redirect_chain[-1][0].startswith(VERIFY)
    assert acme.customer.email not in response.content.decode()


def test_platform_superuser_must_use_two_factor(settings, db, totp_clock):
    settings.PLATFORM_2FA_REQUIRED = True
    root = SuperuserFactory(email="root@platform.test")
    client = Client(HTTP_HOST="localhost")
    client.post(LOGIN, {"login": root.email, "password": PASSWORD})
    assert client.get("/admin/").url == f"{SETUP}?next=%2Fadmin%2F"
    _page, _key, done = enrol(client, totp_clock, password=None, next_url="/admin/")
    assert done.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_otp_device_admin_pages_are_not_offered(db):
    client = Client(HTTP_HOST="localhost")
    client.force_login(SuperuserFactory(email="root@platform.test"))
    index = client.get("/admin/").content.decode()
    assert "TOTP" not in index and "Static devices" not in index
    assert client.get("/admin/otp_static/staticdevice/").status_code == 404
