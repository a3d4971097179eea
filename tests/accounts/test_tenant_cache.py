"""Every web process keeps tenants by host in memory; a change of a tenant, its domains or
its two-factor policy reaches every process on its next request, through a token in the
shared cache. A second process is simulated by putting back the memory this process had
before the change."""

import pytest
from django import forms
from django.core.cache import cache
from django.test import Client

from accounts import selectors
from accounts.models import Domain
from accounts.services import tenant_admin_save
from tests.factories import SuperuserFactory

pytestmark = pytest.mark.django_db


def other_process():
    """What a second process holds: a copy of this one's tenants-by-host memory, taken now."""
    return dict(selectors._host_cache), selectors._seen_version


def becomes_other_process(state) -> None:
    entries, version = state
    selectors._host_cache.clear()
    selectors._host_cache.update(entries)
    selectors._seen_version = version


def admin_form_data(response) -> dict:
    """The POST an admin change page would send as it stands (form and inlines)."""
    data = {}

    def add(form):
        for bound in form:
            value = bound.value()
            if isinstance(bound.field, forms.SplitDateTimeField) and value:
                data[f"{bound.html_name}_0"] = value.date().isoformat()
                data[f"{bound.html_name}_1"] = value.time().isoformat()
            elif isinstance(value, bool):
                if value:
                    data[bound.html_name] = "on"
            elif value is not None:
                data[bound.html_name] = value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        for form in formset.forms:
            add(form)
    return data


@pytest.fixture
def platform_admin(db):
    client = Client(HTTP_HOST="localhost")
    client.force_login(SuperuserFactory(email="root@platform.test"))
    return client


def test_a_tenant_deactivated_in_admin_is_closed_in_every_process(
    acme, platform_admin, django_capture_on_commit_callbacks
):
    customer = Client(HTTP_HOST=acme.host)
    customer.force_login(acme.customer)
    assert customer.get("/").status_code == 200
    second = other_process()

    url = f"/admin/accounts/tenant/{acme.tenant.pk}/change/"
    data = admin_form_data(platform_admin.get(url))
    data.pop("is_active")
    with django_capture_on_commit_callbacks(execute=True):
        saved = platform_admin.post(url, data)
    assert saved.status_code == 302, saved.content.decode()[:3000]

    becomes_other_process(second)
    assert selectors._host_cache, "the second process still holds the tenant"
    assert customer.get("/").status_code == 404


def test_a_domain_change_reaches_every_process(acme, django_capture_on_commit_callbacks):
    assert Client(HTTP_HOST=acme.host).get("/accounts/login/").status_code == 200
    second = other_process()
    with django_capture_on_commit_callbacks(execute=True):
        Domain.objects.filter(domain=acme.host).update(is_primary=False)
        Domain.objects.create(tenant=acme.tenant, domain="support.acme.test", is_primary=True)
        Domain.objects.get(domain=acme.host).delete()
    becomes_other_process(second)
    assert Client(HTTP_HOST=acme.host).get("/accounts/login/").status_code == 404
    assert Client(HTTP_HOST="support.acme.test").get("/accounts/login/").status_code == 200


def test_a_two_factor_policy_change_reaches_every_process(acme, django_capture_on_commit_callbacks):
    engineer = Client(HTTP_HOST=acme.host)
    engineer.force_login(acme.engineer)
    assert engineer.get("/profile/").status_code == 200
    second = other_process()
    acme.tenant.require_2fa_for_staff = True
    with django_capture_on_commit_callbacks(execute=True):
        tenant_admin_save(tenant=acme.tenant, actor=acme.tenant_admin)
    becomes_other_process(second)
    response = engineer.get("/profile/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/2fa/setup/")


def test_an_unchanged_tenant_costs_no_query(acme, django_assert_num_queries):
    client = Client(HTTP_HOST=acme.host)
    client.get("/accounts/login/")
    with django_assert_num_queries(0):
        assert selectors.tenant_for_host(acme.host) == acme.tenant


def test_without_the_shared_token_the_memory_still_expires(acme, monkeypatch):
    """An unreadable shared cache leaves the minute-long expiry in charge."""
    selectors.tenant_for_host(acme.host)

    def unreachable(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get", unreachable)
    assert selectors.tenant_for_host(acme.host) == acme.tenant
    acme.tenant.is_active = False
    acme.tenant.save()  # clears this process; a second process would wait for the expiry
    host = acme.host
    expired = {h: (0.0, t) for h, (_at, t) in selectors._host_cache.items()}
    selectors._host_cache.update(expired)
    with pytest.raises(selectors.UnknownHost):
        selectors.tenant_for_host(host)
