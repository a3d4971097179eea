"""A visitor subscribes on the status page, confirms from the email, gets an incident's
update, and unsubscribes through the email's link."""

import re

import pytest
from playwright.sync_api import Page, expect

from helpdesk.models import OutboxEmail
from tests.tickets.factories import ComponentFactory
from tickets.models import ComponentStatus, IncidentStatus
from tickets.status.services import incident_create, incident_update_post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADDRESS = "visitor@example.com"


def _link(email: OutboxEmail, part: str) -> str:
    return re.search(rf"https?://\S+/status/{part}/\S+/", email.body_text).group(0)


def _emails():
    return list(OutboxEmail.objects.filter(to=[ADDRESS]).order_by("pk"))


def test_visitor_subscribes_confirms_is_told_and_unsubscribes(page: Page, portal, acme):
    calls = ComponentFactory(tenant=acme.tenant, name="Call tracking")
    ComponentFactory(tenant=acme.tenant, name="Billing")
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    url = portal("acme")

    page.goto(url + "/status/")
    expect(page.get_by_text("All systems operational")).to_be_visible()
    page.get_by_role("link", name="Subscribe to updates").first.click()
    page.get_by_label("Email address").fill(ADDRESS)
    page.get_by_label("Only the components I choose").check()
    page.get_by_label("Call tracking").check()
    page.get_by_role("button", name="Subscribe").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()

    [confirmation] = _emails()
    page.goto(_link(confirmation, "subscribe/confirm"))
    expect(page.get_by_role("heading", name="Subscription confirmed")).to_be_visible()

    incident = incident_create(
        tenant=acme.tenant,
        actor=acme.manager,
        title="Calls are not tracked",
        body="Looking into it.",
        affected={calls: ComponentStatus.MAJOR_OUTAGE},
    )
    incident_update_post(
        incident=incident,
        actor=acme.manager,
        status=IncidentStatus.IDENTIFIED,
        body="A full disk on the collector.",
    )
    emails = _emails()
    subjects = [email.subject for email in emails[1:]]
    assert subjects == [
        "[Acme status] Investigating: Calls are not tracked",
        "[Acme status] Identified: Calls are not tracked",
    ]

    page.goto(url + "/status/")
    expect(page.get_by_text("Major system outage")).to_be_visible()
    expect(page.get_by_text("A full disk on the collector.")).to_be_visible()

    page.goto(_link(emails[-1], "unsubscribe"))
    expect(page.get_by_role("heading", name="You are unsubscribed")).to_be_visible()
    incident_update_post(
        incident=incident, actor=acme.manager, status=IncidentStatus.RESOLVED, body="Fixed."
    )
    assert len(_emails()) == 3
    page.get_by_role("button", name="Subscribe again").click()
    expect(page.get_by_role("heading", name="You are subscribed again")).to_be_visible()
    assert problems == []
