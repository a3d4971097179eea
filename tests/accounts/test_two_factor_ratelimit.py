"""Code verification is rate limited per account and per client address (shared through the
cache; Redis when REDIS_URL is set), on top of django-otp's back-off per device."""

import re

import pytest
from django.test import Client

from accounts.models import AuditEvent
from tests.factories import PASSWORD, CustomerFactory, totp_device_for

pytestmark = pytest.mark.django_db

VERIFY = "/accounts/2fa/verify/"
WRONG = "That code is not correct"


def pending_client(world, user, ip="198.51.100.7") -> Client:
    client = Client(HTTP_HOST=world.host, REMOTE_ADDR=ip)
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    return client


def wrong_code(client, clock) -> str:
    # The clock moves on between guesses, past django-otp's short back-off.
    clock.tick()
    return client.post(VERIFY, {"code": "000000"}).content.decode()


def test_fifth_wrong_code_locks_the_account_with_a_clear_message(acme, totp_clock):
    device = totp_device_for(acme.customer)
    client = pending_client(acme, acme.customer)
    for _ in range(4):
        assert WRONG in wrong_code(client, totp_clock)
    fifth = wrong_code(client, totp_clock)
    assert "Too many wrong codes. For your security, code entry is locked for this account" in (
        fifth
    )
    assert "ask your help desk&#x27;s administrator to reset" in fifth

    totp_clock.tick()
    right = client.post(VERIFY, {"code": totp_clock.code(device)}).content.decode()
    assert "locked for this account until" in right
    assert client.get("/").url.startswith(VERIFY)
    # The page says so before anything is typed, too.
    assert "locked for this account until" in client.get(VERIFY).content.decode()
    # Another browser gets no further: the lock is on the account.
    elsewhere = pending_client(acme, acme.customer, ip="192.0.2.99")
    assert "locked for this account" in elsewhere.get(VERIFY).content.decode()

    event = AuditEvent.objects.get(kind=AuditEvent.Kind.CODE_LOCKED)
    assert event.user == acme.customer and event.ip_address == "198.51.100.7"
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.CODE_FAILED).count() == 5


def test_backup_codes_are_locked_out_too(acme, totp_clock):
    from django_otp.plugins.otp_static.models import StaticDevice

    totp_device_for(acme.customer)
    static = StaticDevice.objects.create(user=acme.customer, name="Backup codes")
    static.token_set.create(token="abcdefgh")
    client = pending_client(acme, acme.customer)
    for _ in range(5):
        wrong_code(client, totp_clock)
    totp_clock.tick()
    locked = client.post(VERIFY, {"code": "abcdefgh"}).content.decode()
    assert "locked for this account" in locked
    assert static.token_set.filter(token="abcdefgh").exists()


def test_one_address_guessing_across_accounts_is_locked_out(acme, totp_clock):
    people = [
        CustomerFactory(tenant=acme.tenant, organization=acme.org, email=f"p{n}@acme.test")
        for n in range(6)
    ]
    for person in people:
        totp_device_for(person)
    # Four wrong codes each for five accounts: under the per-account limit, but twenty
    # from one address.
    for person in people[:5]:
        client = pending_client(acme, person)
        for _ in range(4):
            body = wrong_code(client, totp_clock)
    assert "code entry is locked for your network" in body

    sixth = pending_client(acme, people[5])
    totp_clock.tick()
    refused = sixth.post(VERIFY, {"code": totp_clock.code(people[5].totpdevice_set.get())})
    assert "locked for your network" in refused.content.decode()

    elsewhere = pending_client(acme, people[5], ip="192.0.2.44")
    totp_clock.tick()
    accepted = elsewhere.post(VERIFY, {"code": totp_clock.code(people[5].totpdevice_set.get())})
    assert accepted.status_code == 302


def test_quick_retries_meet_django_otps_back_off(acme, totp_clock):
    device = totp_device_for(acme.customer)
    client = pending_client(acme, acme.customer)
    client.post(VERIFY, {"code": "000000"})
    client.post(VERIFY, {"code": "111111"})
    hurried = client.post(VERIFY, {"code": totp_clock.code(device)}).content.decode()
    assert re.search(r"Too many wrong codes in a row\. Wait \d+ seconds?", hurried)
    totp_clock.tick()
    assert client.post(VERIFY, {"code": totp_clock.code(device)}).status_code == 302


def test_a_right_code_starts_the_account_count_over(acme, totp_clock):
    device = totp_device_for(acme.customer)
    client = pending_client(acme, acme.customer)
    for _ in range(4):
        wrong_code(client, totp_clock)
    totp_clock.tick()
    assert client.post(VERIFY, {"code": totp_clock.code(device)}).status_code == 302
    again = pending_client(acme, acme.customer)
    for _ in range(4):
        assert WRONG in wrong_code(again, totp_clock)


def test_wrong_passwords_when_turning_two_factor_off_count_too(acme, totp_clock):
    from tests.factories import login_with_verified_device

    client = Client(HTTP_HOST=acme.host)
    device = login_with_verified_device(client, acme.customer)
    for _ in range(4):
        page = client.post(
            "/accounts/2fa/disable/", {"password": "guess", "code": "000000"}
        ).content.decode()
        assert "That password is not correct." in page
    fifth = client.post("/accounts/2fa/disable/", {"password": "guess", "code": "000000"})
    assert "locked for this account" in fifth.content.decode()
    totp_clock.tick()
    still = client.post(
        "/accounts/2fa/disable/", {"password": PASSWORD, "code": totp_clock.code(device)}
    )
    assert "locked for this account" in still.content.decode()
    acme.customer.refresh_from_db()
    assert acme.customer.two_factor_enabled
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.PASSWORD_CONFIRM_FAILED).count() == 5


def test_an_admin_reset_lifts_the_account_lock(acme, totp_clock):
    totp_device_for(acme.customer)
    client = pending_client(acme, acme.customer)
    for _ in range(5):
        wrong_code(client, totp_clock)
    admin = Client(HTTP_HOST=acme.host)
    admin.force_login(acme.tenant_admin)
    admin.post(f"/security/people/{acme.customer.pk}/reset-two-factor/")
    fresh = pending_client(acme, acme.customer, ip="192.0.2.10")
    assert fresh.get("/").status_code == 200


def test_lockouts_are_shared_through_redis(acme, totp_clock, require_redis):
    from django.core.cache import caches

    totp_device_for(acme.customer)
    client = pending_client(acme, acme.customer)
    for _ in range(5):
        wrong_code(client, totp_clock)
    # A second cache client (another web process) sees the same lock.
    other_process = caches.create_connection("default")
    assert other_process.get(f"2fa:locked:user:{acme.customer.pk}") is not None
