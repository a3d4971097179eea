"""Subscribing to the status page: double opt-in, unsubscribe links, choices, rate limit."""

import re
from datetime import timedelta

import pytest
from django.test import Client

from helpdesk.models import OutboxEmail
from tickets.models import ComponentStatus, IncidentStatus, StatusSubscriber
from tickets.status.notifications import incident_update_notify, incident_updates_redrive
from tickets.status.services import incident_create, incident_update_post

from ..factories import ComponentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def components(acme):
    return {
        "calls": ComponentFactory(tenant=acme.tenant, name="Call tracking"),
        "billing": ComponentFactory(tenant=acme.tenant, name="Billing"),
        "internal": ComponentFactory(tenant=acme.tenant, name="Internal ETL", is_public=False),
    }


def _subscribe(world, email, **data):
    client = Client(HTTP_HOST=world.host)
    return client.post("/status/subscribe/", {"email": email, **data})


def _emails_to(address):
    return list(OutboxEmail.objects.filter(to=[address]).order_by("pk"))


def _link(email, name):
    return re.search(rf"https?://[^\s]+/status/{name}/[^\s/]+/", email.body_text).group(0)


def _path(url):
    return "/" + url.split("/", 3)[3]


def _declare(world, component, title="Calls are not tracked"):
    incident = incident_create(
        tenant=world.tenant,
        actor=world.manager,
        title=title,
        body="Looking into it.",
        affected={component: ComponentStatus.MAJOR_OUTAGE},
        notify=False,
    )
    return incident_update_post(
        incident=incident, actor=world.manager, status=IncidentStatus.IDENTIFIED, body="Found it."
    )


def test_double_opt_in(acme, components):
    response = _subscribe(acme, "Ana@Example.com")
    assert response.status_code == 302
    (confirmation,) = _emails_to("ana@example.com")
    assert "Confirm your subscription" in confirmation.subject
    update = _declare(acme, components["calls"])
    assert incident_update_notify(update_id=update.pk) == 0  # not confirmed yet
    client = Client(HTTP_HOST=acme.host)
    page = client.get(_path(_link(confirmation, "subscribe/confirm")))
    assert "Subscription confirmed" in page.content.decode()
    update = _declare(acme, components["calls"], title="Second")
    assert incident_update_notify(update_id=update.pk) == 1
    email = _emails_to("ana@example.com")[-1]
    assert email.subject == "[Acme status] Identified: Second"
    assert email.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_subscribing_again_resends_and_reveals_nothing(acme, components):
    first = _subscribe(acme, "ana@example.com")
    token = StatusSubscriber.objects.get(email="ana@example.com").token
    Client(HTTP_HOST=acme.host).get(f"/status/subscribe/confirm/{token}/")
    again = _subscribe(acme, "ana@example.com", scope="some", components=[components["billing"].pk])
    fresh = _subscribe(acme, "bob@example.com")
    assert first.status_code == again.status_code == fresh.status_code == 302
    assert first["Location"] == again["Location"] == fresh["Location"]
    assert len(_emails_to("ana@example.com")) == 2
    subscriber = StatusSubscriber.objects.get(email="ana@example.com")
    # Someone who only typed the address does not change an active subscriber's choice.
    assert subscriber.all_components and subscriber.is_active


def test_rate_limited(acme, components):
    answers = [_subscribe(acme, "ana@example.com").status_code for _ in range(7)]
    assert answers[:5] == [302] * 5
    assert answers[5:] == [429, 429]
    assert len(_emails_to("ana@example.com")) == 5
    assert "Too many" in _subscribe(acme, "ana@example.com").content.decode()


def test_bad_address_keeps_what_was_typed(acme, components):
    response = _subscribe(acme, "not-an-address")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter a valid email address." in html and 'value="not-an-address"' in html


def test_private_components_cannot_be_chosen_by_visitors(acme, components):
    page = Client(HTTP_HOST=acme.host).get("/status/subscribe/").content.decode()
    assert "Internal ETL" not in page
    response = _subscribe(
        acme, "ana@example.com", scope="some", components=[components["internal"].pk]
    )
    assert response.status_code == 400
    assert not StatusSubscriber.objects.filter(email="ana@example.com").exists()


def test_per_component_choice(acme, components):
    _subscribe(acme, "ana@example.com", scope="some", components=[components["billing"].pk])
    subscriber = StatusSubscriber.objects.get(email="ana@example.com")
    Client(HTTP_HOST=acme.host).get(f"/status/subscribe/confirm/{subscriber.token}/")
    calls = _declare(acme, components["calls"])
    assert incident_update_notify(update_id=calls.pk) == 0
    billing = _declare(acme, components["billing"], title="Invoices late")
    assert incident_update_notify(update_id=billing.pk) == 1


def test_unsubscribe_link_and_resubscribe(acme, components):
    _subscribe(acme, "ana@example.com")
    subscriber = StatusSubscriber.objects.get(email="ana@example.com")
    client = Client(HTTP_HOST=acme.host, enforce_csrf_checks=True)
    client.get(f"/status/subscribe/confirm/{subscriber.token}/")
    update = _declare(acme, components["calls"])
    incident_update_notify(update_id=update.pk)
    email = _emails_to("ana@example.com")[-1]
    page = client.get(_path(_link(email, "unsubscribe")))
    assert "You are unsubscribed" in page.content.decode()
    subscriber.refresh_from_db()
    assert not subscriber.is_active
    second = _declare(acme, components["calls"], title="Again")
    assert incident_update_notify(update_id=second.pk) == 0
    csrf = client.cookies["csrftoken"].value
    again = client.post(f"/status/resubscribe/{subscriber.token}/", HTTP_X_CSRFTOKEN=csrf)
    assert "You are subscribed again" in again.content.decode()
    third = _declare(acme, components["calls"], title="Third")
    assert incident_update_notify(update_id=third.pk) == 1


def test_one_click_post_needs_no_csrf_token(acme, components):
    _subscribe(acme, "ana@example.com")
    subscriber = StatusSubscriber.objects.get(email="ana@example.com")
    client = Client(HTTP_HOST=acme.host, enforce_csrf_checks=True)
    client.get(f"/status/subscribe/confirm/{subscriber.token}/")
    response = client.post(
        f"/status/unsubscribe/{subscriber.token}/", {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is not None
    assert client.post("/status/unsubscribe/not-a-token/").status_code == 404
    # Other status forms keep their CSRF check.
    assert client.post(f"/status/resubscribe/{subscriber.token}/").status_code == 403


def test_token_of_another_tenant_does_nothing(acme, globex, components):
    _subscribe(acme, "ana@example.com")
    subscriber = StatusSubscriber.objects.get(email="ana@example.com")
    other = Client(HTTP_HOST=globex.host)
    assert other.get(f"/status/subscribe/confirm/{subscriber.token}/").status_code == 404
    assert other.get(f"/status/unsubscribe/{subscriber.token}/").status_code == 404
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is None and subscriber.unsubscribed_at is None


def test_signed_in_customer_subscribes_at_once(acme, components):
    client = Client(HTTP_HOST=acme.host)
    assert client.get("/status/subscription/").status_code == 302  # sign in first
    client.force_login(acme.customer)
    page = client.get("/status/subscription/").content.decode()
    assert "Internal ETL" not in page and "Billing" in page
    response = client.post(
        "/status/subscription/", {"scope": "some", "components": [components["calls"].pk]}
    )
    assert response.status_code == 302
    subscriber = StatusSubscriber.objects.get(email=acme.customer.email)
    assert subscriber.is_active and subscriber.user == acme.customer
    assert _emails_to(acme.customer.email) == []  # no confirmation needed
    assert "Your subscription is saved." in client.get(response["Location"]).content.decode()
    update = _declare(acme, components["calls"])
    assert incident_update_notify(update_id=update.pk) == 1
    client.post("/status/subscription/", {"action": "unsubscribe"})
    subscriber.refresh_from_db()
    assert not subscriber.is_active


def test_private_incidents_reach_staff_subscribers_only(acme, components):
    for user in (acme.customer, acme.engineer):
        client = Client(HTTP_HOST=acme.host)
        client.force_login(user)
        client.post("/status/subscription/", {"scope": "all"})
    update = _declare(acme, components["internal"], title="ETL backlog")
    assert incident_update_notify(update_id=update.pk) == 1
    assert _emails_to(acme.engineer.email) and not _emails_to(acme.customer.email)


def test_redrive_tells_updates_whose_task_was_lost(acme, components):
    client = Client(HTTP_HOST=acme.host)
    client.force_login(acme.customer)
    client.post("/status/subscription/", {"scope": "all"})
    update = _declare(acme, components["calls"])  # its task never ran (no commit here)
    soon = update.created_at + timedelta(seconds=30)
    assert incident_updates_redrive(now=soon) == 0
    later = update.created_at + timedelta(minutes=2)
    assert incident_updates_redrive(now=later) == 1
    assert incident_updates_redrive(now=later) == 0
    assert len(_emails_to(acme.customer.email)) == 1
