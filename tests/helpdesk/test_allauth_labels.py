"""allauth's forms and notices in the product's sentence case."""

import pytest
from django.test import Client

from helpdesk.models import OutboxEmail
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

TITLE_CASE = ["Remember Me", "Current Password", "New Password", "Password Changed"]


def test_sign_in_page_says_remember_me(acme):
    page = Client(HTTP_HOST="acme.localhost").get("/accounts/login/").content.decode()
    assert "Remember me" in page
    assert not [words for words in TITLE_CASE if words in page]


def test_password_change_labels_and_notice_are_sentence_case(acme):
    client = Client(HTTP_HOST="acme.localhost")
    client.force_login(acme.customer)
    page = client.get("/accounts/password/change/").content.decode()
    assert "Current password" in page and "New password (again)" in page
    assert not [words for words in TITLE_CASE if words in page]
    client.post(
        "/accounts/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": "a-much-longer-passphrase-2026",
            "password2": "a-much-longer-passphrase-2026",
        },
    )
    # Filtered here: SQLite has no containment lookup on JSON lists.
    subjects = [e.subject for e in OutboxEmail.objects.all() if acme.customer.email in e.to]
    assert subjects
    assert not [s for s in subjects for words in TITLE_CASE if words in s]
