import pytest
from django.test import Client

from accounts.models import User
from tests.factories import PASSWORD, SuperuserFactory

pytestmark = pytest.mark.django_db


def admin_client(world, user):
    client = Client(HTTP_HOST=world.host)
    client.force_login(user)
    return client


def test_tenant_admin_sees_only_own_tenant_in_admin(two_tenants):
    acme, globex = two_tenants
    client = admin_client(acme, acme.tenant_admin)
    assert client.get("/admin/").status_code == 200
    users = client.get("/admin/accounts/user/").content.decode()
    assert acme.customer.email in users
    assert globex.customer.email not in users
    orgs = client.get("/admin/accounts/organization/").content.decode()
    assert acme.org.name in orgs and globex.org.name not in orgs


def test_tenant_admin_cannot_open_another_tenants_rows(two_tenants):
    acme, globex = two_tenants
    client = admin_client(acme, acme.tenant_admin)
    for url in (
        f"/admin/accounts/user/{globex.customer.pk}/change/",
        f"/admin/accounts/organization/{globex.org.pk}/change/",
        f"/admin/accounts/tenant/{globex.tenant.pk}/change/",
    ):
        response = client.get(url, follow=True)
        assert globex.customer.email not in response.content.decode()
        assert globex.org.name not in response.content.decode()


def test_tenant_admin_creates_people_only_in_own_tenant(two_tenants):
    acme, globex = two_tenants
    client = admin_client(acme, acme.tenant_admin)
    form = client.get("/admin/accounts/user/add/").content.decode()
    assert acme.org.name in form
    assert globex.org.name not in form
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "email": "new.engineer@acme.test",
            "full_name": "New Engineer",
            "role": "engineer",
            "tier": "L2",
            "organization": "",
            "time_zone": "",
            "is_active": "on",
            "password1": "a-long-enough-secret",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = User.objects.get(email="new.engineer@acme.test")
    assert created.tenant == acme.tenant and created.tier == "L2"
    assert created.check_password("a-long-enough-secret")


def test_admin_refuses_a_customer_without_organization(acme):
    response = admin_client(acme, acme.tenant_admin).post(
        "/admin/accounts/user/add/",
        {
            "email": "x@acme.test",
            "full_name": "X",
            "role": "customer",
            "tier": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "Customers belong to an organization." in response.content.decode()


@pytest.mark.parametrize("role", ["customer", "org_admin", "engineer", "manager"])
def test_people_other_than_admins_cannot_open_admin(acme, role):
    response = admin_client(acme, getattr(acme, role)).get("/admin/", follow=True)
    assert response.status_code == 403
    assert "Organizations" not in response.content.decode()


def test_admin_sign_in_goes_through_the_portal_sign_in(acme):
    client = Client(HTTP_HOST=acme.host)
    login = client.get("/admin/accounts/user/", follow=True)
    login_url = login.redirect_chain[-1][0]
    assert login_url.startswith("/accounts/login/?next=")
    signed_in = client.post(
        login_url, {"login": acme.tenant_admin.email, "password": PASSWORD}, follow=True
    )
    assert signed_in.redirect_chain[-1][0] == "/admin/accounts/user/"
    assert acme.customer.email in signed_in.content.decode()


def test_admin_has_no_sign_in_form_of_its_own(acme):
    # Every password check goes through the portal's sign-in, with its rate limits.
    client = Client(HTTP_HOST=acme.host)
    response = client.post(
        "/admin/login/", {"username": acme.tenant_admin.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert client.get("/admin/").status_code == 302


def test_superuser_sees_every_tenant_on_the_platform_host(two_tenants):
    acme, globex = two_tenants
    client = Client(HTTP_HOST="localhost")
    client.force_login(SuperuserFactory(email="root@platform.test"))
    users = client.get("/admin/accounts/user/").content.decode()
    assert acme.customer.email in users and globex.customer.email in users
