"""The SLA report's CSV downloads: the same numbers as the page, streamed, safe to open in
a spreadsheet, and only the tenant's own rows."""

import csv
import io

import pytest
from django.http import StreamingHttpResponse

from helpdesk.priorities import Priority
from tickets.services import ticket_reply

from ...sla.factories import plan_with_matrix
from ..conftest import open_ticket
from .test_report_pages import REPORT, REPORT_DAY, at, pt, seed, soup, totals

pytestmark = pytest.mark.django_db
REPORT_CSV = "/reports/sla/export.csv"
TICKETS_CSV = "/reports/sla/tickets.csv"


@pytest.fixture
def scenario(acme, ticket_type):
    return seed(acme, ticket_type)


def download(client, url):
    with at(REPORT_DAY):
        response = client.get(url)
        assert response.status_code == 200
        assert isinstance(response, StreamingHttpResponse)
        body = b"".join(response.streaming_content).decode("utf-8-sig")
    return response, list(csv.reader(io.StringIO(body)))


def test_report_csv_lines_equal_the_pages_numbers(scenario, login):
    client = login(scenario.world.manager)
    query = f"?plan={scenario.gold.pk}&group=priority"
    with at(REPORT_DAY):
        page = soup(client.get(REPORT + query))
    response, rows = download(client, REPORT_CSV + query)
    assert response["Content-Type"].startswith("text/csv")
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"] == (
        'attachment; filename="sla-report_2026-02-01_2026-02-27.csv"'
    )
    header, lines = rows[0], rows[1:]
    assert header[:6] == ["Priority", "Key", "Metric", "Targets", "Met", "Breached"]
    column = {name: index for index, name in enumerate(header)}
    shown = totals(page)
    exported_totals = {
        line[column["Metric"]]: {
            name.lower(): int(line[column[name]]) for name in ("Targets", "Met", "Breached")
        }
        for line in lines
        if line[0] == "Total"
    }
    assert exported_totals == {
        "First response": shown["first_response"],
        "Resolution": shown["resolution"],
    }
    # One line per priority and metric, as the page's breakdown.
    breakdown = page.select("tbody.report-row tr")
    by_row = [line for line in lines if line[0] != "Total"]
    assert len(by_row) == len(breakdown) == 2  # P2 × both metrics
    for tr, line in zip(breakdown, by_row, strict=True):
        links = [int(a.get_text()) for a in tr.select("td a")]
        assert links == [int(line[column[n]]) for n in ("Targets", "Met", "Breached")]
        assert line[column["Compliance (percent)"]] == "50.0"
        assert line[column["Median time used"]] in tr.get_text(" ")


def test_ticket_csv_lists_the_rows_behind_a_number(scenario, login):
    client = login(scenario.world.manager)
    response, rows = download(client, f"{TICKETS_CSV}?outcome=breached&metric=resolution")
    assert response["Content-Disposition"].startswith('attachment; filename="sla-tickets_2026-02')
    header, lines = rows[0], rows[1:]
    assert header == [
        "Ticket", "Title", "Organization", "Support plan", "Priority", "Metric", "Target",
        "Due", "Met at", "Breached at", "Business time used (seconds)", "Business time used",
        "Time paused (seconds)", "State", "Measured on earlier terms",
    ]  # fmt: skip
    by_ticket = {line[0]: dict(zip(header, line, strict=True)) for line in lines}
    assert set(by_ticket) == {scenario.slow.reference, scenario.silent.reference}
    slow = by_ticket[scenario.slow.reference]
    assert slow["Support plan"] == "Gold" and slow["Target"] == "2 business days"
    assert slow["Due"] == "2026-02-11T09:00-08:00" == slow["Breached at"]
    assert slow["Met at"] == "" and slow["State"] == "Breached"
    assert slow["Measured on earlier terms"] == "no"
    assert by_ticket[scenario.silent.reference]["Organization"] == scenario.world.other_org.name
    _response, rows = download(client, f"{TICKETS_CSV}?outcome=met&metric=first_response")
    met = {line[0]: dict(zip(header, line, strict=True)) for line in rows[1:]}
    fast = met[scenario.fast.reference]  # answered an hour after it was opened
    assert fast["Business time used (seconds)"] == "3600"
    assert fast["Business time used"] == "1 h"
    assert fast["Met at"] == "2026-02-09T10:00-08:00" and fast["Breached at"] == ""
    assert fast["State"] == "Met" and fast["Target"] == "4 business hours"


def test_cells_a_spreadsheet_would_run_are_escaped(scenario, login):
    client = login(scenario.world.manager)
    _response, rows = download(client, f"{TICKETS_CSV}?metric=first_response&priority=P1")
    titles = [line[1] for line in rows[1:]]
    assert titles == ['\'=HYPERLINK("http://evil.test")']


def test_a_period_the_report_cannot_show_is_no_download(scenario, login):
    client = login(scenario.world.manager)
    with at(REPORT_DAY):
        response = client.get(f"{REPORT_CSV}?period=custom&first=2026-02-20&last=2026-02-01")
    assert response.status_code == 400
    assert "The first day must not be after the last day." in response.content.decode()


def test_ticket_csv_times_carry_the_offset_in_force_on_each_side_of_a_clock_change(
    acme, ticket_type, login
):
    """Los Angeles moves from -08:00 to -07:00 at 2:00 on 8 March 2026: a P1 opened at 1:30
    and answered at 1:45 had its hour of 24/7 end at 3:30 daylight time."""
    acme.tenant.time_zone = "America/Los_Angeles"
    acme.tenant.save(update_fields=["time_zone"])
    acme.org.plan = plan_with_matrix(
        tenant=acme.tenant, name="Gold", cells={("P1", "first_response"): "1 hour (24/7)"}
    )
    acme.org.save(update_fields=["plan"])
    with at(pt(8, 1, 30, month=3)):
        ticket = open_ticket(acme, ticket_type, title="Night call", priority=Priority.P1)
    with at(pt(8, 1, 45, month=3)):
        ticket_reply(ticket=ticket, actor=acme.engineer, body="On it", base_url="http://x/")
    client = login(acme.manager)
    with at(pt(10, 12, month=3)):
        response = client.get(f"{TICKETS_CSV}?period=custom&first=2026-03-08&last=2026-03-08")
        body = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *lines = list(csv.reader(io.StringIO(body)))
    [line] = [dict(zip(header, line, strict=True)) for line in lines]
    assert line["Ticket"] == ticket.reference and line["Target"] == "1 hour (24/7)"
    assert line["Met at"] == "2026-03-08T01:45-08:00"
    assert line["Due"] == "2026-03-08T03:30-07:00"
