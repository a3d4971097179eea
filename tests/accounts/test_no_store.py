"""Nothing shown to a signed-in person is kept by the browser or a shared cache."""

import pytest
from django.test import Client

from tests.factories import SuperuserFactory

pytestmark = pytest.mark.django_db

PAGES = {
    "customer": [
        "/",
        "/profile/",
        "/profile/email/",
        "/tickets/",
        "/tickets/new/",
        "/kb/",
        "/accounts/password/change/",
        "/accounts/logout/",
        "/no-such-page/",
    ],
    "org_admin": ["/", "/organization/members/", "/tickets/?scope=organization"],
    "engineer": ["/", "/queue/", "/queue/mine/", "/kb/manage/", "/profile/"],
    "manager": ["/", "/queue/", "/profile/"],
    "tenant_admin": [
        "/security/people/",
        "/security/audit/",
        "/admin/",
        "/admin/accounts/user/",
        "/kb/manage/analytics/",
        "/admin/login/",
    ],
}
CASES = [(role, path) for role, paths in PAGES.items() for path in paths]


def _no_store(response) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


@pytest.mark.parametrize(("role", "path"), CASES, ids=[f"{r}:{p}" for r, p in CASES])
def test_every_signed_in_page_is_no_store(acme, role, path):
    client = Client(HTTP_HOST=acme.host)
    client.force_login(getattr(acme, role))
    response = client.get(path)
    assert response.status_code in (200, 302, 404), response.status_code
    assert _no_store(response), (path, response.get("Cache-Control"))


@pytest.mark.parametrize("path", ["/admin/", "/admin/accounts/tenant/", "/"])
def test_platform_admin_pages_are_no_store(db, path):
    client = Client(HTTP_HOST="localhost")
    client.force_login(SuperuserFactory(email="root@platform.test"))
    assert _no_store(client.get(path))


def test_a_form_post_and_a_sign_in_answer_no_store(acme):
    from tests.factories import PASSWORD

    client = Client(HTTP_HOST=acme.host)
    signed_in = client.post(
        "/accounts/login/", {"login": acme.customer.email, "password": PASSWORD}
    )
    assert signed_in.status_code == 302 and _no_store(signed_in)
    saved = client.post("/profile/", {"full_name": "Cus Tomer", "time_zone": ""})
    assert _no_store(saved)


def test_shared_responses_keep_their_caching(acme):
    client = Client(HTTP_HOST=acme.host)
    client.force_login(acme.customer)
    css = client.get("/brand.css")
    assert "public" in css["Cache-Control"] and "no-store" not in css["Cache-Control"]
