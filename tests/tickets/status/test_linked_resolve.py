"""Replying to the tickets linked to an incident once it is over: each ticket once, with the
placeholders filled, resolved when asked, and its customer emailed."""

import threading

import pytest
from django.db import connection

from helpdesk.models import OutboxEmail
from tickets.models import Message, Status, TicketIncident
from tickets.services import ticket_transition
from tickets.status.linked import incident_tickets_reply
from tickets.status.services import incident_create, incident_update_post, ticket_incident_link

REPLY = "Fixed: {incident} no longer affects {ticket}."


def _resolved_incident(world, tickets):
    incident = incident_create(
        tenant=world.tenant,
        actor=world.manager,
        title="Calls are not tracked",
        body="We are looking into it.",
        owner=world.engineer,
        resolution_reply=REPLY,
    )
    for ticket in tickets:
        ticket_incident_link(ticket=ticket, incident=incident, actor=world.engineer)
    incident_update_post(incident=incident, actor=world.manager, status="resolved", body="Done.")
    return incident


def _public_replies(ticket):
    return list(
        Message.objects.filter(ticket=ticket, is_internal=False, author__role__isnull=False)
        .exclude(author=ticket.requester)
        .values_list("body", flat=True)
    )


@pytest.mark.django_db
def test_every_linked_ticket_gets_the_reply_once(acme, make_ticket):
    tickets = [make_ticket(title="One"), make_ticket(title="Two")]
    incident = _resolved_incident(acme, tickets)

    assert (
        incident_tickets_reply(incident_id=incident.pk, actor_id=acme.manager.pk, resolve=False)
        == 2
    )
    assert (
        incident_tickets_reply(incident_id=incident.pk, actor_id=acme.manager.pk, resolve=False)
        == 0
    )

    for ticket in tickets:
        ticket.refresh_from_db()
        assert _public_replies(ticket) == [
            f"Fixed: Calls are not tracked no longer affects {ticket.reference}."
        ]
        assert ticket.status == Status.IN_PROGRESS
    assert not TicketIncident.objects.filter(incident=incident, replied_at__isnull=True).exists()


@pytest.mark.django_db
def test_resolve_moves_open_tickets_to_resolved_and_emails_the_customer(
    acme, make_ticket, django_capture_on_commit_callbacks
):
    tickets = [make_ticket(title="One"), make_ticket(title="Two")]
    incident = _resolved_incident(acme, tickets)
    OutboxEmail.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        replied = incident_tickets_reply(
            incident_id=incident.pk, actor_id=acme.manager.pk, resolve=True
        )

    assert replied == 2
    for ticket in tickets:
        ticket.refresh_from_db()
        assert ticket.status == Status.RESOLVED
        emails = OutboxEmail.objects.filter(thread=f"ticket:{ticket.pk}", to=[acme.customer.email])
        assert emails.count() == 1
        assert f"no longer affects {ticket.reference}" in emails.get().body_text


@pytest.mark.django_db
def test_closed_tickets_are_skipped_and_the_rest_answered(acme, make_ticket):
    open_one, closed_one = make_ticket(title="Open"), make_ticket(title="Closed")
    incident = _resolved_incident(acme, [open_one, closed_one])
    ticket_transition(ticket=closed_one, actor=acme.engineer, to_status=Status.CLOSED)

    replied = incident_tickets_reply(
        incident_id=incident.pk, actor_id=acme.manager.pk, resolve=True
    )

    assert replied == 1
    assert len(_public_replies(open_one)) == 1
    assert _public_replies(closed_one) == []
    closed_one.refresh_from_db()
    assert closed_one.status == Status.CLOSED


@pytest.mark.django_db
def test_the_page_queues_the_reply_and_shows_who_got_it(
    acme, make_ticket, login, django_capture_on_commit_callbacks
):
    tickets = [make_ticket(title="One"), make_ticket(title="Two")]
    incident = _resolved_incident(acme, tickets)
    client = login(acme.manager)
    page = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert "no longer affects {ticket}" in page  # prefilled from the incident

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/incidents/{incident.pk}/reply/",
            {"reply": "All fine again for {ticket}.", "resolve": "on"},
        )

    page = client.get(response["Location"]).content.decode()
    assert "The reply is on its way to 2 linked tickets." in page
    assert page.count("Replied ") == 2
    for ticket in tickets:
        ticket.refresh_from_db()
        assert ticket.status == Status.RESOLVED
        assert _public_replies(ticket) == [f"All fine again for {ticket.reference}."]


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_reply_once_per_ticket(acme, make_ticket, require_postgres):
    tickets = [make_ticket(title=f"Ticket {n}") for n in range(4)]
    incident = _resolved_incident(acme, tickets)
    results, errors = [], []
    start = threading.Barrier(2)

    def worker():
        try:
            start.wait()
            results.append(
                incident_tickets_reply(
                    incident_id=incident.pk, actor_id=acme.manager.pk, resolve=True
                )
            )
        except Exception as error:  # noqa: BLE001 — reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sum(results) == 4
    for ticket in tickets:
        assert len(_public_replies(ticket)) == 1
