"""The managers' SLA report page and its drill-down: the numbers of a seeded month, filters,
the tickets behind every number, periods, who may see it, query counts and Spanish.

The scenario: a month of SLA outcomes for acme on two plans, met and breached targets,
seeded through the ticket services at set times, the breaches recorded by the sweep."""

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from unittest import mock
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from django.utils import translation

from helpdesk.priorities import Priority
from tests.i18n.spanish import english_leftovers, looks_english
from tickets.models import Status, Ticket
from tickets.services import ticket_priority_change, ticket_reply, ticket_transition
from tickets.services.outcomes import outcomes_breach_due

from ...sla.factories import plan_with_matrix
from ..conftest import open_ticket

PT = ZoneInfo("America/Los_Angeles")
UTC = ZoneInfo("UTC")


def pt(day, hour, minute=0, month=2):
    return datetime(2026, month, day, hour, minute, tzinfo=PT)


# The report is read on this day: February 2026 is "this month".
REPORT_DAY = pt(27, 12)


@contextmanager
def at(moment):
    with mock.patch("django.utils.timezone.now", return_value=moment.astimezone(UTC)):
        yield


@dataclass
class Scenario:
    world: object
    gold: object
    silver: object
    fast: Ticket  # Gold, P2: first response and resolution met
    slow: Ticket  # Gold, P2: both breached
    silent: Ticket  # Silver, P3: first response met, resolution breached
    urgent: Ticket  # Silver, P1: both met (its title looks like a spreadsheet formula)


def _base(world):
    return f"http://{world.host}/"


def seed(world, ticket_type, *, extra: int = 0) -> Scenario:
    """Four tickets with known outcomes (plus ``extra`` Gold P2 tickets answered in time)."""
    world.tenant.time_zone = "America/Los_Angeles"
    world.tenant.save(update_fields=["time_zone"])
    gold = plan_with_matrix(
        tenant=world.tenant,
        name="Gold",
        cells={
            ("P1", "first_response"): "1 hour (24/7)",
            ("P1", "resolution"): "1 bd",
            ("P2", "first_response"): "4 bh",
            ("P2", "resolution"): "2 bd",
            ("P3", "first_response"): "8 bh",
            ("P3", "resolution"): "3 bd",
        },
    )
    silver = plan_with_matrix(
        tenant=world.tenant,
        name="Silver",
        cells={
            ("P1", "first_response"): "2 hours (24/7)",
            ("P1", "resolution"): "2 bd",
            ("P2", "first_response"): "8 bh",
            ("P2", "resolution"): "3 bd",
            ("P3", "first_response"): "2 bd",
            ("P3", "resolution"): "1 bd",
        },
    )
    world.org.plan = gold
    world.org.save(update_fields=["plan"])
    world.other_org.plan = silver
    world.other_org.save(update_fields=["plan"])
    base = _base(world)

    def answer(ticket, moment):
        with at(moment):
            ticket_reply(ticket=ticket, actor=world.engineer, body="On it", base_url=base)

    def resolve(ticket, moment):
        with at(moment):
            ticket_transition(
                ticket=ticket, actor=world.engineer, to_status=Status.RESOLVED, base_url=base
            )

    with at(pt(9, 9)):
        fast = open_ticket(world, ticket_type, title="Fast answer", priority=Priority.P2)
        slow = open_ticket(world, ticket_type, title="Slow answer", priority=Priority.P2)
    answer(fast, pt(9, 10))
    resolve(fast, pt(9, 12))
    with at(pt(10, 9)):
        silent = open_ticket(
            world,
            ticket_type,
            requester=world.other_org_customer,
            title="Silent resolution",
            priority=Priority.P3,
        )
        urgent = open_ticket(
            world,
            ticket_type,
            requester=world.other_org_customer,
            title='=HYPERLINK("http://evil.test")',
            priority=Priority.P1,
        )
    answer(silent, pt(10, 11))
    answer(urgent, pt(10, 9, 30))
    resolve(urgent, pt(10, 15))
    for index in range(extra):
        with at(pt(16, 9)):
            ticket = open_ticket(world, ticket_type, title=f"Extra {index}")
        answer(ticket, pt(16, 9, 30))
    # The sweep records the targets whose due time passed unmet.
    outcomes_breach_due(now=REPORT_DAY.astimezone(UTC))
    return Scenario(world, gold, silver, fast, slow, silent, urgent)


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content.decode(), "html.parser")


def totals(page: BeautifulSoup) -> dict[str, dict[str, int]]:
    """The totals table: metric → {"targets", "met", "breached"} as shown."""
    result = {}
    for row in page.select("tr.report-total"):
        cells = row.select("td a")
        result[row["data-metric"]] = {
            name: int(cell.get_text(strip=True))
            for name, cell in zip(("targets", "met", "breached"), cells, strict=True)
        }
    return result


def references(page: BeautifulSoup) -> set[str]:
    return {a.get_text(strip=True) for a in page.select("tr.report-ticket td.cell-key a")}


pytestmark = pytest.mark.django_db
REPORT = "/reports/sla/"
ROWS = "/reports/sla/tickets/"
URLS = (REPORT, ROWS, "/reports/sla/export.csv", "/reports/sla/tickets.csv")
GROUPS = ("plan", "priority", "metric", "organization", "type", "engineer", "level")
# Queries of the report page, whatever the period and the number of tickets (the session is
# read from the cache, the person signed in is kept in memory): the tenant's plans
# (filter), the rollups by day, the rollups by group, the escalations, the backlog, the
# group's labels.
REPORT_QUERIES = 6
# The drill-down: plans, the count, the page of rows.
ROWS_QUERIES = 3


@pytest.fixture(autouse=True)
def _language_reset():
    yield
    translation.deactivate()


@pytest.fixture
def scenario(acme, ticket_type):
    return seed(acme, ticket_type)


def get(client, url, moment=REPORT_DAY):
    with at(moment):
        return client.get(url)


def truth(scenario) -> list[dict]:
    """Every decided target of the scenario with what it is counted under."""
    outcomes = {
        scenario.fast.pk: {"first_response": "met", "resolution": "met"},
        scenario.slow.pk: {"first_response": "breached", "resolution": "breached"},
        scenario.silent.pk: {"first_response": "met", "resolution": "breached"},
        scenario.urgent.pk: {"first_response": "met", "resolution": "met"},
    }
    rows = []
    for ticket in Ticket.objects.filter(pk__in=outcomes).select_related("organization"):
        for metric, outcome in outcomes[ticket.pk].items():
            rows.append(
                {
                    "reference": ticket.reference,
                    "metric": metric,
                    "outcome": outcome,
                    "plan": str(ticket.organization.plan_id or 0),
                    "priority": ticket.priority,
                    "organization": str(ticket.organization_id),
                    "type": str(ticket.ticket_type.parent_id or ticket.ticket_type_id),
                    "engineer": str(ticket.assignee_id or 0),
                    "level": str(ticket.escalation_level_id or 0),
                }
            )
    return rows


def expected_references(rows, link: str) -> set[str]:
    query = parse_qs(urlsplit(link).query)
    keys = ("metric", "outcome", "plan", "priority", "organization", "type", "engineer", "level")
    wanted = {key: query[key][0] for key in keys if key in query}
    return {row["reference"] for row in rows if all(row[k] == v for k, v in wanted.items())}


def drill_down_links(page: BeautifulSoup) -> list[tuple[str, int]]:
    return [
        (a["href"], int(a.get_text(strip=True)))
        for a in page.select(".report-table a[href]")
        if a["href"].startswith(ROWS)
    ]


def test_manager_sees_the_months_numbers(scenario, login):
    response = get(login(scenario.world.manager), REPORT)
    assert "no-store" in response["Cache-Control"]  # figures of a moment, never cached
    page = soup(response)
    assert totals(page) == {
        "first_response": {"targets": 4, "met": 3, "breached": 1},
        "resolution": {"targets": 4, "met": 2, "breached": 2},
    }
    text = page.get_text(" ", strip=True)
    assert "This month: 1 February 2026 to 27 February 2026" in text
    assert "as of Fri 27 Feb 2026, 12:00 PST" in text  # the tenant's zone
    assert "75.0\N{NO-BREAK SPACE}%" in text and "50.0\N{NO-BREAK SPACE}%" in text
    rows = [row.th.get_text(strip=True) for row in page.select("tbody.report-row")]
    assert rows == ["Gold", "Silver"]
    assert "measured on terms that have since changed" not in text
    # First responses measured: 30 m, 1 h and 2 business hours (the swept breach has no
    # measured time yet): the median's bucket ends at 1 h, the 90th percentile's at 2 h.
    first = page.select_one("tr.report-total[data-metric=first_response]").select("td")
    assert [cell.get_text(strip=True) for cell in first[3:7]] == [
        "75.0\N{NO-BREAK SPACE}%", "within 1 h", "within 2 h", "0 m"
    ]  # fmt: skip
    assert len(page.select("svg[role=img]")) == 4
    for chart in page.select("svg[role=img]"):
        title = chart.find("title")
        assert title and title["id"] in chart["aria-labelledby"]
        assert chart.find_parent("figure").select("details table tbody tr")
    assert page.select_one('a[href^="/reports/sla/export.csv"]')
    assert page.select_one('a[href^="/reports/sla/tickets.csv"]')


def test_tenant_admin_sees_the_report_too(scenario, login):
    page = soup(get(login(scenario.world.tenant_admin), REPORT))
    assert totals(page)["first_response"] == {"targets": 4, "met": 3, "breached": 1}


def test_targets_measured_on_changed_terms_are_noted(scenario, login):
    # The urgent ticket's targets are both met; lowering its priority afterwards does not
    # move them to the new terms.
    with at(pt(12, 9)):
        ticket_priority_change(
            ticket=scenario.urgent,
            actor=scenario.world.engineer,
            priority=Priority.P2,
            reason="Only one user was affected after all",
        )
    page = soup(get(login(scenario.world.manager), REPORT))
    note = page.select_one(".report-earlier-terms").get_text(" ", strip=True)
    assert note == (
        "2 targets were measured on terms that have since changed; they count against the "
        "targets that applied when they were measured."
    )
    assert totals(page)["resolution"] == {"targets": 4, "met": 2, "breached": 2}


def test_filtering_by_one_plan_counts_only_its_tickets(scenario, login):
    client = login(scenario.world.manager)
    gold = soup(get(client, f"{REPORT}?plan={scenario.gold.pk}"))
    assert totals(gold) == {
        "first_response": {"targets": 2, "met": 1, "breached": 1},
        "resolution": {"targets": 2, "met": 1, "breached": 1},
    }
    silver = soup(get(client, f"{REPORT}?plan={scenario.silver.pk}&metric=resolution"))
    assert totals(silver) == {"resolution": {"targets": 2, "met": 1, "breached": 1}}
    none = soup(get(client, f"{REPORT}?plan=0"))
    assert totals(none)["first_response"] == {"targets": 0, "met": 0, "breached": 0}
    p3 = soup(get(client, f"{REPORT}?priority=P3"))
    assert totals(p3)["resolution"] == {"targets": 1, "met": 0, "breached": 1}


@pytest.mark.parametrize("group", GROUPS)
def test_every_number_links_to_exactly_the_tickets_it_counts(scenario, login, group):
    client = login(scenario.world.manager)
    rows = truth(scenario)
    page = soup(get(client, f"{REPORT}?group={group}"))
    links = drill_down_links(page)
    assert len(links) >= 12  # the totals and at least one row per metric
    for link, number in links:
        listed = soup(get(client, link))
        assert listed.select_one(".report-count"), (link, listed.select(".error"))
        assert listed.select_one(".report-count").get_text(strip=True).startswith(str(number))
        assert references(listed) == expected_references(rows, link), link
        assert len(references(listed)) == number


def test_breached_first_responses_list_the_slow_ticket(scenario, login):
    client = login(scenario.world.manager)
    page = soup(get(client, f"{REPORT}?plan={scenario.gold.pk}"))
    row = page.select_one("tr.report-total[data-metric=first_response]")
    breached = row.select("td a")[2]
    listed = soup(get(client, breached["href"]))
    assert references(listed) == {scenario.slow.reference}
    ticket_link = listed.select_one("tr.report-ticket td.cell-key a")
    assert ticket_link["href"] == scenario.slow.get_absolute_url()
    cells = listed.select_one("tr.report-ticket").get_text(" ", strip=True)
    assert "Gold" in cells and "4 business hours" in cells and "Breached" in cells
    assert "9 Feb 2026, 13:00" in cells  # due, in the tenant's zone


def test_backlog_numbers_link_to_the_open_queue_oldest_first(scenario, login):
    page = soup(get(login(scenario.world.manager), REPORT))
    backlog = page.select_one("#chart-backlog-heading").find_parent("figure")
    links = backlog.select("td a")
    assert [int(a.get_text()) for a in links] == [0, 0, 0, 0, 2, 0]  # slow and silent
    assert {a["href"] for a in links} == {"/queue/?sort=oldest"}
    assert all("no filter by age" in a["title"] for a in links)


def test_a_custom_period_counts_its_days_only(scenario, login):
    page = soup(
        get(
            login(scenario.world.manager),
            f"{REPORT}?period=custom&first=2026-02-09&last=2026-02-09",
        )
    )
    assert totals(page) == {
        "first_response": {"targets": 2, "met": 1, "breached": 1},
        "resolution": {"targets": 1, "met": 1, "breached": 0},
    }
    march = soup(
        get(login(scenario.world.manager), f"{REPORT}?period=last_month", pt(3, 9, month=3))
    )
    assert totals(march)["resolution"] == {"targets": 4, "met": 2, "breached": 2}
    year = soup(get(login(scenario.world.manager), f"{REPORT}?period=last_365"))
    assert totals(year)["first_response"] == {"targets": 4, "met": 3, "breached": 1}


@pytest.mark.parametrize(
    ("first", "last", "field", "message"),
    [
        ("2026-02-20", "2026-02-10", "last", "The first day must not be after the last day."),
        ("2026-02-20", "", "last", "Enter both the first and the last day."),
        ("2026-03-20", "2026-03-30", "first", "The period has not started yet."),
        ("2023-01-01", "2026-02-10", "first", "A report covers two years at most."),
        ("2026-02-31", "2026-02-10", "first", "Enter a valid date."),
    ],
)
def test_custom_period_errors_show_by_the_dates_and_keep_them(
    scenario, login, first, last, field, message
):
    url = f"{REPORT}?period=custom&first={first}&last={last}&priority=P2"
    page = soup(get(login(scenario.world.manager), url))
    box = page.select_one(f"#id_{field}").find_parent(class_="field")
    assert message in box.get_text(" ", strip=True)
    assert page.select_one("#id_first")["value"] == first
    assert page.select_one("#id_last").get("value", "") == last
    assert page.select_one("#id_priority option[selected]")["value"] == "P2"
    assert not page.select("tr.report-total")


@pytest.mark.parametrize("role", ["engineer", "customer", "org_admin"])
def test_other_roles_get_the_404_of_a_missing_page(scenario, login, role):
    client = login(getattr(scenario.world, role))
    for url in URLS:
        assert get(client, url).status_code == 404, url


def test_another_tenants_manager_gets_nothing_of_acme(scenario, globex, login):
    # Signed in on acme's host with a globex account: signed out, sent to sign in.
    client = login(globex.manager)
    client.defaults["HTTP_HOST"] = scenario.world.host
    for url in URLS:
        response = get(client, url)
        assert response.status_code == 302 and "/login" in response["Location"], url
    # On globex's own host: nothing of acme's numbers, organizations or tickets.
    client = login(globex.manager)
    acme_refs = {row["reference"] for row in truth(scenario)}
    page = soup(get(client, f"{REPORT}?group=organization"))
    assert totals(page)["first_response"] == {"targets": 0, "met": 0, "breached": 0}
    assert "Acme" not in page.get_text() and not page.select("tbody.report-row")
    org = scenario.world.org.pk
    for url in (f"{ROWS}?organization={org}", f"{ROWS}?organization={org}&outcome=breached", ROWS):
        listed = soup(get(client, url))
        assert references(listed) == set()
        assert listed.select_one(".report-count").get_text(strip=True).startswith("0")
    for url in (
        f"/reports/sla/tickets.csv?organization={org}",
        "/reports/sla/export.csv?group=organization",
    ):
        body = b"".join(get(client, url).streaming_content).decode()
        assert "Acme" not in body and not any(ref in body for ref in acme_refs)
    # Another tenant's plan is not a choice: the report says so and shows nothing.
    page = soup(get(client, f"{REPORT}?plan={scenario.gold.pk}"))
    assert not page.select("tr.report-total") and page.select(".field-invalid #id_plan")


def _report_queries(client, url, django_assert_num_queries):
    # The session, the tenant cache and the person signed in warm up.
    get(client, url)
    get(client, url)
    with at(REPORT_DAY), django_assert_num_queries(REPORT_QUERIES):
        assert client.get(url).status_code == 200


def test_the_report_costs_the_same_queries_for_3_or_30_tickets_and_any_period(
    acme, ticket_type, login, django_assert_num_queries
):
    seed(acme, ticket_type)
    client = login(acme.manager)
    for url in (REPORT, f"{REPORT}?group=organization", f"{REPORT}?period=last_365"):
        _report_queries(client, url, django_assert_num_queries)
    with at(pt(17, 9)):
        for index in range(26):
            open_ticket(acme, ticket_type, title=f"More {index}", priority=Priority.P3)
    outcomes_breach_due(now=REPORT_DAY.astimezone(UTC))
    for url in (REPORT, f"{REPORT}?group=organization", f"{REPORT}?period=last_365"):
        _report_queries(client, url, django_assert_num_queries)
    assert totals(soup(get(client, REPORT)))["first_response"]["targets"] == 30


def test_the_drill_down_costs_the_same_queries_for_3_or_30_rows(
    acme, ticket_type, login, django_assert_num_queries
):
    seed(acme, ticket_type)
    client = login(acme.manager)
    url = f"{ROWS}?metric=first_response&outcome=breached"
    get(client, url)
    get(client, url)
    with at(REPORT_DAY), django_assert_num_queries(ROWS_QUERIES):
        assert len(references(soup(client.get(url)))) == 1
    with at(pt(17, 9)):
        for index in range(29):
            open_ticket(acme, ticket_type, title=f"More {index}", priority=Priority.P3)
    outcomes_breach_due(now=REPORT_DAY.astimezone(UTC))
    with at(REPORT_DAY), django_assert_num_queries(ROWS_QUERIES):
        assert len(references(soup(client.get(url)))) == 30


def test_the_report_reads_in_spanish(scenario, login):
    manager = scenario.world.manager
    manager.language = "es"
    manager.save(update_fields=["language"])
    client = login(manager)
    world = scenario.world
    # What people named (plans, organizations, types, people) is theirs, not the interface's.
    data = ["Gold", "Silver", world.tenant.portal_title, world.org.name, world.other_org.name]
    data += ["Networking", world.engineer.get_full_name(), world.manager.get_full_name()]
    for group in GROUPS:
        page = get(client, f"{REPORT}?group={group}").content.decode()
        assert 'lang="es' in page
        assert english_leftovers(page, data=data) == [], group
    page = soup(get(client, f"{REPORT}?plan={scenario.gold.pk}"))
    listed = get(client, drill_down_links(page)[0][0]).content.decode()
    titles = ["Fast answer", "Slow answer"]
    assert english_leftovers(listed, data=data + titles) == []
    wrong = get(client, f"{REPORT}?period=custom&first=2026-02-20&last=2026-02-01")
    assert english_leftovers(wrong.content.decode(), data=data) == []
    with at(REPORT_DAY):
        download = client.get("/reports/sla/tickets.csv")
        header = next(iter(download.streaming_content)).decode("utf-8-sig")
    assert header.startswith("Ticket,Título,Organización,")
    assert not looks_english(header.replace("Ticket", ""))
