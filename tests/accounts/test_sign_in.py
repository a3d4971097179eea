import pytest
from django.test import Client

from tests.factories import PASSWORD, SuperuserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
WRONG = "The email address and/or password you specified are not correct."


def post_login(client, email, password):
    return client.post(LOGIN, {"login": email, "password": password})


def test_customer_signs_in_on_own_portal(acme):
    client = Client(HTTP_HOST=acme.host)
    response = post_login(client, acme.customer.email, PASSWORD)
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 200
    assert acme.org.name in home.content.decode()


def test_wrong_password_is_refused(acme):
    response = post_login(Client(HTTP_HOST=acme.host), acme.customer.email, "not-the-password")
    assert response.status_code == 200
    assert WRONG in response.content.decode()


def test_user_of_one_tenant_cannot_sign_in_on_another_tenants_portal(acme, globex):
    client = Client(HTTP_HOST=globex.host)
    response = post_login(client, acme.customer.email, PASSWORD)
    assert response.status_code == 200
    # Exactly the message of a wrong password: nothing tells the account exists elsewhere.
    assert WRONG in response.content.decode()
    assert client.get("/").status_code == 302


def test_email_is_case_insensitive(acme):
    client = Client(HTTP_HOST=acme.host)
    response = post_login(client, acme.customer.email.upper(), PASSWORD)
    assert response.status_code == 302


def test_session_of_one_tenant_is_not_valid_on_another_host(acme, globex):
    client = Client(HTTP_HOST=acme.host)
    client.force_login(acme.customer)
    assert client.get("/").status_code == 200
    other = client.get("/", HTTP_HOST=globex.host)
    assert other.status_code == 302
    assert other.url.startswith("/accounts/login/")


def test_platform_superuser_signs_in_only_on_platform_host(acme):
    admin = SuperuserFactory(email="root@platform.test")
    refused = post_login(Client(HTTP_HOST=acme.host), admin.email, PASSWORD)
    assert WRONG in refused.content.decode()
    accepted = post_login(Client(HTTP_HOST="localhost"), admin.email, PASSWORD)
    assert accepted.status_code == 302


def test_deactivated_account_cannot_sign_in(acme):
    acme.customer.is_active = False
    acme.customer.save()
    response = post_login(Client(HTTP_HOST=acme.host), acme.customer.email, PASSWORD)
    assert response.status_code != 302 or response.url != "/"
    assert Client(HTTP_HOST=acme.host).get("/").status_code == 302


def test_sixth_rapid_failed_login_is_refused_even_with_the_right_password(acme):
    client = Client(HTTP_HOST=acme.host)
    for _ in range(5):
        response = post_login(client, acme.customer.email, "wrong-password")
        assert response.status_code == 200
        assert WRONG in response.content.decode()
    sixth = post_login(client, acme.customer.email, PASSWORD)
    assert "Too many failed login attempts" in sixth.content.decode()
    assert client.get("/").status_code == 302
    # Another address from the same network is not locked out by this one.
    assert post_login(client, acme.engineer.email, PASSWORD).status_code == 302


def test_inactive_account_of_another_tenant_looks_like_a_wrong_password(acme, globex):
    acme.customer.is_active = False
    acme.customer.save()
    response = post_login(Client(HTTP_HOST=globex.host), acme.customer.email, PASSWORD)
    assert WRONG in response.content.decode()
    assert "inactive" not in response.content.decode().lower()


def test_sign_out_needs_a_post_and_ends_the_session(acme):
    client = Client(HTTP_HOST=acme.host)
    client.force_login(acme.customer)
    confirm = client.get("/accounts/logout/")
    assert confirm.status_code == 200
    assert client.get("/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


def test_sign_out_rejects_a_forged_post(acme):
    client = Client(HTTP_HOST=acme.host, enforce_csrf_checks=True)
    client.force_login(acme.customer)
    assert client.post("/accounts/logout/").status_code == 403
    assert client.get("/").status_code == 200


def test_self_sign_up_is_closed(acme):
    # People join by invitation: allauth's sign-up page is not there at all.
    assert Client(HTTP_HOST=acme.host).get("/accounts/signup/").status_code == 404
