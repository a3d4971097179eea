"""The queue tabs' counts come from rows the database keeps as tickets change."""

import random

import pytest
from django.db.models import Count, Sum

from tickets.models import OPEN_STATUSES, TRIGGER_OPEN_STATUSES, OpenTicketCount, Status, Ticket
from tickets.open_counts import open_counts_compact
from tickets.selectors import queue_counts

from ..factories import EngineerFactory
from .conftest import open_ticket

pytestmark = pytest.mark.django_db


def kept(tenant) -> dict:
    """What the count rows say: open tickets per (assignee, level)."""
    rows = (
        OpenTicketCount.objects.for_tenant(tenant)
        .values_list("assignee_id", "escalation_level_id")
        .annotate(total=Sum("tickets"))
    )
    return {(a, level): n for a, level, n in rows if n}


def counted(tenant) -> dict:
    """The same, counted from the tickets themselves."""
    rows = (
        Ticket.objects.for_tenant(tenant)
        .filter(status__in=OPEN_STATUSES)
        .values_list("assignee_id", "escalation_level_id")
        .annotate(total=Count("pk"))
    )
    return {(a, level): n for a, level, n in rows}


def test_the_trigger_knows_the_open_statuses():
    assert set(TRIGGER_OPEN_STATUSES) == {str(s) for s in OPEN_STATUSES}


def test_counts_follow_opening_assigning_resolving_reopening_and_deleting(acme, ticket_type):
    engineer = acme.engineer
    ticket = open_ticket(acme, ticket_type)
    open_ticket(acme, ticket_type)
    counts = queue_counts(tenant=acme.tenant, actor=engineer)
    assert counts == {"open": 2, "unassigned": 2, "mine": 0}

    ticket.assignee = engineer
    ticket.save()
    assert queue_counts(tenant=acme.tenant, actor=engineer) == {
        "open": 2,
        "unassigned": 1,
        "mine": 1,
    }
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.RESOLVED)
    assert queue_counts(tenant=acme.tenant, actor=engineer) == {
        "open": 1,
        "unassigned": 1,
        "mine": 0,
    }
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.IN_PROGRESS)
    assert queue_counts(tenant=acme.tenant, actor=engineer)["mine"] == 1
    Ticket.objects.filter(pk=ticket.pk).delete()
    assert queue_counts(tenant=acme.tenant, actor=engineer) == {
        "open": 1,
        "unassigned": 1,
        "mine": 0,
    }
    assert kept(acme.tenant) == counted(acme.tenant)


def test_counts_are_per_tenant(acme, globex, ticket_type):
    open_ticket(acme, ticket_type)
    assert queue_counts(tenant=globex.tenant, actor=globex.engineer)["open"] == 0
    assert queue_counts(tenant=acme.tenant, actor=acme.engineer)["open"] == 1


def test_a_deleted_assignee_moves_their_tickets_to_unassigned(acme, ticket_type):
    leaving = EngineerFactory(tenant=acme.tenant)
    Ticket.objects.filter(pk=open_ticket(acme, ticket_type).pk).update(assignee=leaving)
    leaving.delete()
    assert queue_counts(tenant=acme.tenant, actor=acme.engineer)["unassigned"] == 1
    assert kept(acme.tenant) == counted(acme.tenant)


def test_many_random_changes_then_compaction_keep_the_counts_exact(acme, ticket_type):
    rng = random.Random(7)
    people = [None, acme.engineer, acme.manager, EngineerFactory(tenant=acme.tenant)]
    statuses = [s.value for s in Status]
    tickets = [open_ticket(acme, ticket_type) for _ in range(12)]
    Ticket.objects.bulk_create(
        [
            Ticket(
                tenant=acme.tenant,
                number=9000 + n,
                organization=acme.org,
                requester=acme.customer,
                ticket_type=tickets[0].ticket_type,
                title=f"Bulk {n}",
                priority="P3",
                status=rng.choice(statuses),
                assignee=rng.choice(people),
                created_at=tickets[0].created_at,
                updated_at=tickets[0].created_at,
            )
            for n in range(20)
        ]
    )
    for _ in range(150):
        ticket = rng.choice(tickets)
        if rng.random() < 0.5:
            ticket.status = rng.choice(statuses)
        else:
            ticket.assignee = rng.choice(people)
        ticket.save()
    Ticket.objects.for_tenant(acme.tenant).filter(number__gte=9010).update(
        status=Status.CLOSED, assignee=None
    )
    assert kept(acme.tenant) == counted(acme.tenant)
    rows_before = OpenTicketCount.objects.for_tenant(acme.tenant).count()

    open_counts_compact()

    assert kept(acme.tenant) == counted(acme.tenant)
    # One row per (assignee, level) that holds open tickets.
    assert OpenTicketCount.objects.for_tenant(acme.tenant).count() == len(counted(acme.tenant))
    assert OpenTicketCount.objects.for_tenant(acme.tenant).count() < rows_before
    engineer_open = counted(acme.tenant).get((acme.engineer.pk, None), 0)
    assert queue_counts(tenant=acme.tenant, actor=acme.engineer)["mine"] == engineer_open
