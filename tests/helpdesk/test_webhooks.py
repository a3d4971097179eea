"""Webhooks: a change writes its deliveries in its own transaction, each POST is signed the
way the README tells receivers to check, private addresses are refused, failures are retried
and admins redeliver; one tenant's admin never sees another's webhooks."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from helpdesk.models import Webhook, WebhookDelivery, WebhookEvent
from helpdesk.webhooks import UnsafeDestination, webhook_deliver, webhook_emit
from helpdesk.webhooks.transport import destination_resolve
from tests.tickets.conftest import open_ticket
from tests.tickets.factories import TicketTypeFactory

pytestmark = pytest.mark.django_db

Status = WebhookDelivery.Status


# The receiver recipe of the README, as a receiver would write it.
TOLERANCE = 300  # seconds


def verify(secret: str, headers, body: bytes) -> bool:
    """True when a request really comes from the help desk (body: the raw bytes)."""
    timestamp = headers.get("X-Helpdesk-Timestamp", "")
    signature = headers.get("X-Helpdesk-Signature", "")
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > TOLERANCE:
        return False
    signed = timestamp.encode() + b"." + body
    expected = "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


@dataclass
class Received:
    path: str
    headers: object  # an email.message.Message: case-insensitive get()
    body: bytes

    @property
    def json(self) -> dict:
        return json.loads(self.body)


class Receiver:
    """An HTTP endpoint on 127.0.0.1 in a thread: answers ``statuses`` in turn, then 200,
    each after ``delay`` seconds."""

    def __init__(self, statuses=(), delay: float = 0.0):
        self.requests: list[Received] = []
        self.statuses = list(statuses)
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.lock:
                    receiver.requests.append(Received(self.path, self.headers, body))
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                time.sleep(delay)  # a slow receiver answers late
                answer = b"thanks" if status < 300 else b"try again later"
                self.send_response(status)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/helpdesk"

    def start(self) -> Receiver:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def received(self) -> list[Received]:
        with self.lock:
            return list(self.requests)


@pytest.fixture
def receiver():
    receiver = Receiver().start()
    yield receiver
    receiver.stop()


@pytest.fixture
def allow_private(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    return settings


def webhook_of(tenant, url="https://hooks.example.com/helpdesk", events=None, **fields):
    return Webhook.objects.create(
        tenant=tenant,
        name=fields.pop("name", "Ops bridge"),
        url=url,
        events=list(events if events is not None else WebhookEvent.values),
        **fields,
    )


@pytest.fixture
def ticket_type(acme):
    return TicketTypeFactory(tenant=acme.tenant, name="Networking", slug="networking")


def delivered(delivery_id):
    return WebhookDelivery.objects.get(pk=delivery_id)


# Writing deliveries with the change


def test_opening_a_ticket_writes_one_delivery_per_subscribed_webhook(acme, globex, ticket_type):
    subscribed = webhook_of(acme.tenant, events=[WebhookEvent.TICKET_CREATED])
    webhook_of(acme.tenant, name="Replies only", events=[WebhookEvent.TICKET_REPLIED])
    webhook_of(acme.tenant, name="Turned off", is_active=False)
    webhook_of(globex.tenant, name="Globex's")

    ticket = open_ticket(acme, ticket_type, title="VPN down")

    [delivery] = WebhookDelivery.objects.all()
    assert (delivery.webhook, delivery.event, delivery.status) == (
        subscribed,
        "ticket.created",
        Status.PENDING,
    )
    body = delivery.payload
    assert body["id"] == str(delivery.event_id)
    assert (body["event"], body["tenant"]) == ("ticket.created", "acme")
    assert body["data"]["ticket"]["reference"] == ticket.reference
    assert body["data"]["ticket"]["title"] == "VPN down"
    assert body["data"]["ticket"]["requester"] == acme.customer.email
    assert body["data"]["ticket"]["organization"] == acme.org.name
    assert body["data"]["ticket"]["type"] == "Networking"
    assert body["data"]["ticket"]["url"] == f"http://acme.localhost/tickets/{ticket.reference}/"


def test_a_change_rolled_back_leaves_no_delivery(acme, ticket_type):
    webhook_of(acme.tenant)

    with pytest.raises(RuntimeError), transaction.atomic():
        open_ticket(acme, ticket_type)
        raise RuntimeError("the change fails after the ticket was written")

    assert not WebhookDelivery.objects.exists()


def test_an_event_announced_twice_under_one_key_is_delivered_once(acme):
    webhook_of(acme.tenant)
    data = {"ticket": {"reference": "ACME-1"}}

    first = webhook_emit(tenant=acme.tenant, event="sla.breached", data=data, dedupe_key="k:1")
    again = webhook_emit(tenant=acme.tenant, event="sla.breached", data=data, dedupe_key="k:1")

    assert (first, again) == (1, 0)
    assert WebhookDelivery.objects.count() == 1


def test_a_new_webhook_is_told_about_the_next_change(acme, ticket_type):
    open_ticket(acme, ticket_type)  # the tenant's webhooks (none) are now kept in memory
    webhook_of(acme.tenant)

    open_ticket(acme, ticket_type, title="Second")

    [delivery] = WebhookDelivery.objects.all()
    assert delivery.payload["data"]["ticket"]["title"] == "Second"


# Sending and signing


def test_the_post_is_signed_as_the_readme_says_and_carries_the_event(
    acme, ticket_type, receiver, allow_private, django_capture_on_commit_callbacks
):
    webhook = webhook_of(acme.tenant, url=receiver.url, events=["ticket.created"])

    with django_capture_on_commit_callbacks(execute=True):
        ticket = open_ticket(acme, ticket_type)

    [request] = receiver.received()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == Status.DELIVERED
    assert (delivery.attempts, delivery.last_status_code) == (1, 200)
    assert delivery.last_response == "thanks"
    assert request.path == "/hooks/helpdesk"
    assert verify(webhook.secret, request.headers, request.body)
    assert not verify("another secret", request.headers, request.body)
    assert not verify(webhook.secret, request.headers, request.body + b" ")
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["User-Agent"] == "Helpdesk-Webhooks/1"
    assert request.headers["X-Helpdesk-Event"] == "ticket.created"
    assert request.headers["X-Helpdesk-Delivery"] == str(delivery.event_id)
    assert request.json["id"] == str(delivery.event_id)
    assert request.json["data"]["ticket"]["reference"] == ticket.reference
    assert b" " not in request.body.replace(b"VPN down", b"")[:40]  # compact JSON


def test_an_old_timestamp_fails_the_recipe(acme, receiver, allow_private):
    webhook = webhook_of(acme.tenant, url=receiver.url)
    webhook_emit(tenant=acme.tenant, event="incident.updated", data={"incident": {}})
    webhook_deliver(delivery_id=WebhookDelivery.objects.get().pk)
    [request] = receiver.received()
    stale = {
        "X-Helpdesk-Timestamp": str(int(request.headers["X-Helpdesk-Timestamp"]) - 301),
        "X-Helpdesk-Signature": request.headers["X-Helpdesk-Signature"],
    }
    assert not verify(webhook.secret, stale, request.body)


def test_a_failed_answer_is_retried_with_backoff_then_delivered(acme, allow_private):
    receiver = Receiver(statuses=[500]).start()
    try:
        webhook_of(acme.tenant, url=receiver.url)
        webhook_emit(tenant=acme.tenant, event="sla.breached", data={"x": 1})
        delivery = WebhookDelivery.objects.get()

        assert webhook_deliver(delivery_id=delivery.pk).startswith("retry at")
        row = delivered(delivery.pk)
        assert (row.status, row.attempts, row.last_status_code) == (Status.PENDING, 1, 500)
        assert row.last_error == "The receiver answered 500."
        assert row.last_response == "try again later"
        wait = row.next_attempt_at - timezone.now()
        assert timedelta(seconds=25) < wait <= timedelta(seconds=30)
        assert webhook_deliver(delivery_id=delivery.pk) == "not due"

        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        assert webhook_deliver(delivery_id=delivery.pk) == "delivered: 200"
        row = delivered(delivery.pk)
        assert (row.status, row.attempts, row.last_status_code) == (Status.DELIVERED, 2, 200)
        assert row.last_error == ""
        first, second = receiver.received()
        assert first.body == second.body
        assert first.headers["X-Helpdesk-Delivery"] == second.headers["X-Helpdesk-Delivery"]
    finally:
        receiver.stop()


def test_a_delivery_gives_up_once_its_retry_period_is_over(acme, settings, allow_private):
    settings.WEBHOOK_RETRY_FOR = 0
    webhook_of(acme.tenant, url="http://127.0.0.1:9/nothing-listens")
    webhook_emit(tenant=acme.tenant, event="sla.breached", data={"x": 1})
    delivery = WebhookDelivery.objects.get()

    assert webhook_deliver(delivery_id=delivery.pk).startswith("failed")

    row = delivered(delivery.pk)
    assert row.status == Status.FAILED
    assert "No answer from 127.0.0.1" in row.last_error


def test_a_receiver_answering_gone_turns_the_webhook_off(acme, allow_private):
    receiver = Receiver(statuses=[410]).start()
    try:
        webhook = webhook_of(acme.tenant, url=receiver.url)
        webhook_emit(tenant=acme.tenant, event="sla.breached", data={"x": 1})
        webhook_emit(tenant=acme.tenant, event="sla.breached", data={"x": 2})
        first, second = WebhookDelivery.objects.order_by("pk")

        assert webhook_deliver(delivery_id=first.pk).startswith("failed")

        row = delivered(first.pk)
        assert (row.status, row.attempts, row.last_status_code) == (Status.FAILED, 1, 410)
        assert "the webhook is turned off" in row.last_error
        webhook.refresh_from_db()
        assert not webhook.is_active
        # Nothing more reaches the receiver: the next delivery fails without a request.
        assert webhook_deliver(delivery_id=second.pk) == "failed: The webhook is turned off."
        assert len(receiver.received()) == 1
        webhook_emit(tenant=acme.tenant, event="sla.breached", data={"x": 3})
        assert WebhookDelivery.objects.count() == 2
    finally:
        receiver.stop()


def test_backoff_doubles_up_to_its_cap(settings):
    from helpdesk.webhooks.delivery import retry_delay

    settings.WEBHOOK_RETRY_BACKOFF, settings.WEBHOOK_RETRY_BACKOFF_MAX = 30, 3600
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 8, 20)] == [30, 60, 120, 3600, 3600]


# Server-side request forgery


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://10.1.2.3/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hook",
        "https://192.168.0.10/hook",
        "https://0.0.0.0/hook",
        "https://[::ffff:10.0.0.1]/hook",
        "https://localhost/hook",
    ],
)
def test_private_loopback_and_link_local_addresses_are_refused(url, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    with pytest.raises(UnsafeDestination, match="only sent to public addresses"):
        destination_resolve(url)


def fake_dns(monkeypatch, answers: dict[str, list[str]]) -> list[str]:
    """Host names resolve to ``answers``; returns the names looked up, in order."""
    looked_up = []
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in answers:
            looked_up.append(host)
            return [
                (
                    socket.AF_INET6 if ":" in address else socket.AF_INET,
                    socket.SOCK_STREAM,
                    6,
                    "",
                    (address, port),
                )
                for address in answers[host]
            ]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return looked_up


def test_a_host_name_resolving_to_a_private_address_is_refused(monkeypatch, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    fake_dns(
        monkeypatch,
        {
            "metadata.example.com": ["169.254.169.254"],
            "mixed.example.com": ["93.184.216.34", "10.0.0.7"],
        },
    )
    with pytest.raises(UnsafeDestination, match="169.254.169.254"):
        destination_resolve("https://metadata.example.com/hook")
    with pytest.raises(UnsafeDestination, match="10.0.0.7"):
        destination_resolve("https://mixed.example.com/hook")
    assert destination_resolve("https://93.184.216.34/hook").address == "93.184.216.34"


def test_plain_http_and_other_schemes_are_refused(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    with pytest.raises(UnsafeDestination, match="must use https"):
        destination_resolve("http://93.184.216.34/hook")
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    with pytest.raises(UnsafeDestination, match="Only http and https"):
        destination_resolve("ftp://93.184.216.34/hook")


def test_a_delivery_to_a_private_address_fails_with_the_reason(acme, settings, receiver):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    webhook_of(acme.tenant, url=f"https://127.0.0.1:{receiver.port}/hook")
    webhook_emit(tenant=acme.tenant, event="sla.breached", data={"x": 1})
    delivery = WebhookDelivery.objects.get()

    webhook_deliver(delivery_id=delivery.pk)

    row = delivered(delivery.pk)
    assert row.status == Status.FAILED
    assert "127.0.0.1" in row.last_error and "public addresses" in row.last_error
    assert receiver.received() == []


def test_with_private_addresses_allowed_the_request_goes_to_the_address_checked(
    acme, receiver, allow_private, monkeypatch
):
    # The name resolves once; the connection goes to that address and names the host.
    looked_up = fake_dns(monkeypatch, {"hooks.internal.test": ["127.0.0.1"]})
    webhook_of(acme.tenant, url=f"http://hooks.internal.test:{receiver.port}/in")
    webhook_emit(tenant=acme.tenant, event="sla.breached", data={"x": 1})

    assert webhook_deliver(delivery_id=WebhookDelivery.objects.get().pk) == "delivered: 200"

    [request] = receiver.received()
    assert request.headers["Host"] == f"hooks.internal.test:{receiver.port}"
    assert looked_up == ["hooks.internal.test"]


def test_redirects_are_not_followed(acme, allow_private):
    receiver = Receiver(statuses=[302]).start()
    try:
        webhook_of(acme.tenant, url=receiver.url)
        webhook_emit(tenant=acme.tenant, event="sla.breached", data={"x": 1})
        delivery = WebhookDelivery.objects.get()
        webhook_deliver(delivery_id=delivery.pk)
        assert delivered(delivery.pk).last_status_code == 302
        assert delivered(delivery.pk).status == Status.PENDING
        assert len(receiver.received()) == 1
    finally:
        receiver.stop()


# Admin


def admin_of(world) -> Client:
    client = Client(HTTP_HOST=world.host)
    client.force_login(world.tenant_admin)
    return client


ADMIN = "/admin/helpdesk/webhook/"
LOG = "/admin/helpdesk/webhookdelivery/"


def test_a_tenant_admin_adds_a_webhook_and_sees_its_secret(acme, monkeypatch, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    fake_dns(monkeypatch, {"hooks.example.com": ["93.184.216.34"]})
    client = admin_of(acme)

    response = client.post(
        ADMIN + "add/",
        {
            "name": "Ops bridge",
            "url": "https://hooks.example.com/helpdesk",
            "events": ["ticket.created", "sla.breached"],
            "is_active": "on",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    webhook = Webhook.objects.get()
    assert webhook.tenant == acme.tenant
    assert webhook.events == ["ticket.created", "sla.breached"]
    assert len(webhook.secret) >= 43  # 32 random bytes, URL-safe
    assert webhook.secret not in webhook.secret_encrypted  # encrypted at rest
    page = client.get(f"{ADMIN}{webhook.pk}/change/").content.decode()
    assert webhook.secret in page
    assert "SLA target breached" in page


def test_admin_refuses_a_url_on_a_private_address(acme, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    response = admin_of(acme).post(
        ADMIN + "add/",
        {"name": "Sneaky", "url": "https://10.0.0.5/admin", "events": ["ticket.created"]},
    )
    assert response.status_code == 200
    assert "only sent to public addresses" in response.content.decode()
    assert not Webhook.objects.exists()


def test_rotating_the_secret_signs_the_next_attempts_with_the_new_one(acme):
    webhook = webhook_of(acme.tenant)
    old = webhook.secret

    admin_of(acme).post(ADMIN, {"action": "rotate_secret", "_selected_action": [webhook.pk]})

    webhook.refresh_from_db()
    assert webhook.secret != old and webhook.secret.startswith("whsec_")


def test_redeliver_sends_the_same_event_again_signed_afresh(
    acme, receiver, allow_private, django_capture_on_commit_callbacks
):
    webhook = webhook_of(acme.tenant, url=receiver.url)
    webhook_emit(tenant=acme.tenant, event="incident.updated", data={"incident": {"id": 7}})
    delivery = WebhookDelivery.objects.get()
    webhook_deliver(delivery_id=delivery.pk)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_of(acme).post(
            LOG, {"action": "redeliver", "_selected_action": [delivery.pk]}
        )

    assert response.status_code == 302
    first, again = receiver.received()
    assert again.body == first.body
    assert again.headers["X-Helpdesk-Delivery"] == str(delivery.event_id)
    assert verify(webhook.secret, again.headers, again.body)
    row = delivered(delivery.pk)
    assert (row.status, row.attempts) == (Status.DELIVERED, 2)


def test_the_delivery_log_shows_payload_attempts_and_error(acme):
    webhook_of(acme.tenant)
    webhook_emit(tenant=acme.tenant, event="sla.breached", data={"reference": "ACME-1042"})
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        attempts=3, last_status_code=503, last_error="The receiver answered 503."
    )
    client = admin_of(acme)

    listing = client.get(LOG + "?status__exact=pending").content.decode()
    page = client.get(f"{LOG}{delivery.pk}/change/").content.decode()

    assert "The receiver answered 503." in listing
    assert "ACME-1042" in page and "503" in page and str(delivery.event_id) in page


def test_another_tenants_admin_cannot_see_webhooks_or_deliveries(two_tenants):
    acme, globex = two_tenants
    webhook = webhook_of(acme.tenant, name="Acme's bridge")
    webhook_emit(tenant=acme.tenant, event="sla.breached", data={"reference": "ACME-1042"})
    delivery = WebhookDelivery.objects.get()
    client = admin_of(globex)

    name = "Acme&#x27;s bridge"
    assert name not in client.get(ADMIN).content.decode()
    assert name not in client.get(LOG).content.decode()  # the log names each row's webhook
    assert client.get(f"{ADMIN}{webhook.pk}/change/").status_code == 404
    assert client.get(f"{LOG}{delivery.pk}/change/").status_code == 404
    client.post(LOG, {"action": "redeliver", "_selected_action": [delivery.pk]})
    client.post(ADMIN, {"action": "rotate_secret", "_selected_action": [webhook.pk]})
    assert delivered(delivery.pk).status == Status.PENDING
    assert Webhook.objects.get(pk=webhook.pk).secret == webhook.secret
    # Their own admin sees both.
    assert name in admin_of(acme).get(ADMIN).content.decode()
    assert name in admin_of(acme).get(LOG).content.decode()
