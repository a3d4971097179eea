"""The organization admin's monthly SLA statement: exactly the organization's targets
decided in the month, the same compliance as the managers' report, the CSV of the same
lines, and nobody else's numbers."""

import csv
import html
import io
import re
from contextlib import contextmanager
from datetime import UTC, date, datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import translation

from sla.engine import METRICS
from tests.factories import OrgAdminFactory
from tests.i18n.spanish import english_leftovers
from tests.sla.factories import plan_with_matrix
from tests.tickets.conftest import open_ticket
from tests.tickets.factories import TicketTypeFactory
from tickets.models import Status
from tickets.reports.periods import month_period
from tickets.reports.selectors import ReportFilters, sla_report
from tickets.reports.statement import organization_statement
from tickets.services import ticket_priority_change, ticket_reply, ticket_transition
from tickets.services.outcomes import outcomes_breach_due

pytestmark = pytest.mark.django_db
PT = ZoneInfo("America/Los_Angeles")  # the test tenants' time zone
URL = "/reports/statement/"
CSV_URL = "/reports/statement/statement.csv"
CELLS = {
    ("P1", "first_response"): "1 hour (24/7)",
    ("P1", "resolution"): "8 hours (24/7)",
    ("P2", "first_response"): "4 hours (24/7)",
    ("P2", "resolution"): "2 bd",
}
# Mid-March 2026 on the tenant's clock: February is over, March runs.
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=PT)


def pt(month, day, hour, minute=0):
    return datetime(2026, month, day, hour, minute, tzinfo=PT)


@contextmanager
def at(moment):
    with mock.patch("django.utils.timezone.now", return_value=moment.astimezone(UTC)):
        yield


@pytest.fixture(autouse=True)
def _language_reset():
    yield
    translation.deactivate()


def _on_plan(world, name):
    plan = plan_with_matrix(tenant=world.tenant, cells=CELLS, name=name)
    for organization in (world.org, world.other_org):
        organization.plan = plan
        organization.save(update_fields=["plan"])
    return plan


class Seeded:
    """Tickets of acme's two organizations and of globex, through the services."""

    def __init__(self, acme, globex):
        self.acme, self.globex = acme, globex
        self.kind = TicketTypeFactory(tenant=acme.tenant, name="Networking", slug="networking")
        self.globex_kind = TicketTypeFactory(tenant=globex.tenant)
        _on_plan(acme, "Gold")
        _on_plan(globex, "Globex Gold")

    def open(self, moment, *, world=None, requester=None, kind=None, **kwargs):
        world = world or self.acme
        with at(moment):
            return open_ticket(world, kind or self.kind, requester=requester, **kwargs)

    def reply(self, ticket, moment, *, world=None):
        world = world or self.acme
        with at(moment):
            ticket_reply(
                ticket=ticket, actor=world.engineer, body="Looking at it.", base_url="http://x/"
            )

    def resolve(self, ticket, moment, *, world=None):
        world = world or self.acme
        with at(moment):
            ticket_transition(
                ticket=ticket,
                actor=world.engineer,
                to_status=Status.RESOLVED,
                base_url="http://x/",
            )

    @staticmethod
    def sweep(moment):
        with at(moment):
            outcomes_breach_due(now=moment.astimezone(UTC))


@pytest.fixture
def seeded(acme, globex):
    s = Seeded(acme, globex)
    acme_b = acme.other_org_customer
    # January: decided in January only.
    s.january = s.open(pt(1, 12, 9), title="January ticket", priority="P2")
    s.reply(s.january, pt(1, 12, 9, 30))
    s.resolve(s.january, pt(1, 12, 11))
    # Opened on the last night of January, both targets met on 1 February.
    s.night = s.open(pt(1, 31, 23, 30), title="Night outage", priority="P1")
    s.reply(s.night, pt(2, 1, 0, 10))
    s.resolve(s.night, pt(2, 1, 5))
    # Met in time.
    s.relay = s.open(pt(2, 2, 9), title="Mail relay down", priority="P1")
    s.globex_ticket = s.open(
        pt(2, 2, 9), world=s.globex, kind=s.globex_kind, title="Globex outage", priority="P1"
    )
    s.reply(s.relay, pt(2, 2, 9, 30))
    s.reply(s.globex_ticket, pt(2, 2, 9, 15), world=s.globex)
    s.other = s.open(pt(2, 2, 10), requester=acme_b, title="Other org outage", priority="P1")
    s.reply(s.other, pt(2, 2, 10, 20))
    s.resolve(s.relay, pt(2, 2, 12))
    s.resolve(s.globex_ticket, pt(2, 2, 12, 30), world=s.globex)
    s.resolve(s.other, pt(2, 2, 13))
    # Nobody answers: both targets breached.
    s.printer = s.open(pt(2, 3, 9), title="Printer queue stuck", priority="P2")
    s.other_slow = s.open(pt(2, 3, 10), requester=acme_b, title="Other org slow", priority="P2")
    s.sweep(pt(2, 3, 15))
    # First response met as P2; raised to P1 afterwards, it keeps the terms it was met on.
    s.raised = s.open(pt(2, 4, 9), title="Priority raised", priority="P2")
    s.reply(s.raised, pt(2, 4, 9, 30))
    with at(pt(2, 4, 10)):
        ticket_priority_change(
            ticket=s.raised, actor=acme.engineer, priority="P1", reason="Whole office affected"
        )
    s.resolve(s.raised, pt(2, 4, 11))
    s.sweep(pt(2, 6, 12))
    # Opened by the organization admin, a title a spreadsheet would run; answered, never
    # resolved: its resolution (2 business days) breached on 11 February.
    s.formula = s.open(
        pt(2, 9, 9),
        requester=acme.org_admin,
        title='=HYPERLINK("http://evil.example","x")',
        priority="P2",
    )
    s.reply(s.formula, pt(2, 9, 9, 10))
    # Opened on the last night of February, breached on 1 March.
    s.weekend = s.open(pt(2, 28, 22), title="Weekend request", priority="P2")
    s.sweep(pt(3, 1, 3))
    return s


def signed_in(user, host=None):
    client = Client(HTTP_HOST=host or f"{user.tenant.slug}.localhost")
    client.force_login(user)
    return client


def get(client, url, **params):
    with at(NOW):
        return client.get(url, params)


def page_lines(html) -> list[tuple[str, str]]:
    """(reference, metric) of each line of the statement's ticket table."""
    return re.findall(r'<tr data-reference="([^"]+)" data-metric="([^"]+)">', html)


def summary_cells(page, metric, priority) -> list[str]:
    """The cells of a summary line: targets, met, breached, compliance, median."""
    row = re.search(
        rf'<tr data-metric="{metric}" data-priority="{priority}">(.*?)</tr>', page, re.S
    )
    assert row, (metric, priority)
    return [
        html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    ]


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(text)))


FEBRUARY_OF_ORG = {
    ("relay", "first_response"), ("relay", "resolution"),
    ("night", "first_response"), ("night", "resolution"),
    ("printer", "first_response"), ("printer", "resolution"),
    ("raised", "first_response"), ("raised", "resolution"),
    ("formula", "first_response"), ("formula", "resolution"),
}  # fmt: skip


def expected(seeded, names):
    return {(getattr(seeded, name).reference, metric) for name, metric in names}


def test_statement_lists_exactly_the_organizations_targets_decided_in_the_month(seeded, acme):
    response = get(signed_in(acme.org_admin), URL, month="2026-02")
    assert response.status_code == 200
    html = response.content.decode()
    lines = page_lines(html)
    assert len(lines) == len(set(lines))
    assert set(lines) == expected(seeded, FEBRUARY_OF_ORG)
    for outsider in ("january", "weekend", "other", "other_slow", "globex_ticket"):
        assert getattr(seeded, outsider).title not in html
    assert "Acme Customer A" in html and "Gold" in html and "February 2026" in html
    # Each reference opens the ticket page, which the organization admin may read.
    assert f'href="/tickets/{seeded.relay.reference}/"' in html
    assert get(signed_in(acme.org_admin), seeded.relay.get_absolute_url()).status_code == 200
    # The promise as the plan words it, and the times of the outcome.
    assert "1 hour (24/7)" in html and "2 business days" in html
    # The first response of the raised ticket was measured on its P2 terms.
    assert "Measured on the terms in force then" in html
    # Nothing internal: no engineer, no escalation.
    assert acme.engineer.full_name not in html
    assert "scalat" not in html


def test_compliance_per_priority_counts_the_listed_lines_and_matches_the_managers_report(
    seeded, acme
):
    month = month_period(date(2026, 2, 1), today=NOW.date())
    statement = organization_statement(
        tenant=acme.tenant, organization=acme.org, month=date(2026, 2, 1), now=NOW
    )
    assert {(line.reference, line.metric) for line in statement.lines} == expected(
        seeded, FEBRUARY_OF_ORG
    )
    counted = {}
    for line in statement.lines:
        targets, met = counted.get((line.metric, line.priority), (0, 0))
        counted[(line.metric, line.priority)] = (targets + 1, met + line.met)
    shown = {
        (summary.metric, line.priority): (line.figures.targets, line.figures.met)
        for summary in statement.summaries
        for line in summary.lines
    }
    assert shown == counted
    assert counted == {
        ("first_response", "P1"): (2, 2),
        ("first_response", "P2"): (3, 2),
        ("resolution", "P1"): (3, 3),
        ("resolution", "P2"): (2, 0),
    }
    # The managers' report, grouped by organization, over the same month.
    report = sla_report(
        tenant=acme.tenant, filters=ReportFilters(period=month, group="organization"), now=NOW
    )
    (row,) = [row for row in report.rows if row.key == acme.org.pk]
    for metric in METRICS:
        ours, theirs = statement.totals[metric], row.figures[metric]
        assert (ours.targets, ours.met, ours.breached) == (
            theirs.targets,
            theirs.met,
            theirs.breached,
        )
        assert ours.compliance == theirs.compliance
        assert ours.median == theirs.median

    html = get(signed_in(acme.org_admin), URL, month="2026-02").content.decode()
    assert summary_cells(html, "first_response", "P2")[:4] == ["3", "2", "1", "66.7\xa0%"]
    assert summary_cells(html, "resolution", "P1")[:4] == ["3", "3", "0", "100.0\xa0%"]
    total = summary_cells(html, "first_response", "")
    assert total[:3] == ["5", "4", "1"]
    assert total[4].startswith("within ")


def test_csv_has_the_same_lines_and_defuses_formulas(seeded, acme):
    client = signed_in(acme.org_admin)
    html = get(client, URL, month="2026-02").content.decode()
    response = get(client, CSV_URL, month="2026-02")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="sla-statement-{acme.org.slug}-2026-02.csv"'
    )
    header, *rows = csv_rows(response)
    assert header[:6] == ["Ticket", "Title", "Requester", "Priority", "Metric", "Promise"]
    metric_names = {"First response": "first_response", "Resolution": "resolution"}
    assert [(row[0], metric_names[row[4]]) for row in rows] == page_lines(html)
    formula = [row for row in rows if row[0] == seeded.formula.reference]
    assert formula and formula[0][1] == "'" + seeded.formula.title
    relay = {row[4]: row for row in rows if row[0] == seeded.relay.reference}
    assert relay["First response"][5] == "1 hour (24/7)"
    assert relay["First response"][7] == "Met"
    assert relay["First response"][8] == "2026-02-02 09:30"  # the reader's (tenant's) zone
    assert relay["First response"][9] == "30"
    printer = {row[4]: row for row in rows if row[0] == seeded.printer.reference}
    assert printer["First response"][7] == "Breached"
    assert printer["First response"][8] == "2026-02-03 13:00"
    for outsider in ("january", "weekend", "other", "other_slow", "globex_ticket"):
        assert getattr(seeded, outsider).reference not in {row[0] for row in rows}


def test_the_other_organizations_admin_sees_only_their_own(seeded, acme, globex):
    other_admin = OrgAdminFactory(tenant=acme.tenant, organization=acme.other_org)
    client = signed_in(other_admin)
    html = get(client, URL, month="2026-02").content.decode()
    assert set(page_lines(html)) == expected(
        seeded,
        {
            ("other", "first_response"), ("other", "resolution"),
            ("other_slow", "first_response"), ("other_slow", "resolution"),
        },
    )  # fmt: skip
    assert "Acme Customer A" not in html and seeded.relay.title not in html
    rows = csv_rows(get(client, CSV_URL, month="2026-02"))[1:]
    assert {row[0] for row in rows} == {seeded.other.reference, seeded.other_slow.reference}
    # Globex's organization admin, on globex's portal: globex's ticket only.
    globex_html = get(signed_in(globex.org_admin), URL, month="2026-02").content.decode()
    assert set(page_lines(globex_html)) == {
        (seeded.globex_ticket.reference, "first_response"),
        (seeded.globex_ticket.reference, "resolution"),
    }
    assert seeded.relay.title not in globex_html


@pytest.mark.parametrize("url", [URL, CSV_URL])
@pytest.mark.parametrize(
    "who", ["customer", "other_org_customer", "engineer", "manager", "tenant_admin"]
)
def test_everyone_but_organization_admins_gets_404(seeded, acme, globex, url, who):
    for world in (acme, globex):
        response = get(signed_in(getattr(world, who)), url, month="2026-02")
        assert response.status_code == 404, (world.tenant.slug, who)
        assert seeded.relay.title.encode() not in response.content


@pytest.mark.parametrize("url", [URL, CSV_URL])
def test_other_tenants_people_are_not_signed_in_on_our_portal(seeded, acme, globex, url):
    for who in ("org_admin", "manager"):
        response = get(signed_in(getattr(globex, who), host=acme.host), url, month="2026-02")
        assert response.status_code in (302, 404)
        assert seeded.relay.title.encode() not in response.content


def test_the_current_month_in_the_tenants_time_zone_is_the_default(seeded, acme):
    # 07:00 UTC on 1 March is still 28 February in Los Angeles.
    client = signed_in(acme.org_admin)
    with at(datetime(2026, 3, 1, 7, 0, tzinfo=UTC)):
        html = client.get(URL).content.decode()
        filename = client.get(CSV_URL)["Content-Disposition"]
    assert "February 2026" in html
    assert ('<option value="2026-02" selected>February 2026</option>') in html
    options = re.findall(r'<option value="(\d{4}-\d{2})"', html)
    assert options[:2] == ["2026-02", "2026-01"] and len(options) == 12
    assert 'rel="next"' not in html  # no statement of a month not yet begun
    assert f'href="{URL}?month=2026-01" rel="prev"' in html
    assert filename.endswith('-2026-02.csv"')
    # In March the February lines are history: only the weekend breach is March's.
    march = get(client, URL).content.decode()
    assert set(page_lines(march)) == {(seeded.weekend.reference, "first_response")}
    assert f'href="{URL}?month=2026-02" rel="prev"' in march


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("2026-13", "Choose a month as year and month"),
        ("March", "Choose a month as year and month"),
        ("2026-3", "Choose a month as year and month"),
        ("2026-04", "That month has not started yet."),
    ],
)
def test_a_malformed_or_future_month_says_so_and_shows_the_current_one(
    seeded, acme, value, problem
):
    client = signed_in(acme.org_admin)
    response = get(client, URL, month=value)
    assert response.status_code == 200
    html = response.content.decode()
    assert problem in html and "Showing the current month instead." in html
    assert "March 2026" in html
    assert set(page_lines(html)) == {(seeded.weekend.reference, "first_response")}
    csv_response = get(client, CSV_URL, month=value)
    assert csv_response["Content-Disposition"].endswith('-2026-03.csv"')


def test_a_past_month_has_a_next_link_and_an_empty_month_says_so(seeded, acme):
    html = get(signed_in(acme.org_admin), URL, month="2025-12").content.decode()
    assert f'href="{URL}?month=2026-01" rel="next"' in html
    assert "No target of your organization was met or breached in December 2025." in html


def _tickets_met_in_february(acme, kind, count):
    for index in range(count):
        with at(pt(2, 10, 9, index)):
            ticket = open_ticket(acme, kind, title=f"Ticket {index}", priority="P1")
        with at(pt(2, 10, 10, index)):
            ticket_reply(ticket=ticket, actor=acme.engineer, body="Done", base_url="http://x/")


@pytest.mark.parametrize("count", [3, 30])
def test_the_page_and_the_csv_take_the_same_queries_for_3_or_30_tickets(
    acme, count, django_assert_num_queries
):
    kind = TicketTypeFactory(tenant=acme.tenant)
    _on_plan(acme, "Gold")
    _tickets_met_in_february(acme, kind, count)
    client = signed_in(acme.org_admin)
    # The session's first requests warm its caches (the person signed in is kept from
    # the second on); the session is read from the cache.
    get(client, URL, month="2026-02")
    get(client, URL, month="2026-02")
    with django_assert_num_queries(3):
        response = get(client, URL, month="2026-02")
    assert len(page_lines(response.content.decode())) == count
    with django_assert_num_queries(2):
        rows = csv_rows(get(client, CSV_URL, month="2026-02"))
    assert len(rows) == count + 1


def test_a_spanish_speaking_organization_admin_reads_it_in_spanish(seeded, acme):
    acme.org_admin.language = "es"
    acme.org_admin.save(update_fields=["language"])
    client = signed_in(acme.org_admin)
    html = get(client, URL, month="2026-02").content.decode()
    assert "febrero de 2026" in html
    data = [
        acme.org.name,
        acme.tenant.portal_title,
        *(getattr(seeded, name).title for name in ("relay", "night", "printer", "raised")),
    ]
    assert english_leftovers(html, data=data) == []
    header = csv_rows(get(client, CSV_URL, month="2026-02"))[0]
    assert header[:3] == ["Ticket", "Título", "Solicitante"]
