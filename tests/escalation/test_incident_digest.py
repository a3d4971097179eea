"""Tickets linked to an open incident reach a level's people as one digest per incident and
level; unlinked tickets keep their own emails."""

import pytest

from escalation.models import Audience, EscalationEvent, IncidentEscalationNotice
from escalation.services import escalations_run_due
from helpdesk.models import OutboxEmail
from tests.sla.factories import plan_with_matrix
from tests.tickets.conftest import open_ticket
from tests.tickets.factories import TicketTypeFactory
from tickets.models import EventKind, TicketEvent
from tickets.status.services import incident_create, ticket_incident_link

from .conftest import at, pacific
from .factories import level, rule

DIGEST = "linked tickets reached level 2"


@pytest.fixture
def team_lead(acme, plan):
    lead = level(acme.tenant, 2, "Team lead", audience=Audience.MANAGERS)
    rule(acme.tenant, priority="P2", level=lead)
    return lead


def declare(world, title):
    return incident_create(
        tenant=world.tenant,
        actor=world.engineer,
        title=title,
        body="Calls placed since 09:00 do not show in reports.",
        owner=world.engineer,
    )


def linked_tickets(world, incident, count, type_, prefix="Calls missing"):
    tickets = []
    for index in range(count):
        ticket = open_ticket(world, type_, title=f"{prefix} {index}")
        ticket_incident_link(ticket=ticket, incident=incident, actor=world.engineer)
        tickets.append(ticket)
    return tickets


def digests_to(address, title="Calls are not tracked"):
    return list(
        OutboxEmail.objects.filter(to=[address], subject__contains=f"Incident “{title}”").order_by(
            "pk"
        )
    )


def test_fifty_linked_tickets_crossing_a_level_send_one_digest_per_recipient(
    acme, team_lead, ticket_type
):
    with at(pacific(2026, 11, 24, 10, 0)):  # Tuesday, P2: 2 business hours to respond
        incident = declare(acme, "Calls are not tracked")
        tickets = linked_tickets(acme, incident, 50, ticket_type)

    with at(pacific(2026, 11, 24, 12, 1)) as now:
        assert escalations_run_due(now=now) == 50

    for person in (acme.manager, acme.tenant_admin):
        [digest] = digests_to(person.email)
        assert "50 linked tickets reached level 2 — Team lead" in digest.subject
        assert f"http://acme.localhost/incidents/{incident.pk}/" in digest.body_text
        for ticket in tickets:
            assert f"http://acme.localhost/tickets/{ticket.reference}/" in digest.body_text
        assert "First response due Tue 24 Nov 2026, 12:00 PST (breached)" in digest.body_text
    # No per-ticket escalation emails for the linked tickets.
    assert not OutboxEmail.objects.filter(subject__contains="escalated to Team lead").exists()
    # Each ticket still has its own escalation and timeline entry.
    assert EscalationEvent.objects.filter(ticket__in=tickets).count() == 50
    assert TicketEvent.objects.filter(ticket__in=tickets, kind=EventKind.ESCALATED).count() == 50
    notice = IncidentEscalationNotice.objects.get(incident=incident, level=team_lead)
    assert notice.ticket_count == 50


def test_more_linked_tickets_reaching_the_same_level_later_send_nothing_more(
    acme, team_lead, ticket_type
):
    with at(pacific(2026, 11, 24, 10, 0)):
        incident = declare(acme, "Calls are not tracked")
        linked_tickets(acme, incident, 3, ticket_type)
    with at(pacific(2026, 11, 24, 12, 1)) as now:
        escalations_run_due(now=now)
    with at(pacific(2026, 11, 24, 11, 0)):
        later = linked_tickets(acme, incident, 4, ticket_type, prefix="Calls still missing")

    with at(pacific(2026, 11, 24, 13, 1)) as now:
        assert escalations_run_due(now=now) == 4

    assert len(digests_to(acme.manager.email)) == 1
    for ticket in later:
        assert not OutboxEmail.objects.filter(
            subject__contains=f"escalated to Team lead: {ticket.reference}"
        ).exists()
        ticket.refresh_from_db()
        assert ticket.escalation_level == team_lead
    notice = IncidentEscalationNotice.objects.get(incident=incident, level=team_lead)
    assert notice.ticket_count == 7


def test_an_unlinked_ticket_still_gets_its_own_email(acme, team_lead, make_ticket, ticket_type):
    with at(pacific(2026, 11, 24, 10, 0)):
        incident = declare(acme, "Calls are not tracked")
        linked_tickets(acme, incident, 2, ticket_type)
        alone = make_ticket(title="Invoice question")

    with at(pacific(2026, 11, 24, 12, 1)) as now:
        assert escalations_run_due(now=now) == 3

    [own] = OutboxEmail.objects.filter(to=[acme.manager.email], subject__contains=alone.reference)
    assert "SLA breached, escalated to Team lead" in own.subject
    [digest] = digests_to(acme.manager.email)
    assert "2 linked tickets reached level 2" in digest.subject
    assert alone.reference not in digest.body_text


def test_two_incidents_send_two_digests(acme, team_lead, ticket_type):
    with at(pacific(2026, 11, 24, 10, 0)):
        calls = declare(acme, "Calls are not tracked")
        reports = declare(acme, "Reports load slowly")
        calls_tickets = linked_tickets(acme, calls, 2, ticket_type)
        report_tickets = linked_tickets(acme, reports, 3, ticket_type, prefix="Slow report")

    with at(pacific(2026, 11, 24, 12, 1)) as now:
        escalations_run_due(now=now)

    [first] = digests_to(acme.manager.email, "Calls are not tracked")
    [second] = digests_to(acme.manager.email, "Reports load slowly")
    assert "2 linked tickets" in first.subject
    assert "3 linked tickets" in second.subject
    assert all(t.reference in first.body_text for t in calls_tickets)
    assert not any(t.reference in first.body_text for t in report_tickets)
    assert all(t.reference in second.body_text for t in report_tickets)


def test_another_tenants_incident_is_never_mixed_in(acme, globex, team_lead, ticket_type):
    globex_plan = plan_with_matrix(
        tenant=globex.tenant, cells={("P2", "first_response"): "2 business hours"}
    )
    globex.org.plan = globex_plan
    globex.org.save(update_fields=["plan"])
    globex_lead = level(globex.tenant, 2, "Team lead", audience=Audience.MANAGERS)
    rule(globex.tenant, priority="P2", level=globex_lead)
    globex_type = TicketTypeFactory(tenant=globex.tenant, name="Networking", slug="networking")
    with at(pacific(2026, 11, 24, 10, 0)):
        ours = declare(acme, "Calls are not tracked")
        theirs = declare(globex, "Calls are not tracked")
        acme_tickets = linked_tickets(acme, ours, 2, ticket_type)
        globex_tickets = linked_tickets(globex, theirs, 3, globex_type)

    with at(pacific(2026, 11, 24, 12, 1)) as now:
        escalations_run_due(now=now)

    [acme_digest] = digests_to(acme.manager.email)
    [globex_digest] = digests_to(globex.manager.email)
    assert "2 linked tickets" in acme_digest.subject
    assert "3 linked tickets" in globex_digest.subject
    assert f"/incidents/{ours.pk}/" in acme_digest.body_text
    assert f"/incidents/{theirs.pk}/" in globex_digest.body_text
    assert not any(t.reference in acme_digest.body_text for t in globex_tickets)
    assert not any(t.reference in globex_digest.body_text for t in acme_tickets)
    assert acme_digest.tenant_id == acme.tenant.pk
    assert globex_digest.tenant_id == globex.tenant.pk
