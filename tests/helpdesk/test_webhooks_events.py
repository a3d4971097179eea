# ruff: noqa: F811 - the fixtures imported from other conftest modules are used by name
"""Each source of webhook events announces its change, once: tickets opened, replied to and
moved, SLA targets at risk and breached, escalations (by rule and by hand), incidents."""

from __future__ import annotations

import pytest

from escalation.models import Audience
from escalation.services import escalations_run_due, ticket_escalate
from helpdesk.models import Webhook, WebhookDelivery
from tests.escalation.conftest import at, pacific, plan  # noqa: F401
from tests.escalation.factories import level, rule
from tests.tickets.conftest import _media, make_ticket, ticket_type  # noqa: F401
from tickets.services import ticket_reply, ticket_transition
from tickets.status.services import incident_create, incident_edit, incident_update_post
from tickets.tasks import announce_sla_at_risk, record_sla_breaches
from tickets.webhook_events import sla_at_risk_announce

pytestmark = pytest.mark.django_db

BASE = "http://acme.localhost/"


def subscribe(tenant, *events, name="Ops bridge", **fields) -> Webhook:
    return Webhook.objects.create(
        tenant=tenant, name=name, url="https://hooks.example.com/in", events=list(events), **fields
    )


def announced(event: str) -> list[dict]:
    rows = WebhookDelivery.objects.filter(event=event).order_by("pk")
    return [row.payload["data"] for row in rows]


def test_a_public_reply_is_announced_and_an_internal_note_is_not(acme, make_ticket):
    subscribe(acme.tenant, "ticket.replied")
    ticket = make_ticket()

    ticket_reply(ticket=ticket, actor=acme.engineer, body="Restart the tunnel", base_url=BASE)
    ticket_reply(
        ticket=ticket, actor=acme.engineer, body="Looks like the ISP", internal=True, base_url=BASE
    )

    [reply] = announced("ticket.replied")
    assert reply["ticket"]["reference"] == ticket.reference
    assert reply["message"]["body"] == "Restart the tunnel"
    assert reply["message"]["author"] == acme.engineer.email
    assert reply["message"]["by_staff"] is True


def test_a_status_change_is_announced_with_from_and_to(acme, make_ticket):
    subscribe(acme.tenant, "ticket.status_changed")
    ticket = make_ticket()

    ticket_transition(ticket=ticket, actor=acme.engineer, to_status="in_progress", base_url=BASE)
    ticket_transition(ticket=ticket, actor=acme.engineer, to_status="in_progress", base_url=BASE)

    [change] = announced("ticket.status_changed")
    assert (change["from"], change["to"]) == ("new", "in_progress")
    assert change["ticket"]["status"] == "in_progress"
    assert change["actor"] == acme.engineer.email


def test_a_breach_is_announced_once_per_target(acme, plan, make_ticket):
    subscribe(acme.tenant, "sla.breached")
    with at(pacific(2026, 11, 24, 10, 0)):  # P1: first response within the hour
        ticket = make_ticket(priority="P1")

    with at(pacific(2026, 11, 24, 11, 1)):
        assert record_sla_breaches() == 1
    with at(pacific(2026, 11, 24, 11, 2)):
        record_sla_breaches()

    [breach] = announced("sla.breached")
    assert breach["metric"] == "first_response"
    assert breach["ticket"]["reference"] == ticket.reference
    assert breach["due_at"] == "2026-11-24T19:00:00+00:00"
    assert breach["breached_at"] == "2026-11-24T19:00:00+00:00"


def test_a_target_at_risk_is_announced_once_even_after_beat_stood_still(acme, plan, make_ticket):
    with at(pacific(2026, 11, 24, 10, 0)):
        subscribe(acme.tenant, "sla.at_risk")
        ticket = make_ticket(priority="P1")  # first response at risk 10:45, resolution 13:00

    with at(pacific(2026, 11, 24, 10, 40)):
        assert announce_sla_at_risk() == 0
    with at(pacific(2026, 11, 24, 10, 46)):
        assert announce_sla_at_risk() == 1
    with at(pacific(2026, 11, 24, 10, 47)):
        assert announce_sla_at_risk() == 0
    # No scan from 10:47 until 13:30: the resolution's risk (13:00) is not lost.
    with at(pacific(2026, 11, 24, 13, 30)):
        assert announce_sla_at_risk() == 1

    first, resolution = announced("sla.at_risk")
    assert (first["metric"], first["risk_at"]) == ("first_response", "2026-11-24T18:45:00+00:00")
    assert (resolution["metric"], resolution["risk_at"]) == (
        "resolution",
        "2026-11-24T21:00:00+00:00",
    )
    assert first["ticket"]["reference"] == ticket.reference


def test_a_webhook_added_later_is_not_told_about_risks_before_it(acme, plan, make_ticket):
    with at(pacific(2026, 11, 24, 10, 0)):
        make_ticket(priority="P1")
    with at(pacific(2026, 11, 24, 10, 50)):
        subscribe(acme.tenant, "sla.at_risk")
    with at(pacific(2026, 11, 24, 10, 51)):
        assert sla_at_risk_announce() == 0
    with at(pacific(2026, 11, 24, 13, 1)):
        assert sla_at_risk_announce() == 1  # the resolution's risk came after it
    [risk] = announced("sla.at_risk")
    assert risk["metric"] == "resolution"


def test_an_escalation_by_rule_is_announced_once(acme, plan, make_ticket):
    subscribe(acme.tenant, "ticket.escalated")
    l3 = level(acme.tenant, 3, "L3 Support manager", audience=Audience.MANAGERS)
    rule(acme.tenant, priority="P1", level=l3)
    with at(pacific(2026, 11, 24, 10, 0)):
        ticket = make_ticket(priority="P1")

    for minute in (1, 2):
        with at(pacific(2026, 11, 24, 11, minute)) as now:
            escalations_run_due(now=now)

    [escalation] = announced("ticket.escalated")
    assert (escalation["level"], escalation["by"]) == ("L3 Support manager", "rule")
    assert escalation["ticket"]["reference"] == ticket.reference
    assert "First response target breached" in escalation["reason"]


def test_an_escalation_by_hand_is_announced_with_its_reason(acme, make_ticket):
    subscribe(acme.tenant, "ticket.escalated")
    level(acme.tenant, 1, "L1 Engineer", audience=Audience.ENGINEERS, tier="L1")
    level(acme.tenant, 2, "L2 Senior engineer", users=[acme.engineer])
    ticket = make_ticket()

    ticket_escalate(
        ticket=ticket, actor=acme.engineer, reason="Needs a database specialist", base_url=BASE
    )

    [escalation] = announced("ticket.escalated")
    assert escalation == {
        "ticket": escalation["ticket"],
        "level": "L2 Senior engineer",
        "reason": "Needs a database specialist",
        "by": "person",
    }
    assert escalation["ticket"]["reference"] == ticket.reference


def test_incidents_are_announced_when_declared_updated_and_corrected(acme):
    subscribe(acme.tenant, "incident.updated")

    incident = incident_create(
        tenant=acme.tenant, actor=acme.manager, title="VPN outage", body="Looking into it."
    )
    incident_update_post(
        incident=incident, actor=acme.manager, status="identified", body="A bad route."
    )
    incident_edit(
        incident=incident,
        actor=acme.manager,
        title="VPN outage in Bogotá",
        impact=incident.impact,
        owner=None,
        resolution_reply="",
    )

    declared, updated, corrected = announced("incident.updated")
    assert declared["incident"]["title"] == "VPN outage"
    assert declared["update"]["body"] == "Looking into it."
    assert (updated["incident"]["status"], updated["update"]["body"]) == (
        "identified",
        "A bad route.",
    )
    assert corrected["incident"]["title"] == "VPN outage in Bogotá"
    assert corrected["update"] is None


def test_nothing_is_written_for_events_nobody_subscribes_to(acme, make_ticket):
    subscribe(acme.tenant, "incident.updated")
    ticket = make_ticket()
    ticket_reply(ticket=ticket, actor=acme.engineer, body="On it", base_url=BASE)
    assert not WebhookDelivery.objects.exists()


def test_a_breach_found_by_a_reply_before_the_sweep_is_announced_once(acme, plan, make_ticket):
    subscribe(acme.tenant, "sla.breached")
    with at(pacific(2026, 11, 24, 10, 0)):  # P1: first response within the hour
        ticket = make_ticket(priority="P1")
    # The engineer answers late, before the every-minute sweep ran.
    with at(pacific(2026, 11, 24, 11, 0, 30)):
        ticket_reply(ticket=ticket, actor=acme.engineer, body="Looking now", base_url=BASE)
    with at(pacific(2026, 11, 24, 11, 2)):
        record_sla_breaches()

    [breach] = announced("sla.breached")
    assert breach["metric"] == "first_response"
    assert breach["ticket"]["reference"] == ticket.reference
    assert breach["due_at"] == "2026-11-24T19:00:00+00:00"
