"""Personal access tokens: made on the profile and shown once, listed, revoked by their
owner (or a tenant admin in Django admin), and accepted by the API only on their tenant's
host while live and while their person is active."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView, exception_handler

from accounts.api_auth import TokenAuthentication
from accounts.models import ApiToken, AuditEvent
from accounts.tokens import (
    CREATIONS_PER_HOUR,
    LIVE_TOKENS_MAX,
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
    api_tokens_of,
)

pytestmark = pytest.mark.django_db

TOKENS = "/profile/tokens/"
TOKEN_SHAPE = re.compile(r"hd_[A-Za-z0-9_-]{40}")


def signed_in(world, user=None) -> Client:
    client = Client(HTTP_HOST=world.host)
    client.force_login(user or world.customer)
    return client


def make_token(user, *, can_write=False, days=30, name="Nightly export"):
    return api_token_create(
        user=user,
        name=name,
        can_write=can_write,
        expires_at=timezone.now() + timedelta(days=days),
    )


def expire(token):
    """Move a token's life into the past: made a month ago, expired a minute ago."""
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(
        created_at=now - timedelta(days=30), expires_at=now - timedelta(minutes=1)
    )


def create(client, **data):
    form = {"name": "Nightly export", "scope": "read", "expiry": "30", "expires_on": ""}
    form.update(data)
    return client.post(TOKENS, form)


def test_a_new_token_is_shown_once_and_only_its_hash_is_kept(acme):
    client = signed_in(acme)
    response = create(client, name="Monitoring", scope="write")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    [raw] = TOKEN_SHAPE.findall(page)
    assert "will not be shown again" in page

    token = ApiToken.objects.get()
    assert token.user == acme.customer and token.tenant == acme.tenant
    assert token.name == "Monitoring" and token.can_write
    assert token.token_hash == ApiToken.hash_token(raw)
    assert raw.startswith(token.prefix) and len(token.prefix) < len(raw)
    stored = [str(value) for value in ApiToken.objects.values_list(flat=False).get()]
    assert raw not in stored
    assert raw not in str(dict(client.session))

    again = client.get(TOKENS).content.decode()
    assert raw not in again, "the token is shown once only"
    assert token.prefix in again and "Monitoring" in again
    assert AuditEvent.objects.filter(user=acme.customer, kind="api_token_created").exists()


def test_the_expiry_is_the_chosen_number_of_days_or_the_end_of_a_chosen_date(acme):
    client = signed_in(acme)
    create(client, name="Week", expiry="7")
    week = ApiToken.objects.get(name="Week")
    assert timedelta(days=6, hours=23) < week.expires_at - timezone.now() <= timedelta(days=7)

    day = timezone.localdate() + timedelta(days=45)
    create(client, name="Dated", expiry="date", expires_on=day.isoformat())
    dated = ApiToken.objects.get(name="Dated")
    # The token works all through the chosen day in the person's zone (the tenant's here).
    zone = ZoneInfo(acme.tenant.time_zone)
    assert timezone.localtime(dated.expires_at, zone).date() == day + timedelta(days=1)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"name": ""}, "Say what the token is for."),
        ({"expiry": "date", "expires_on": ""}, "Choose the date the token expires."),
        ({"expiry": "date", "expires_on": "2000-01-01"}, "Choose a date after today."),
        ({"expiry": "date", "expires_on": "2100-01-01"}, "at most a year from today"),
    ],
)
def test_a_refused_token_keeps_what_was_typed(acme, data, message):
    client = signed_in(acme)
    typed = {"name": "Reporting job", "scope": "write", **data}
    response = create(client, **typed)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    if typed["name"]:
        assert 'value="Reporting job"' in page
    assert re.search(r'value="write"[^>]*checked', page)
    assert not ApiToken.objects.exists()


def test_the_list_shows_the_persons_own_tokens_with_their_state(acme, django_assert_num_queries):
    live, _raw = make_token(acme.customer, name="Live one", can_write=True)
    gone, _raw = make_token(acme.customer, name="Revoked one")
    api_token_revoke(user=acme.customer, token_id=gone.pk)
    old, _raw = make_token(acme.customer, name="Expired one")
    expire(old)
    make_token(acme.org_admin, name="A colleague's")

    client = signed_in(acme)
    client.get(TOKENS)  # the session and the tenant's data are cached from here on
    page = client.get(TOKENS).content.decode()  # and the person signed in from here on
    for name in ("Live one", "Revoked one", "Expired one"):
        assert name in page
    assert "A colleague's" not in page
    assert page.count(">Revoke<") == 1, "only the live token can be revoked"
    assert "Read and write" in page and "Expired" in page and "Revoked" in page
    # Whatever the number of tokens, the page costs the same few queries.
    for n in range(5):
        make_token(acme.customer, name=f"More {n}")
    with django_assert_num_queries(1):
        client.get(TOKENS)


def test_the_profile_links_to_the_tokens_page(acme):
    page = signed_in(acme).get("/profile/").content.decode()
    assert f'href="{TOKENS}"' in page


def test_a_person_revokes_their_own_token(acme):
    token, raw = make_token(acme.customer)
    client = signed_in(acme)
    response = client.post(f"{TOKENS}{token.pk}/revoke/", follow=True)
    assert "was revoked" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert api_token_authenticate(tenant=acme.tenant, raw=raw) is None
    assert AuditEvent.objects.filter(user=acme.customer, kind="api_token_revoked").exists()


def test_revoking_needs_a_post(acme):
    token, _raw = make_token(acme.customer)
    assert signed_in(acme).get(f"{TOKENS}{token.pk}/revoke/").status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_another_persons_token_is_not_found(acme):
    token, raw = make_token(acme.org_admin)
    response = signed_in(acme).post(f"{TOKENS}{token.pk}/revoke/")
    assert response.status_code == 404
    assert api_token_revoke(user=acme.customer, token_id=token.pk) is False
    assert api_token_authenticate(tenant=acme.tenant, raw=raw) == token


def test_another_tenants_person_gets_404_on_the_token_urls(two_tenants):
    acme, globex = two_tenants
    token, raw = make_token(acme.customer)
    for url in (f"{TOKENS}{token.pk}/revoke/", f"{TOKENS}999999/revoke/"):
        assert signed_in(globex).post(url).status_code == 404
    assert (
        signed_in(globex, globex.tenant_admin).post(f"{TOKENS}{token.pk}/revoke/").status_code
        == 404
    )
    page = signed_in(globex).get(TOKENS).content.decode()
    assert token.prefix not in page
    assert api_token_authenticate(tenant=acme.tenant, raw=raw) == token


def test_creation_is_rate_limited_and_keeps_what_was_typed(acme):
    client = signed_in(acme)
    for n in range(CREATIONS_PER_HOUR):
        assert create(client, name=f"Job {n}").status_code == 302
    response = create(client, name="One too many")
    assert response.status_code == 200
    page = response.content.decode()
    assert "too many tokens" in page and 'value="One too many"' in page
    assert ApiToken.objects.count() == CREATIONS_PER_HOUR


def test_a_person_holds_at_most_twenty_live_tokens(acme):
    for n in range(LIVE_TOKENS_MAX):
        make_token(acme.customer, name=f"Job {n}")
    response = create(signed_in(acme), name="Twenty-first")
    assert "already have 20 active tokens" in response.content.decode()
    first = api_tokens_of(user=acme.customer).last()
    api_token_revoke(user=acme.customer, token_id=first.pk)
    make_token(acme.customer, name="After revoking one")
    assert api_tokens_of(user=acme.customer).live().count() == LIVE_TOKENS_MAX


def test_authenticate_accepts_a_live_token_and_notes_its_use_once_a_minute(acme):
    token, raw = make_token(acme.engineer)
    found = api_token_authenticate(tenant=acme.tenant, raw=raw)
    assert found == token and found.user == acme.engineer
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use is not None
    api_token_authenticate(tenant=acme.tenant, raw=raw)
    token.refresh_from_db()
    assert token.last_used_at == first_use
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first_use - timedelta(minutes=2))
    api_token_authenticate(tenant=acme.tenant, raw=raw)
    token.refresh_from_db()
    assert token.last_used_at > first_use


def test_authenticate_refuses_revoked_expired_foreign_and_inactive(two_tenants):
    acme, globex = two_tenants
    revoked, revoked_raw = make_token(acme.customer, name="revoked")
    api_token_revoke(user=acme.customer, token_id=revoked.pk)
    expired, expired_raw = make_token(acme.customer, name="expired")
    expire(expired)
    _live, live_raw = make_token(acme.customer, name="live")
    _inactive, inactive_raw = make_token(acme.org_admin, name="inactive")
    acme.org_admin.is_active = False
    acme.org_admin.save()

    assert api_token_authenticate(tenant=acme.tenant, raw=revoked_raw) is None
    assert api_token_authenticate(tenant=acme.tenant, raw=expired_raw) is None
    assert api_token_authenticate(tenant=acme.tenant, raw=inactive_raw) is None
    assert api_token_authenticate(tenant=globex.tenant, raw=live_raw) is None
    assert api_token_authenticate(tenant=None, raw=live_raw) is None
    tampered = live_raw[:-1] + ("y" if live_raw.endswith("x") else "x")
    assert api_token_authenticate(tenant=acme.tenant, raw=tampered) is None
    assert api_token_authenticate(tenant=acme.tenant, raw="") is None
    assert api_token_authenticate(tenant=acme.tenant, raw=live_raw) is not None


class WhoAmI(APIView):
    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]
    throttle_classes = []

    def get_exception_handler(self):
        return exception_handler

    def get(self, request):
        return Response(
            {
                "email": request.user.email,
                "can_write": request.auth.can_write,
                "django_user": request._request.user.email,
            }
        )


def call(world, authorization=None):
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization is not None else {}
    request = APIRequestFactory().get("/api/v1/whoami/", HTTP_HOST=world.host, **headers)
    request.tenant = world.tenant  # as TenantMiddleware sets it from the host
    response = WhoAmI.as_view()(request)
    response.render()
    return response


def test_the_api_knows_the_person_and_scope_of_a_bearer_token(acme):
    _token, raw = make_token(acme.engineer, can_write=True)
    response = call(acme, f"Bearer {raw}")
    assert response.status_code == 200
    assert response.data == {
        "email": acme.engineer.email,
        "can_write": True,
        "django_user": acme.engineer.email,
    }


@pytest.mark.parametrize(
    "authorization",
    ["Bearer", "Bearer hd_a hd_b", "Bearer not-a-token", "bearer hd_" + "x" * 40],
)
def test_a_bad_bearer_header_is_a_401_with_the_scheme_to_use(acme, authorization):
    response = call(acme, authorization)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert "token" in str(response.data["detail"]).lower()


def test_a_revoked_or_foreign_token_is_a_401(two_tenants):
    acme, globex = two_tenants
    token, raw = make_token(acme.customer)
    assert call(globex, f"Bearer {raw}").status_code == 401
    api_token_revoke(user=acme.customer, token_id=token.pk)
    response = call(acme, f"Bearer {raw}")
    assert response.status_code == 401
    assert response.data["detail"] == "Invalid or expired token."


def test_without_a_header_the_token_class_steps_aside(acme):
    response = call(acme)
    # No credentials at all: refused, but the token class did not claim the request.
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    request = APIRequestFactory().get("/", HTTP_HOST=acme.host)
    request.tenant = acme.tenant
    assert TokenAuthentication().authenticate(WhoAmI().initialize_request(request)) is None


def test_tenant_admin_sees_and_revokes_tokens_of_their_tenant_in_admin(two_tenants):
    acme, globex = two_tenants
    token, raw = make_token(acme.customer, name="Acme export")
    foreign, _raw = make_token(globex.customer, name="Globex export")
    client = signed_in(acme, acme.tenant_admin)

    listing = client.get("/admin/accounts/apitoken/").content.decode()
    assert "Acme export" in listing and "Globex export" not in listing
    detail = client.get(f"/admin/accounts/apitoken/{token.pk}/change/").content.decode()
    assert token.prefix in detail and token.token_hash not in detail
    assert client.get(f"/admin/accounts/apitoken/{foreign.pk}/change/").status_code == 404

    response = client.post(
        "/admin/accounts/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk, foreign.pk]},
        follow=True,
    )
    assert "1 token was revoked." in response.content.decode()
    assert api_token_authenticate(tenant=acme.tenant, raw=raw) is None
    foreign.refresh_from_db()
    assert foreign.revoked_at is None
    event = AuditEvent.objects.get(kind="api_token_revoked")
    assert event.actor == acme.tenant_admin and event.user == acme.customer
