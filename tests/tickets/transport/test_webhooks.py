"""Mail providers' inbound webhooks (django-anymail): signed or authenticated posts are
stored for the mailbox they were delivered to; anything else is refused and stores
nothing."""

import base64
import hashlib
import hmac
import json
import time

import pytest
from django.test import Client

from tickets.models import InboundEmail, Ticket

from .conftest import make_mailbox, raw_email

SIGNING_KEY = "mailgun-signing-key"
SECRET = "provider:s3cret-webhook"


@pytest.fixture(autouse=True)
def _anymail(settings):
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY, "WEBHOOK_SECRET": SECRET}


def mailgun_fields(raw: bytes, recipient: str, *, key: str = SIGNING_KEY) -> dict:
    timestamp, token = str(int(time.time())), "a" * 50
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256)
    return {
        "body-mime": raw.decode(),
        "recipient": recipient,
        "sender": "customer@acme.test",
        "timestamp": timestamp,
        "token": token,
        "signature": signature.hexdigest(),
    }


def basic_auth(secret: str = SECRET) -> dict:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(secret.encode()).decode()}


def post_mailgun(fields: dict, auth: dict | None = None):
    client = Client(HTTP_HOST="localhost")
    return client.post(
        "/anymail/mailgun/inbound_mime/", fields, **(basic_auth() if auth is None else auth)
    )


def post_postmark(payload: dict, auth: dict):
    client = Client(HTTP_HOST="localhost")
    return client.post(
        "/anymail/postmark/inbound/", json.dumps(payload), content_type="application/json", **auth
    )


def postmark_payload(raw: bytes, recipient: str) -> dict:
    return {"RawEmail": raw.decode(), "OriginalRecipient": recipient, "Headers": []}


def test_a_signed_mailgun_post_becomes_a_ticket(acme, django_capture_on_commit_callbacks):
    mailbox = make_mailbox(acme)
    raw = raw_email(sender=acme.customer.email, subject="Webhook VPN", message_id="<w@c.test>")

    with django_capture_on_commit_callbacks(execute=True):
        response = post_mailgun(mailgun_fields(raw, mailbox.address))

    assert response.status_code == 200
    inbound = InboundEmail.objects.for_tenant(acme.tenant).get()
    assert inbound.source == InboundEmail.Source.WEBHOOK
    assert inbound.message_id == "<w@c.test>"
    assert inbound.mailbox == mailbox
    assert inbound.state == InboundEmail.State.DONE
    ticket = Ticket.objects.for_tenant(acme.tenant).get()
    assert ticket.title == "Webhook VPN"
    assert ticket.requester == acme.customer


@pytest.mark.parametrize(
    "tamper",
    [
        lambda fields: fields.update(signature="0" * 64),
        lambda fields: [fields.pop(name) for name in ("signature", "token", "timestamp")],
        lambda fields: fields.update(mailgun_fields(b"x", "y", key="another-key")),
    ],
    ids=["wrong-signature", "unsigned", "other-key"],
)
def test_an_unsigned_or_wrongly_signed_mailgun_post_is_refused(acme, tamper):
    mailbox = make_mailbox(acme)
    fields = mailgun_fields(raw_email(sender=acme.customer.email), mailbox.address)
    fields["body-mime"] = raw_email(sender=acme.customer.email).decode()
    tamper(fields)

    response = post_mailgun(fields)

    assert response.status_code == 400
    assert not InboundEmail.objects.exists()


def test_postmark_needs_the_basic_auth_secret(acme, no_processing):
    mailbox = make_mailbox(acme)
    payload = postmark_payload(raw_email(message_id="<pm@c.test>"), mailbox.address)

    assert post_postmark(payload, {}).status_code == 400
    assert post_postmark(payload, basic_auth("provider:guess")).status_code == 400
    assert not InboundEmail.objects.exists()

    assert post_postmark(payload, basic_auth()).status_code == 200
    assert InboundEmail.objects.for_tenant(acme.tenant).get().message_id == "<pm@c.test>"


@pytest.mark.filterwarnings("ignore::anymail.exceptions.AnymailInsecureWebhookWarning")
def test_an_unsigned_provider_is_refused_until_a_secret_is_configured(
    acme, settings, no_processing
):
    """Anymail would accept Postmark's posts from anyone without a secret (with only a
    warning); here they are refused."""
    settings.ANYMAIL = {}
    mailbox = make_mailbox(acme)

    response = post_postmark(postmark_payload(raw_email(), mailbox.address), {})

    assert response.status_code == 400
    assert not InboundEmail.objects.exists()


def test_mail_for_no_mailbox_is_dropped_with_success(acme, no_processing):
    make_mailbox(acme)
    raw = raw_email(to="nobody@elsewhere.example")

    response = post_mailgun(mailgun_fields(raw, "nobody@elsewhere.example"))

    # 2xx, or the provider would post it again forever.
    assert response.status_code == 200
    assert not InboundEmail.objects.exists()


def test_the_envelope_decides_the_tenant_not_the_headers(two_tenants, no_processing):
    acme, globex = two_tenants
    acme_box = make_mailbox(acme)
    globex_box = make_mailbox(globex)
    # Delivered to acme's mailbox; the headers also name globex's.
    raw = raw_email(to=f"{acme_box.address}, {globex_box.address}", message_id="<t@c.test>")

    assert post_mailgun(mailgun_fields(raw, acme_box.address)).status_code == 200

    assert InboundEmail.objects.for_tenant(acme.tenant).count() == 1
    assert not InboundEmail.objects.for_tenant(globex.tenant).exists()


def test_without_an_envelope_each_addressed_mailbox_gets_its_own_copy(two_tenants, no_processing):
    acme, globex = two_tenants
    acme_box = make_mailbox(acme)
    globex_box = make_mailbox(globex)
    raw = raw_email(to=acme_box.address, message_id="<both@c.test>")
    raw = raw.replace(b"To: ", f"Cc: {globex_box.address}\nTo: ".encode(), 1)
    payload = {"RawEmail": raw.decode(), "Headers": []}

    assert post_postmark(payload, basic_auth()).status_code == 200

    assert InboundEmail.objects.for_tenant(acme.tenant).get().mailbox == acme_box
    assert InboundEmail.objects.for_tenant(globex.tenant).get().mailbox == globex_box


def test_a_reply_address_reaches_its_mailbox(acme, no_processing):
    mailbox = make_mailbox(acme)
    address = "support+1a-abcdefghijklmnop@acme.example"

    post_mailgun(mailgun_fields(raw_email(to=address), address))

    assert InboundEmail.objects.for_tenant(acme.tenant).get().mailbox == mailbox


def test_tracking_webhooks_are_not_served(acme):
    fields = mailgun_fields(raw_email(), "support@acme.example")

    response = Client(HTTP_HOST="localhost").post("/anymail/mailgun/tracking/", fields)

    assert response.status_code == 404


def test_other_forms_still_need_their_csrf_token(acme):
    """Anymail's views are exempt from CSRF by design (providers post to them); nothing
    else is."""
    client = Client(HTTP_HOST=acme.host, enforce_csrf_checks=True)

    response = client.post("/accounts/login/", {"login": "x@y.test", "password": "nope"})

    assert response.status_code == 403
