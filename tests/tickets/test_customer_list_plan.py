"""On PostgreSQL a customer's “My tickets” reads a range of one index, newest first, however
many tickets their organization has; its count reads the customer's index entries only."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import CustomerFactory
from tickets.models import Status, Ticket
from tickets.selectors.lists import customer_list

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _tickets(world, ticket_type, requester, count, start):
    now = timezone.now()
    return [
        Ticket(
            tenant=world.tenant,
            number=start + n,
            organization=world.org,
            requester=requester,
            ticket_type=ticket_type,
            title=f"Ticket {start + n}",
            status=Status.CLOSED if n % 3 else Status.NEW,
            created_at=now - timedelta(minutes=n),
            updated_at=now - timedelta(minutes=n),
        )
        for n in range(count)
    ]


def _plan(sql) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def test_my_tickets_and_their_count_read_the_customer_s_index_range(
    require_postgres, acme, ticket_type
):
    colleagues = [CustomerFactory(tenant=acme.tenant, organization=acme.org) for _ in range(8)]
    rows = _tickets(acme, ticket_type, acme.org_admin, 400, 1)
    for i, colleague in enumerate(colleagues):
        rows += _tickets(acme, ticket_type, colleague, 500, 1000 * (i + 1))
    Ticket.objects.bulk_create(rows, batch_size=1000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tickets_ticket")

    tickets = customer_list(tenant=acme.tenant, actor=acme.org_admin)
    with CaptureQueriesContext(connection) as queries:
        assert [t.requester_id for t in tickets[:25]] == [acme.org_admin.pk] * 25
        assert tickets.count() == 400

    page_plan, count_plan = (_plan(query["sql"]) for query in queries.captured_queries)
    assert "Index Scan using ticket_requester_org" in page_plan, page_plan
    # Either plan reads the customer's entries only, never the organization's tickets.
    # (the planner may read them through an index or a bitmap of one).
    for plan in (page_plan, count_plan):
        assert "Seq Scan" not in plan and "BitmapAnd" not in plan, plan
        conditions = [line for line in plan.splitlines() if " Cond: " in line]
        assert any("requester_id = " in line for line in conditions), plan
        assert not any(
            "organization_id = " in line and "requester_id = " not in line for line in conditions
        ), plan
