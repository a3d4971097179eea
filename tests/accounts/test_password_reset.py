import re
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail
from django.test import Client

pytestmark = pytest.mark.django_db(transaction=True)

RESET = "/accounts/password/reset/"


def request_reset(client, email):
    return client.post(RESET, {"email": email}, follow=True)


def reset_link(message) -> str:
    match = re.search(r"http://\S+/accounts/password/reset/key/\S+/", message.body)
    assert match, message.body
    return match.group(0)


def test_reset_email_is_sent_with_a_link_to_the_same_portal(acme):
    response = request_reset(Client(HTTP_HOST=acme.host), acme.customer.email)
    assert response.status_code == 200
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [acme.customer.email]
    assert acme.tenant.portal_title in message.subject
    assert reset_link(message).startswith(f"http://{acme.host}/")
    assert "expires after 1 hour" in message.body
    assert message.alternatives, "an HTML part is sent too"


def test_reset_page_answers_the_same_for_unknown_addresses(acme, globex):
    client = Client(HTTP_HOST=acme.host)
    known = request_reset(client, acme.customer.email)
    unknown = request_reset(client, "nobody@nowhere.test")
    other_tenant = request_reset(client, globex.customer.email)
    pages = [r.content.decode() for r in (known, unknown, other_tenant)]
    assert [r.status_code for r in (known, unknown, other_tenant)] == [200, 200, 200]
    assert [r.redirect_chain for r in (known, unknown, other_tenant)] == [known.redirect_chain] * 3
    for page in pages:
        assert "Junk" in page and "Spam" in page
        # Only the CSRF token may differ between the answers.
        assert re.sub(r'value="[^"]+"', "", page) == re.sub(r'value="[^"]+"', "", pages[0])
    # Only the account of this portal's tenant is emailed.
    assert [m.to for m in mail.outbox] == [[acme.customer.email]]


def _set_new_password(client, link, password):
    form = client.get(link, follow=True)
    assert form.status_code == 200
    action = form.redirect_chain[-1][0] if form.redirect_chain else link
    return client.post(action, {"password1": password, "password2": password}, follow=True)


def test_reset_link_works_once(acme):
    client = Client(HTTP_HOST=acme.host)
    request_reset(client, acme.customer.email)
    link = reset_link(mail.outbox[-1])
    done = _set_new_password(client, link, "a-brand-new-secret-42")
    assert "Your password was changed" in done.content.decode()

    signed_in = Client(HTTP_HOST=acme.host).post(
        "/accounts/login/", {"login": acme.customer.email, "password": "a-brand-new-secret-42"}
    )
    assert signed_in.status_code == 302

    again = Client(HTTP_HOST=acme.host).get(link, follow=True)
    assert "This link cannot be used" in again.content.decode()


def _now_shifted(seconds):
    real_now = PasswordResetTokenGenerator()._now()
    return mock.patch.object(
        PasswordResetTokenGenerator, "_now", lambda self: real_now + timedelta(seconds=seconds)
    )


def test_reset_link_expires_after_password_reset_timeout(acme, settings):
    settings.PASSWORD_RESET_TIMEOUT = 3600
    request_reset(Client(HTTP_HOST=acme.host), acme.customer.email)
    link = reset_link(mail.outbox[-1])

    with _now_shifted(3600 - 60):
        still_valid = Client(HTTP_HOST=acme.host).get(link, follow=True)
    assert "Choose a new password" in still_valid.content.decode()

    with _now_shifted(3600 + 60):
        expired = Client(HTTP_HOST=acme.host).get(link, follow=True)
    assert "This link cannot be used" in expired.content.decode()


def test_weak_new_password_is_refused_with_a_clear_error(acme):
    client = Client(HTTP_HOST=acme.host)
    request_reset(client, acme.customer.email)
    response = _set_new_password(client, reset_link(mail.outbox[-1]), "12345678")
    page = response.content.decode()
    assert "too common" in page or "entirely numeric" in page
    acme.customer.refresh_from_db()
    assert acme.customer.check_password("correct-horse-battery")
