"""SLA reports read from the read replica when one is configured; the queues never do.

Django's test ``MIRROR`` only points the replica alias at the primary's test database: the
replica stays a connection of its own, which cannot see rows another connection has not
committed. These tests therefore commit their rows (``transaction=True``) and count the
queries each connection runs: a report read on the replica connection and still right
proves the reads really went there.
"""

import copy
import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from helpdesk.db_router import REPLICA, replica_reads
from helpdesk.priorities import Priority
from tickets.reports.periods import CUSTOM, Period
from tickets.reports.selectors import ReportFilters, RowFilters, outcome_rows, sla_report
from tickets.services import ticket_reply

from ..sla.factories import plan_with_matrix
from ..tickets.conftest import open_ticket
from ..tickets.factories import TicketTypeFactory
from ..tickets.test_sla_on_tickets import at

FEBRUARY = Period(CUSTOM, date(2026, 2, 1), date(2026, 2, 28))
READ_AT = datetime(2026, 3, 3, 20, 0, tzinfo=UTC)
FR = "first_response"
SHOW_DATABASES = (
    "import json, helpdesk.settings.base as s; "
    "print(json.dumps([s.DATABASES, getattr(s, 'DATABASE_ROUTERS', [])], default=str))"
)


def _settings_with(**variables):
    """DATABASES and DATABASE_ROUTERS as a web process reads them from its environment."""
    env = {name: value for name, value in os.environ.items() if name != "DATABASE_REPLICA_URL"}
    env.update(DEBUG="1", **variables)
    out = subprocess.run(
        [sys.executable, "-c", SHOW_DATABASES], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def test_a_replica_url_adds_the_replica_with_the_primarys_connection_settings():
    databases, routers = _settings_with(
        DATABASE_URL="postgres://app:secret@primary.internal:5432/helpdesk",
        DATABASE_REPLICA_URL="postgres://reader:secret@replica.internal:5432/helpdesk",
        DATABASE_STATEMENT_TIMEOUT_MS="25000",
        DATABASE_CONNECT_TIMEOUT="3",
        CONN_MAX_AGE="30",
    )
    primary, replica = databases["default"], databases[REPLICA]
    assert (replica["HOST"], replica["USER"]) == ("replica.internal", "reader")
    for name in ("ENGINE", "CONN_MAX_AGE", "CONN_HEALTH_CHECKS", "OPTIONS"):
        assert replica[name] == primary[name]
    assert replica["OPTIONS"] == {
        "connect_timeout": 3,
        "options": "-c statement_timeout=25000",
        "server_side_binding": True,
        "prepare_threshold": 2,
    }
    assert replica["TEST"] == {"MIRROR": "default"}
    assert routers == ["helpdesk.db_router.ReplicaRouter"]


def test_prepared_statements_can_be_turned_off_for_a_transaction_pooler():
    databases, _routers = _settings_with(
        DATABASE_URL="postgres://app:secret@pgbouncer.internal:6432/helpdesk",
        DATABASE_PREPARED_STATEMENTS="0",
    )
    options = databases["default"]["OPTIONS"]
    assert "server_side_binding" not in options
    assert "prepare_threshold" not in options


def test_without_a_replica_url_there_is_only_the_primary():
    databases, routers = _settings_with(
        DATABASE_URL="postgres://app:secret@primary.internal:5432/helpdesk"
    )
    assert list(databases) == ["default"]
    assert routers == []


def _tickets(world):
    """Two P2 tickets answered in February against a one-hour first response: one within
    the hour (met), one three hours late (breached)."""
    plan = plan_with_matrix(tenant=world.tenant, cells={("P2", FR): "1 hour (24/7)"}, name="Gold")
    world.org.plan = plan
    world.org.save(update_fields=["plan"])
    kind = TicketTypeFactory(tenant=world.tenant, name="Networking", slug="networking")
    numbers = []
    for day, answered_after in ((3, timedelta(minutes=30)), (4, timedelta(hours=3))):
        opened = datetime(2026, 2, day, 17, 0, tzinfo=UTC)
        with at(opened):
            ticket = open_ticket(world, kind, priority=Priority.P2)
        with at(opened + answered_after):
            ticket_reply(
                ticket=ticket,
                actor=world.engineer,
                body="Looking at it",
                base_url=f"http://{world.host}/",
            )
        numbers.append(ticket.number)
    return numbers


def _february(world):
    report = sla_report(
        tenant=world.tenant,
        filters=ReportFilters(period=FEBRUARY, group="organization"),
        now=READ_AT,
    )
    # As the report's pages and exports ask for the ticket-level rows.
    with replica_reads():
        rows = outcome_rows(tenant=world.tenant, filters=RowFilters(period=FEBRUARY))
    return report, list(rows.values_list("ticket__number", "state"))


@pytest.fixture(scope="class")
def replica(django_db_setup, django_db_blocker):
    """A ``replica`` alias as DATABASE_REPLICA_URL adds it (its test database mirrors the
    primary's), and the router."""
    databases = connections.settings
    settings_dict = copy.deepcopy(connections["default"].settings_dict)
    settings_dict["TEST"] = {**settings_dict.get("TEST", {}), "MIRROR": "default"}
    databases[REPLICA] = settings_dict
    routers = override_settings(DATABASE_ROUTERS=["helpdesk.db_router.ReplicaRouter"])
    routers.enable()
    yield
    routers.disable()
    with django_db_blocker.unblock():
        connections[REPLICA].close()
    del connections[REPLICA]
    del databases[REPLICA]


@pytest.mark.usefixtures("replica")
@pytest.mark.django_db(transaction=True, databases=["default", REPLICA])
class TestWithReplica:
    def test_report_numbers_are_read_on_the_replica(self, acme):
        numbers = _tickets(acme)
        with (
            CaptureQueriesContext(connections["default"]) as primary,
            CaptureQueriesContext(connections[REPLICA]) as replica,
        ):
            report, rows = _february(acme)

        assert len(replica.captured_queries) > 0
        assert primary.captured_queries == []
        first = report.totals[FR]
        assert (first.targets, first.met, first.breached) == (2, 1, 1)
        assert [
            (row.label, row.figures[FR].met, row.figures[FR].breached) for row in report.rows
        ] == [(acme.org.name, 1, 1)]
        assert rows == [(numbers[0], "met"), (numbers[1], "breached")]

    def test_the_report_page_and_its_download_read_the_replica(self, acme):
        numbers = _tickets(acme)
        manager = Client(HTTP_HOST=acme.host)
        manager.force_login(acme.manager)
        query = "period=custom&first=2026-02-01&last=2026-02-28"
        with (
            CaptureQueriesContext(connections["default"]) as primary,
            CaptureQueriesContext(connections[REPLICA]) as replica,
        ):
            page = manager.get(f"/reports/sla/?{query}&group=organization")
            download = manager.get(f"/reports/sla/tickets.csv?{query}")
            lines = b"".join(download.streaming_content).decode().strip().splitlines()

        assert page.status_code == 200
        assert acme.org.name in page.content.decode()
        assert download.status_code == 200
        assert len(lines) == 3  # the header and the two tickets
        prefix = acme.tenant.ticket_prefix
        assert all(any(f"{prefix}-{n}" in line for line in lines[1:]) for n in numbers)
        report_tables = ("tickets_slarollup", "tickets_slaoutcome")
        read_on_replica = " ".join(q["sql"] for q in replica.captured_queries)
        assert all(table in read_on_replica for table in report_tables)
        assert not any(
            table in q["sql"] for q in primary.captured_queries for table in report_tables
        )

    def test_the_queue_reads_the_primary(self, acme):
        numbers = _tickets(acme)
        engineer = Client(HTTP_HOST=acme.host)
        engineer.force_login(acme.engineer)
        with (
            CaptureQueriesContext(connections["default"]) as primary,
            CaptureQueriesContext(connections[REPLICA]) as replica,
        ):
            response = engineer.get("/queue/open/")

        assert response.status_code == 200
        page = response.content.decode()
        assert all(f"{acme.tenant.ticket_prefix}-{number}" in page for number in numbers)
        assert len(primary.captured_queries) > 0
        assert replica.captured_queries == []

    def test_another_help_desk_reads_none_of_these_tickets(self, acme, globex):
        _tickets(acme)
        with CaptureQueriesContext(connections[REPLICA]) as replica:
            report, rows = _february(globex)

        assert len(replica.captured_queries) > 0
        assert report.totals[FR].targets == 0
        assert report.rows == []
        assert rows == []


@pytest.mark.django_db(transaction=True)
def test_without_a_replica_reports_read_the_primary(acme):
    assert REPLICA not in connections.settings
    numbers = _tickets(acme)
    with CaptureQueriesContext(connections["default"]) as primary:
        report, rows = _february(acme)

    assert len(primary.captured_queries) > 0
    assert (report.totals[FR].targets, report.totals[FR].met) == (2, 1)
    assert rows == [(numbers[0], "met"), (numbers[1], "breached")]
