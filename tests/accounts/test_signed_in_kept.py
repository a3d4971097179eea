"""The person signed in is kept in each process's memory between their requests, and a change
to them (deactivated, another role, a new password, moved to another tenant) shows on their
very next request, in this process and in the others."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts import selectors
from accounts.models import Role
from helpdesk import tenant_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def login():
    def make(user) -> Client:
        client = Client(HTTP_HOST=f"{user.tenant.slug}.localhost")
        client.force_login(user)
        return client

    return make


def _reads_of(user, queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if 'FROM "accounts_user"' in q["sql"] and f'"accounts_user"."id" = {user.pk}' in q["sql"]
    ]


def _profile(client):
    response = client.get("/profile/")
    assert response.status_code == 200
    return response


def test_a_page_opened_again_does_not_read_the_person_signed_in(acme, login):
    client = login(acme.customer)
    with CaptureQueriesContext(connection) as first:
        _profile(client)
    assert _reads_of(acme.customer, first), "the first request reads the person"
    _profile(client)
    with CaptureQueriesContext(connection) as third:
        page = _profile(client).content.decode()
    assert _reads_of(acme.customer, third) == []
    assert acme.customer.email in page


def test_a_deactivated_person_is_signed_out_on_their_next_request(acme, login):
    client = login(acme.customer)
    for _ in range(3):
        _profile(client)
    acme.customer.is_active = False
    acme.customer.save(update_fields=["is_active"])
    response = client.get("/profile/")
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_another_role_shows_on_the_next_page(acme, login):
    client = login(acme.org_admin)
    for _ in range(3):
        assert client.get("/organization/members/").status_code == 200
    acme.org_admin.role = Role.CUSTOMER
    acme.org_admin.save()
    assert client.get("/organization/members/").status_code in (403, 404)


def test_a_password_changed_elsewhere_signs_out_the_other_sessions(acme, login):
    client = login(acme.customer)
    for _ in range(3):
        _profile(client)
    acme.customer.set_password("a new passphrase 2026")
    acme.customer.save()
    response = client.get("/profile/")
    assert response.status_code == 302


def test_a_change_made_by_another_process_shows_once_committed(
    acme, login, django_capture_on_commit_callbacks
):
    client = login(acme.customer)
    for _ in range(3):
        _profile(client)
    # Another process saves the person: this one hears of it by the tenant's shared token,
    # which the other process deletes once its change is committed.
    type(acme.customer).objects.filter(pk=acme.customer.pk).update(full_name="Renamed Elsewhere")
    assert "Renamed Elsewhere" not in _profile(client).content.decode()
    cache.delete(tenant_data.TOKEN_KEY.format(tenant_id=acme.tenant.pk))
    assert "Renamed Elsewhere" in _profile(client).content.decode()


def test_what_a_request_changes_on_the_person_in_memory_is_not_kept(acme):
    from accounts.backends import TenantAuthenticationBackend

    backend = TenantAuthenticationBackend()
    # As within a request (``TenantDataMiddleware``).
    request = tenant_data._request_tokens.set({})
    try:
        for _ in range(3):
            person = backend.get_user(acme.customer.pk)
        person.full_name = "Typed but never saved"
        again = backend.get_user(acme.customer.pk)
    finally:
        tenant_data._request_tokens.reset(request)
    assert again.full_name == acme.customer.full_name
    assert again is not person


def test_a_person_moved_to_another_tenant_no_longer_opens_the_first(acme, globex, login):
    client = login(acme.customer)
    for _ in range(3):
        _profile(client)
    moved = type(acme.customer).objects.get(pk=acme.customer.pk)
    moved.tenant = globex.tenant
    moved.organization = globex.org
    moved.save()
    response = client.get("/profile/")
    assert response.status_code == 302


def test_without_the_shared_cache_the_person_is_read_on_every_request(acme, login, monkeypatch):
    # The cache cannot say whether anything changed (as when Redis is away).
    monkeypatch.setattr(tenant_data, "shared_token", lambda key: None)
    monkeypatch.setattr(selectors, "shared_tokens", lambda keys: dict.fromkeys(keys))
    client = login(acme.customer)
    for _ in range(2):
        _profile(client)
    with CaptureQueriesContext(connection) as queries:
        _profile(client)
    assert _reads_of(acme.customer, queries)
