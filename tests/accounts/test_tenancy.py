import pytest
from django.test import Client

from accounts.models import Organization, User
from accounts.selectors import organization_members, tenant_for_host
from tests.factories import TenantFactory

pytestmark = pytest.mark.django_db


def test_each_portal_shows_its_own_branding(two_tenants):
    acme, globex = two_tenants
    globex.tenant.brand_color = "#aa3300"
    globex.tenant.save()
    acme_page = Client(HTTP_HOST=acme.host).get("/accounts/login/").content.decode()
    globex_page = Client(HTTP_HOST=globex.host).get("/accounts/login/").content.decode()
    assert acme.tenant.portal_title in acme_page
    assert globex.tenant.portal_title not in acme_page
    assert globex.tenant.portal_title in globex_page
    css = Client(HTTP_HOST=globex.host).get("/brand.css")
    assert css["Content-Type"].startswith("text/css")
    assert "#aa3300" in css.content.decode()


def test_host_with_port_and_upper_case_resolves(acme):
    assert tenant_for_host("ACME.localhost:8000") == acme.tenant


def test_unknown_host_is_not_found(db):
    response = Client(HTTP_HOST="unknown.localhost").get("/accounts/login/")
    assert response.status_code == 404


def test_inactive_tenant_is_not_served(acme):
    acme.tenant.is_active = False
    acme.tenant.save()
    assert Client(HTTP_HOST=acme.host).get("/accounts/login/").status_code == 404


def test_platform_host_lists_the_portals(two_tenants):
    acme, globex = two_tenants
    page = Client(HTTP_HOST="localhost").get("/").content.decode()
    assert f"//{acme.host}" in page
    assert f"//{globex.host}" in page
    assert acme.tenant.portal_title in page


def test_new_domain_is_served_at_once(acme):
    tenant = TenantFactory(slug="initech", domain="support.initech.test")
    page = Client(HTTP_HOST="support.initech.test").get("/accounts/login/")
    assert tenant.portal_title in page.content.decode()


def test_for_tenant_refuses_none():
    with pytest.raises(ValueError):
        Organization.objects.for_tenant(None)


def test_for_tenant_scopes_rows(two_tenants):
    acme, globex = two_tenants
    acme_people = set(User.objects.for_tenant(acme.tenant).values_list("email", flat=True))
    assert acme.customer.email in acme_people
    assert globex.customer.email not in acme_people
    members = organization_members(tenant=acme.tenant, organization=globex.org)
    assert list(members) == []


def test_pages_are_shown_in_the_viewers_time_zone(acme):
    acme.customer.time_zone = "Asia/Tokyo"
    acme.customer.save()
    client = Client(HTTP_HOST=acme.host)
    client.force_login(acme.customer)
    page = client.get("/profile/").content.decode()
    assert 'value="Asia/Tokyo" selected' in page
