"""Mailboxes that sign in to IMAP with OAuth 2.0 (XOAUTH2), as Microsoft 365 requires:
against a real Dovecot whose ``oauth2`` passdb asks a real (small) identity server, over
HTTP, whether each bearer token is active and for which user."""

import pytest
from django.test import Client

from tests.smtp_sink import free_port
from tickets.intake.imap import mailbox_fetch
from tickets.intake.oauth import TokenError, refusal_describe, token_response_parse
from tickets.models import InboundEmail, Mailbox

from .conftest import make_mailbox, raw_email
from .test_admin import mailbox_form

pytestmark = pytest.mark.usefixtures("no_processing")


def oauth_mailbox(world, server, identity, *, secret=None, **fields) -> Mailbox:
    mailbox = make_mailbox(
        world,
        server=server,
        password="",
        **{
            "imap_authentication": Mailbox.Authentication.OAUTH,
            "oauth_token_url": identity.token_url,
            "oauth_client_id": identity.client_id,
            **fields,
        },
    )
    mailbox.set_oauth_client_secret(identity.client_secret if secret is None else secret)
    mailbox.save()
    return mailbox


def stored(mailbox) -> list[str]:
    return list(
        InboundEmail.objects.for_tenant(mailbox.tenant)
        .filter(mailbox=mailbox)
        .order_by("pk")
        .values_list("message_id", flat=True)
    )


def last_error(mailbox) -> str:
    mailbox.refresh_from_db()
    return mailbox.last_fetch_error


def test_a_microsoft_365_style_mailbox_fetches_mail_with_an_app_token(
    acme, imap_oauth_server, identity_server
):
    mailbox = oauth_mailbox(acme, imap_oauth_server, identity_server)
    imap_oauth_server.append(raw_email(message_id="<m365@customer.test>", subject="VPN down"))

    assert mailbox_fetch(mailbox_id=mailbox.pk) == "1 new of 1 fetched"

    assert stored(mailbox) == ["<m365@customer.test>"]
    assert InboundEmail.objects.get(message_id="<m365@customer.test>").subject == "VPN down"
    assert imap_oauth_server.uids(criteria="UNSEEN") == []
    assert last_error(mailbox) == ""
    # The client-credentials grant, for Exchange Online's scope.
    [request] = identity_server.requests
    assert request["grant_type"] == "client_credentials"
    assert request["scope"] == "https://outlook.office365.com/.default"
    assert "Login: user=<support@imap.test>, method=XOAUTH2" in imap_oauth_server.log()


def test_a_wrong_client_secret_is_a_readable_error_and_stores_nothing(
    acme, imap_oauth_server, identity_server
):
    mailbox = oauth_mailbox(acme, imap_oauth_server, identity_server, secret="the-secret-id")
    imap_oauth_server.append(raw_email(message_id="<waiting@customer.test>"))

    outcome = mailbox_fetch(mailbox_id=mailbox.pk)

    error = last_error(mailbox)
    assert error == (
        "The sign-in service refused the credentials: AADSTS7000215: Invalid client secret "
        "provided. Ensure the secret being sent in the request is the client secret value, "
        "not the client secret ID."
    )
    assert error in outcome
    assert "the-secret-id" not in error
    assert stored(mailbox) == []
    # Left on the server for the fetch after the admin fixes the secret.
    assert imap_oauth_server.uids(criteria="UNSEEN") == [1]
    assert "method=XOAUTH2" not in imap_oauth_server.log()

    mailbox.set_oauth_client_secret(identity_server.client_secret)
    mailbox.save()
    assert mailbox_fetch(mailbox_id=mailbox.pk) == "1 new of 1 fetched"
    assert stored(mailbox) == ["<waiting@customer.test>"]
    assert last_error(mailbox) == ""


def test_the_token_is_requested_once_for_many_fetches(acme, imap_oauth_server, identity_server):
    mailbox = oauth_mailbox(acme, imap_oauth_server, identity_server)

    for number in range(3):
        imap_oauth_server.append(raw_email(message_id=f"<cached-{number}@customer.test>"))
        assert mailbox_fetch(mailbox_id=mailbox.pk) == "1 new of 1 fetched"

    assert identity_server.token_requests == 1
    assert len(stored(mailbox)) == 3


def test_a_token_about_to_expire_is_not_reused(acme, imap_oauth_server, identity_server):
    # Valid for less than the minute kept in hand: every fetch asks for a fresh one.
    identity_server.expires_in = 50
    mailbox = oauth_mailbox(acme, imap_oauth_server, identity_server)

    mailbox_fetch(mailbox_id=mailbox.pk)
    mailbox_fetch(mailbox_id=mailbox.pk)

    assert identity_server.token_requests == 2
    assert last_error(mailbox) == ""


def test_a_revoked_token_is_replaced_on_the_next_fetch(acme, imap_oauth_server, identity_server):
    mailbox = oauth_mailbox(acme, imap_oauth_server, identity_server)
    imap_oauth_server.append(raw_email(message_id="<before@customer.test>"))
    mailbox_fetch(mailbox_id=mailbox.pk)

    identity_server.revoke_all()
    imap_oauth_server.append(raw_email(message_id="<after@customer.test>"))
    outcome = mailbox_fetch(mailbox_id=mailbox.pk)

    assert "refused the OAuth 2.0 sign-in of support@imap.test" in last_error(mailbox)
    assert outcome.startswith("0 new of 0 fetched")
    assert stored(mailbox) == ["<before@customer.test>"]

    assert mailbox_fetch(mailbox_id=mailbox.pk) == "1 new of 1 fetched"
    assert stored(mailbox) == ["<before@customer.test>", "<after@customer.test>"]
    assert identity_server.token_requests == 2
    assert last_error(mailbox) == ""


def test_a_token_for_another_user_does_not_open_the_mailbox(
    acme, imap_oauth_server, identity_server
):
    """The app may sign in only as the mailbox the server grants it (Exchange's
    Add-MailboxPermission): a token for one user opens no other user's mail."""
    identity_server.user = "someone-else@imap.test"
    mailbox = oauth_mailbox(acme, imap_oauth_server, identity_server)
    imap_oauth_server.append(raw_email(message_id="<private@customer.test>"))

    mailbox_fetch(mailbox_id=mailbox.pk)

    assert "refused the OAuth 2.0 sign-in" in last_error(mailbox)
    assert stored(mailbox) == []


def test_google_style_refresh_token(acme, imap_oauth_server, identity_server):
    mailbox = oauth_mailbox(
        acme, imap_oauth_server, identity_server, oauth_scope="https://mail.google.com/"
    )
    mailbox.set_oauth_refresh_token(identity_server.refresh_token)
    mailbox.save()
    imap_oauth_server.append(raw_email(message_id="<gmail@customer.test>"))

    assert mailbox_fetch(mailbox_id=mailbox.pk) == "1 new of 1 fetched"

    [request] = identity_server.requests
    assert request["grant_type"] == "refresh_token"
    assert request["refresh_token"] == identity_server.refresh_token
    assert request["scope"] == "https://mail.google.com/"


def test_an_unreachable_sign_in_service_is_a_readable_error(
    acme, imap_oauth_server, identity_server
):
    port = free_port()
    mailbox = oauth_mailbox(
        acme,
        imap_oauth_server,
        identity_server,
        oauth_token_url=f"https://127.0.0.1:{port}/token",
    )
    imap_oauth_server.append(raw_email(message_id="<queued@customer.test>"))

    mailbox_fetch(mailbox_id=mailbox.pk)

    assert last_error(mailbox).startswith(
        f"The sign-in service 127.0.0.1:{port} could not be reached:"
    )
    assert stored(mailbox) == []


def test_an_untrusted_sign_in_service_gets_no_secret(
    acme, imap_oauth_server, identity_server, monkeypatch
):
    monkeypatch.delenv("SSL_CERT_FILE")
    mailbox = oauth_mailbox(acme, imap_oauth_server, identity_server)

    mailbox_fetch(mailbox_id=mailbox.pk)

    assert "could not be reached" in last_error(mailbox)
    assert "CERTIFICATE_VERIFY_FAILED" in last_error(mailbox)
    assert identity_server.token_requests == 0


def test_a_plain_http_token_url_is_never_called(acme, imap_oauth_server, identity_server):
    mailbox = oauth_mailbox(
        acme,
        imap_oauth_server,
        identity_server,
        oauth_token_url=identity_server.token_url.replace("https://", "http://"),
    )

    mailbox_fetch(mailbox_id=mailbox.pk)

    assert last_error(mailbox) == "The token URL must start with https://."
    assert identity_server.token_requests == 0


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (
            b'{"error": "invalid_client", "error_description": "AADSTS1: No.\\r\\nTrace ID: 9"}',
            "AADSTS1: No.",
        ),
        (b'{"error": "invalid_grant"}', "invalid_grant"),
        (b"<html>Bad gateway</html>", ""),
    ],
)
def test_what_the_sign_in_service_said_when_it_refused(body, said):
    assert refusal_describe(body) == said


@pytest.mark.parametrize(
    "body", [b"not json", b"[]", b'{"token_type": "Bearer"}', b'{"access_token": 7}']
)
def test_an_answer_without_a_token_is_an_error(body):
    with pytest.raises(TokenError):
        token_response_parse(body)


def test_the_token_and_its_lifetime_are_read():
    assert token_response_parse(b'{"access_token": "abc", "expires_in": "3599"}') == (
        "abc",
        3599,
    )


# -- admin ------------------------------------------------------------------------------


def admin_form(ticket_type, **fields):
    return mailbox_form(
        ticket_type,
        **{
            "password": "",
            "imap_authentication": Mailbox.Authentication.OAUTH,
            "oauth_token_url": "https://login.microsoftonline.com/dir-id/oauth2/v2.0/token",
            "oauth_client_id": "11111111-2222-3333-4444-555555555555",
            "client_secret": "client-secret-value",
            "oauth_scope": "https://outlook.office365.com/.default",
            **fields,
        },
    )


@pytest.fixture
def admin(acme):
    client = Client(HTTP_HOST=acme.host)
    client.force_login(acme.tenant_admin)
    return client


@pytest.fixture
def ticket_type(acme):
    return make_mailbox(acme, address="other@acme.example").default_ticket_type


@pytest.mark.django_db
def test_an_admin_connects_a_microsoft_365_mailbox_without_a_password(admin, ticket_type):
    response = admin.post("/admin/tickets/mailbox/add/", admin_form(ticket_type))

    assert response.status_code == 302, response.context["adminform"].form.errors
    mailbox = Mailbox.objects.get(address="help@acme.example")
    assert mailbox.uses_oauth
    assert mailbox.oauth_client_secret() == "client-secret-value"
    assert "client-secret-value" not in mailbox.oauth_client_secret_encrypted
    assert mailbox.imap_password() == ""

    # The page never shows the secret back, and saving with it empty keeps it.
    page = admin.get(f"/admin/tickets/mailbox/{mailbox.pk}/change/").content.decode()
    assert "OAuth 2.0" in page
    assert "client-secret-value" not in page
    response = admin.post(
        f"/admin/tickets/mailbox/{mailbox.pk}/change/",
        admin_form(ticket_type, client_secret="", oauth_scope="https://example.test/.default"),
    )
    assert response.status_code == 302
    mailbox.refresh_from_db()
    assert mailbox.oauth_client_secret() == "client-secret-value"
    assert mailbox.oauth_scope == "https://example.test/.default"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"oauth_token_url": ""}, "oauth_token_url", "Needed to sign in with OAuth 2.0."),
        (
            {"oauth_token_url": "http://login.example/token"},
            "oauth_token_url",
            "The token URL must start with https:// (the client secret is sent to it).",
        ),
        (
            {"oauth_token_url": "https://"},
            "oauth_token_url",
            "The token URL must start with https:// (the client secret is sent to it).",
        ),
        ({"oauth_client_id": ""}, "oauth_client_id", "Needed to sign in with OAuth 2.0."),
        ({"client_secret": ""}, "client_secret", "Needed to sign in with OAuth 2.0."),
    ],
)
def test_an_incomplete_oauth_mailbox_is_refused_with_a_clear_error(
    admin, ticket_type, fields, field, message
):
    response = admin.post("/admin/tickets/mailbox/add/", admin_form(ticket_type, **fields))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field] == [message]
    assert not Mailbox.objects.filter(address="help@acme.example").exists()
