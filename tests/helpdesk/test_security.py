import pytest
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db


def test_pages_send_security_headers(acme):
    response = Client(HTTP_HOST=acme.host).get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    script_src = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_sign_in_form_requires_a_csrf_token(acme):
    client = Client(HTTP_HOST=acme.host, enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"login": acme.customer.email, "password": "x"})
    assert response.status_code == 403
    assert "form has expired" in response.content.decode()


def test_every_app_has_its_migrations():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_health_check_answers(acme):
    assert Client(HTTP_HOST=acme.host).get("/healthz").content == b"ok"
