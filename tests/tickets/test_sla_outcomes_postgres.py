"""The SLA report's rollups under concurrent work on PostgreSQL: engineers answering and
resolving tickets of one organization on the same day lose no count, and the breach sweep
running while a late answer arrives counts the breach once."""

import threading
from datetime import date

import pytest
from django.db import connections

from tickets.models import SlaOutcome, Status
from tickets.reports.selectors import ORGANIZATION, ReportFilters, sla_report
from tickets.services import ticket_reply, ticket_transition
from tickets.services.outcomes import outcomes_breach_due

from .conftest import open_ticket
from .test_sla_on_tickets import at
from .test_sla_outcomes import BASE, FR, RES, assert_rollups_recount, la, week

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def run_together(*jobs):
    """Run each job in its own thread and database connection, released together."""
    barrier = threading.Barrier(len(jobs))
    errors = []

    def run(job):
        try:
            barrier.wait(timeout=20)
            job()
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert not any(thread.is_alive() for thread in threads)


@pytest.fixture
def planned(require_postgres, acme):
    from ..sla.factories import plan_with_matrix
    from .test_sla_outcomes import MATRIX

    plan = plan_with_matrix(tenant=acme.tenant, cells=MATRIX, name="Gold")
    acme.org.plan = plan
    acme.org.save(update_fields=["plan"])
    return acme


def report_of(world, **filters):
    return sla_report(
        tenant=world.tenant,
        filters=ReportFilters(period=week(date(2026, 2, 23)), **filters),
        now=la(2, 24, 17),
    )


def test_engineers_answering_at_once_lose_no_count(planned, ticket_type):
    rounds, per_round = 3, 4
    with at(la(2, 23, 9)):
        tickets = [
            open_ticket(planned, ticket_type, priority="P2", title=f"Ticket {n}")
            for n in range(rounds * per_round)
        ]
    for index in range(rounds):
        batch = tickets[index * per_round : (index + 1) * per_round]
        # Answered together at 10:00, resolved together at 16:00: the same day's cells.
        with at(la(2, 23, 10 + index)):
            run_together(
                *(
                    lambda t=t: ticket_reply(
                        ticket=t, actor=planned.engineer, body="On it", base_url=BASE
                    )
                    for t in batch
                )
            )
        with at(la(2, 23, 14 + index)):
            run_together(
                *(
                    lambda t=t: ticket_transition(
                        ticket=t,
                        actor=planned.engineer,
                        to_status=Status.RESOLVED,
                        base_url=BASE,
                    )
                    for t in batch
                )
            )
        assert_rollups_recount(planned.tenant, f"round {index}")
    report = report_of(planned, group=ORGANIZATION)
    total = rounds * per_round
    assert (report.totals[FR].targets, report.totals[FR].met) == (total, total)
    assert (report.totals[RES].targets, report.totals[RES].met) == (total, total)
    assert report.totals[FR].measured == total
    [row] = report.rows
    assert (row.key, row.figures[FR].met, row.figures[RES].met) == (planned.org.pk, total, total)


def test_the_sweep_and_a_late_answer_at_once_count_one_breach(planned, ticket_type):
    count = 6
    with at(la(2, 23, 9)):
        tickets = [
            open_ticket(planned, ticket_type, priority="P2", title=f"Ticket {n}")
            for n in range(count)
        ]  # first responses due at 13:00
    for index, ticket in enumerate(tickets):
        moment = la(2, 23, 14, index)
        with at(moment):
            run_together(
                lambda moment=moment: outcomes_breach_due(now=moment),
                lambda ticket=ticket: ticket_reply(
                    ticket=ticket, actor=planned.engineer, body="Sorry", base_url=BASE
                ),
                lambda moment=moment: outcomes_breach_due(now=moment),
            )
        assert_rollups_recount(planned.tenant, f"ticket {index}")
        outcome = SlaOutcome.objects.get(ticket=ticket, metric=FR)
        assert (outcome.state, outcome.breached_at) == ("breached", la(2, 23, 13))
        assert outcome.business_seconds == 5 * 3600 + index * 60
    report = report_of(planned, metric=FR)
    assert (report.totals[FR].targets, report.totals[FR].breached) == (count, count)
    assert report.totals[FR].measured == count
    assert report_of(planned, metric=RES).totals[RES].targets == 0


def test_a_rebuild_beside_answers_keeps_every_answer(planned, ticket_type):
    from io import StringIO

    from django.core.management import call_command

    count = 6
    with at(la(2, 23, 9)):
        tickets = [
            open_ticket(planned, ticket_type, priority="P2", title=f"Ticket {n}")
            for n in range(count)
        ]
    with at(la(2, 23, 10)):
        run_together(
            lambda: call_command(
                "sla_outcomes_rebuild", "--tenant", "acme", "--batch-size", "1", stdout=StringIO()
            ),
            *(
                lambda t=t: ticket_reply(
                    ticket=t, actor=planned.engineer, body="On it", base_url=BASE
                )
                for t in tickets
            ),
        )
    assert_rollups_recount(planned.tenant)
    report = report_of(planned, metric=FR)
    assert (report.totals[FR].targets, report.totals[FR].met) == (count, count)
