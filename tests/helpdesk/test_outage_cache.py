"""A Redis outage fails no sign-in and no write: the cache falls back to each process, the
outbox keeps every email, and a real worker and beat deliver them once Redis is back.

Redis here is a private ``redis-server`` on a free port that the tests stop, hang and
restart; the machine's shared Redis is never touched.
"""

import json

import pytest
import redis
from django.core.cache import cache
from django.test import Client

from accounts.two_factor.ratelimit import current_lockout, record_failure
from helpdesk.models import OutboxEmail, Webhook, WebhookDelivery
from helpdesk.ratelimit import limit_exceeded
from tests import workers
from tests.api.conftest import token_for
from tests.factories import PASSWORD
from tests.helpdesk.test_webhooks import Receiver, verify
from tests.tickets.factories import TicketTypeFactory, text_file
from tests.workers import WAIT, wait_until
from tickets.models import Attachment, Message, Ticket

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

sink = workers.sink
private_redis = workers.private_redis


@pytest.fixture
def cache_on_private_redis(settings, private_redis):
    """The project's cache, on the private Redis, trying Redis again every 0.2 s."""
    settings.CACHES = {
        "default": {
            "BACKEND": "helpdesk.cache.FailOpenRedisCache",
            "LOCATION": private_redis.url(1),
            "KEY_PREFIX": "outage",
            "OPTIONS": {"retry_after": 0.2},
        }
    }
    cache.clear()
    return private_redis


def readiness(client) -> tuple[int, dict]:
    response = client.get("/readyz")
    return response.status_code, json.loads(response.content)


def test_rate_limits_keep_counting_while_redis_is_down(cache_on_private_redis):
    cache_on_private_redis.stop()

    hits = [limit_exceeded(scope="reply", key=7, limit=3, window_seconds=3600) for _ in range(5)]

    assert hits == [False, False, False, True, True]


def test_a_redis_out_of_memory_that_refuses_writes_does_not_stop_rate_limits(
    cache_on_private_redis,
):
    raw = redis.Redis(port=cache_on_private_redis.port)
    raw.config_set("maxmemory-policy", "noeviction")
    raw.config_set("maxmemory", 1)  # every write now answers OOM
    with pytest.raises(redis.exceptions.ResponseError, match="maxmemory"):
        raw.set("probe", 1)

    hits = [limit_exceeded(scope="reply", key=8, limit=2, window_seconds=3600) for _ in range(3)]

    assert hits == [False, False, True]


def test_wrong_two_factor_codes_still_lock_code_entry_while_redis_is_down(
    cache_on_private_redis, settings
):
    settings.TWO_FACTOR_FAILURES_PER_USER = 3
    cache_on_private_redis.stop()

    started = [record_failure(user_id=42, ip="203.0.113.9") for _ in range(3)]

    assert started[:2] == [None, None] and started[2].scope == "user"
    assert current_lockout(user_id=42, ip="203.0.113.9") is not None


def test_the_cache_keeps_its_redis_client_and_it_serves_again_after_a_restart(
    cache_on_private_redis,
):
    """Each cache call reuses one redis-py client (building one costs a table of callbacks per
    call); its pool reconnects when the server comes back."""
    server = cache_on_private_redis
    cache.set("kept", 1, 600)
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client() is client

    server.stop()
    assert cache.get("kept") is None  # served by this process meanwhile
    server.start()

    wait_until(lambda: cache.add("back", 2, 600) and raw_get(server, "back"), "reconnect")
    assert cache._cache.get_client(write=True) is client


def raw_get(server, key):
    return any(redis.Redis(port=server.port, db=1).scan_iter(f"*:{key}"))


def test_an_invalidation_made_while_redis_hangs_reaches_redis_when_it_answers(
    cache_on_private_redis,
):
    server = cache_on_private_redis
    cache.set("kb:public-exists:1", True, 600)
    raw = redis.Redis(port=server.port, db=1)
    [stored_key] = raw.keys("*kb:public-exists:1")

    server.pause()
    cache.delete("kb:public-exists:1")  # an article unpublished while Redis hangs
    assert cache.get("kb:public-exists:1") is None
    server.resume()

    # The next calls reach Redis again, which replays the deletion.
    wait_until(lambda: cache.get("anything") is None and not raw.exists(stored_key), "replay")
    assert cache.get("kb:public-exists:1") is None


def test_a_cache_clear_made_while_redis_hangs_empties_redis_when_it_answers(
    cache_on_private_redis,
):
    server = cache_on_private_redis
    cache.set("kb:public-exists:2", False, 600)
    raw = redis.Redis(port=server.port, db=1)
    [stored_key] = raw.keys("*kb:public-exists:2")

    server.pause()
    assert cache.get("anything") is None  # times out: the process now serves from memory
    cache.clear()  # made while Redis is known to be away, so it cannot be sent now
    server.resume()

    # Once Redis answers again, what it held before the clear is gone too, so no stale
    # entry comes back.
    wait_until(lambda: cache.get("anything") is None and not raw.exists(stored_key), "replay")
    assert cache.get("kb:public-exists:2") is None


def test_during_a_redis_outage_people_sign_in_open_tickets_and_reply_and_the_emails_go_out_once_it_is_back(  # noqa: E501
    require_postgres,
    cache_on_private_redis,
    acme,
    settings,
    sink,
    tmp_path,
    request,
    transactional_db,
):
    server = cache_on_private_redis
    settings.MEDIA_ROOT = tmp_path / "media"
    ticket_type = TicketTypeFactory(tenant=acme.tenant, name="Networking")
    processes = workers.CeleryProcesses(
        settings=settings, sink=sink, tmp_path=tmp_path, broker_url=server.url(0)
    )
    processes.env["OUTBOX_REDRIVE_SECONDS"] = "5"
    processes.env.update({"WEBHOOKS_ALLOW_PRIVATE": "1", "WEBHOOK_REDRIVE_SECONDS": "2"})
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    receiver = Receiver().start()
    request.addfinalizer(receiver.stop)
    hook = Webhook.objects.create(
        tenant=acme.tenant,
        name="Ops chat",
        url=receiver.url,
        events=["ticket.created", "ticket.replied"],
    )
    token = token_for(acme.org_admin)
    request.addfinalizer(processes.restore_publishing)
    request.addfinalizer(processes.stop_all)
    # Should the test fail mid-outage, the broker is back for emptying it.
    request.addfinalizer(lambda: server.process or server.start())
    # From now on this process hands emails to the private broker, as a web process does.
    processes.publish_to_broker()
    browser = Client(HTTP_HOST=acme.host)
    assert readiness(browser)[0] == 200

    server.stop()

    # The sign-in page (which asks the cache whether there are public articles) and the
    # sign-in itself (allauth's rate limits live in the cache).
    assert browser.get("/accounts/login/").status_code == 200
    signed_in = browser.post(
        "/accounts/login/", {"login": acme.customer.email, "password": PASSWORD}
    )
    assert signed_in.status_code == 302, signed_in.content.decode()

    # A new ticket with an attachment (the per-person rate limit counts in the cache).
    created = browser.post(
        "/tickets/new/",
        {
            "title": "Invoices stuck in the queue",
            "ticket_type": ticket_type.pk,
            "priority": "P2",
            "affected_service": "Billing export",
            "text": "Since 09:00 no invoice **leaves** the queue.",
            "steps": "1. Export\n2. Wait",
            "files": [text_file("export.log", "ERROR broker unreachable\n")],
        },
    )
    assert created.status_code == 302, created.content.decode()
    ticket = Ticket.objects.get(tenant=acme.tenant)
    assert created.url == ticket.get_absolute_url()
    assert ticket.title == "Invoices stuck in the queue"
    assert ticket.text == "Since 09:00 no invoice **leaves** the queue."
    assert ticket.steps == "1. Export\n2. Wait"
    assert Attachment.objects.get(ticket=ticket).original_name == "export.log"

    replied = browser.post(
        f"/tickets/{ticket.reference}/reply/", {"reply-body": "It also fails for credit notes."}
    )
    assert replied.status_code == 302, replied.content.decode()
    assert browser.get(replied.url).status_code == 200
    assert Message.objects.filter(ticket=ticket, body="It also fails for credit notes.").exists()

    # An integration replies through the API with its token (its rate limit counts in the
    # cache too).
    api = Client(HTTP_HOST=acme.host, HTTP_AUTHORIZATION=f"Bearer {token}")
    sent = api.post(
        f"/api/v1/tickets/{ticket.reference}/replies/",
        {"body": "Seen from the CRM as well."},
        content_type="application/json",
    )
    assert sent.status_code == 201, sent.content.decode()

    # Every email is in the outbox, waiting; none could be handed to the broker. So are the
    # webhook's deliveries: the ticket, the reply and the API's reply.
    assert set(WebhookDelivery.objects.filter(webhook=hook).values_list("status", flat=True)) == {
        WebhookDelivery.Status.PENDING
    }
    emails = list(OutboxEmail.objects.order_by("pk"))
    assert len(emails) >= 3  # confirmation, the support address, the reply's notice
    assert {email.status for email in emails} == {OutboxEmail.Status.PENDING}

    status, checks = readiness(browser)
    assert status == 503
    assert checks["database"] == {"status": "ok"}
    assert checks["cache"]["status"] == "failed" and "Connection" in checks["cache"]["reason"]
    assert checks["broker"]["status"] == "failed"
    assert str(server.port) not in json.dumps(checks)  # a public probe names no address

    # Redis is back: the probe says so, and a real worker and beat send every email.
    server.start()
    wait_until(lambda: readiness(browser)[0] == 200, "/readyz to report ready")
    sink.start()
    processes.start_worker()
    processes.start_beat()
    received = sink.wait_for(len(emails), timeout=3 * WAIT)
    wait_until(
        lambda: not OutboxEmail.objects.exclude(status=OutboxEmail.Status.SENT).exists(),
        "every outbox row to be marked sent",
    )
    assert sorted(r.subject for r in received) == sorted(e.subject for e in emails)
    assert all(ticket.reference in r.subject for r in received)
    # And the webhook gets each event once, signed.
    posted = wait_until(lambda: len(receiver.received()) >= 3 and receiver.received(), "webhooks")
    events = sorted(json.loads(r.body)["event"] for r in posted)
    assert events == ["ticket.created", "ticket.replied", "ticket.replied"]
    assert len({r.headers["X-Helpdesk-Delivery"] for r in posted}) == 3
    assert all(verify(hook.secret, r.headers, r.body) for r in posted)
    wait_until(
        lambda: (
            not WebhookDelivery.objects.exclude(status=WebhookDelivery.Status.DELIVERED).exists()
        ),
        "every delivery to be marked delivered",
    )
    assert len(receiver.received()) == 3
