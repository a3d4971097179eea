"""The "Escalated" and "Escalated to my level" queues."""

import re

import pytest

from escalation.models import Audience
from escalation.services import ticket_deescalate, ticket_escalate
from helpdesk.priorities import Priority
from tests.factories import EngineerFactory
from tests.tickets.conftest import open_ticket
from tests.tickets.factories import TicketTypeFactory
from tickets.services import ticket_transition

from .conftest import at, pacific
from .factories import level

pytestmark = pytest.mark.django_db
BASE = "http://acme.localhost/"
# A queue page whatever its length: the queue counts (one query over the kept counts,
# no page count), the viewer's levels (for "Escalated to my level"), the rows (their level
# joined in) and the status history for the SLA badges. The session, the person signed in,
# the SLA plans, the catalogue, the organizations, the engineers (filters that also name
# the rows' organizations and assignees) and the open incidents the bulk bar links
# selected tickets to are kept in memory.
QUEUE_QUERIES = 4


@pytest.fixture
def senior(acme):
    return EngineerFactory(tenant=acme.tenant, tier="L2", full_name="Sam Senior")


@pytest.fixture
def ladder(acme, senior):
    return (
        level(acme.tenant, 1, "L1 Engineer", audience=Audience.ENGINEERS, tier="L1"),
        level(acme.tenant, 2, "L2 Senior engineer", users=[senior]),
        level(acme.tenant, 3, "L3 Support manager", audience=Audience.MANAGERS),
    )


def escalate(ticket, actor, level_):
    return ticket_escalate(
        ticket=ticket, actor=actor, reason="Needs more expertise", level=level_, base_url=BASE
    )


@pytest.fixture
def tickets(acme, plan, ladder, make_ticket):
    """Open tickets at each level (the P1 due first), one not escalated, one escalated and
    since resolved. Opened on a Tuesday morning."""
    l1, l2, l3 = ladder
    with at(pacific(2026, 11, 24, 8, 59)):
        first_line = make_ticket(title="At first line")
    with at(pacific(2026, 11, 24, 9, 0)):
        made = {
            "plain": make_ticket(title="Plain question"),
            "l1": first_line,
            "l2": make_ticket(title="At senior"),
            "l3": make_ticket(title="At manager"),
            "l3_p1": make_ticket(title="Manager outage", priority=Priority.P1),
            "done": make_ticket(title="Already fixed"),
        }
        for key, target in (("l1", l2), ("l2", l2), ("l3", l3), ("l3_p1", l3), ("done", l2)):
            escalate(made[key], acme.engineer, target)
        # Tickets start on the first rung: one is back at L1 after a manager brought it down.
        ticket_deescalate(ticket=made["l1"], actor=acme.manager, reason="Routine", level=l1)
        ticket_transition(
            ticket=made["done"], actor=acme.engineer, to_status="resolved", base_url=BASE
        )
    return made


def listed(page: str, tickets: dict) -> list[str]:
    """Keys of ``tickets`` on the page, in the order they appear."""
    found = [(page.find(f">{t.reference}<"), key) for key, t in tickets.items()]
    return [key for position, key in sorted(found) if position >= 0]


def count(page: str, label: str) -> int:
    match = re.search(rf">{re.escape(label)} <span class=\"count\">(\d+)</span>", page)
    assert match, label
    return int(match.group(1))


def get(login, user, url) -> str:
    """The page as ``user`` sees it half an hour after the tickets were opened."""
    with at(pacific(2026, 11, 24, 9, 30)):
        response = login(user).get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_escalated_queue_lists_open_escalated_tickets_by_sla_due(acme, tickets, login):
    page = get(login, acme.engineer, "/queue/escalated/")
    assert listed(page, tickets) == ["l3_p1", "l1", "l2", "l3"]
    assert count(page, "Escalated") == 4
    assert count(page, "All open") == 5
    assert (
        '<span class="badge badge-escalation badge-small" title="Escalated to L3 Support manager">'
        "L3 Support manager</span>" in page
    )
    # Other queues show the level too; tickets not escalated carry no badge.
    page = get(login, acme.engineer, "/queue/open/")
    row = page[page.index(f">{tickets['plain'].reference}<") :]
    row = row[: row.index("</tr>")]
    assert "badge-escalation" not in row
    assert page.count("badge-escalation badge-small") == 4


def test_escalated_to_my_level_follows_the_people_of_each_level(acme, tickets, senior, login):
    for person, expected in (
        (acme.engineer, ["l1"]),  # an L1 engineer: the engineers-of-L1 level
        (senior, ["l2"]),  # named on L2
        (acme.manager, ["l3_p1", "l3"]),  # managers
        (acme.tenant_admin, ["l3_p1", "l3"]),
    ):
        page = get(login, person, "/queue/my-level/")
        assert listed(page, tickets) == expected, person
        assert count(page, "Escalated to my level") == len(expected)
        assert count(page, "Escalated") == 4


def test_someone_on_no_level_has_an_empty_queue(acme, tickets, login):
    outsider = EngineerFactory(tenant=acme.tenant, tier="L3")
    page = get(login, outsider, "/queue/my-level/")
    assert listed(page, tickets) == []
    assert count(page, "Escalated to my level") == 0


def test_escalated_queues_filter_like_the_others(acme, tickets, login):
    page = get(login, acme.engineer, "/queue/escalated/?priority=P1")
    assert listed(page, tickets) == ["l3_p1"]
    page = get(login, acme.engineer, "/queue/escalated/?status=resolved")
    assert listed(page, tickets) == ["done"]
    page = get(login, acme.engineer, "/queue/escalated/?q=senior")
    assert listed(page, tickets) == ["l2"]


def test_customers_cannot_open_the_escalated_queues(acme, tickets, login):
    for user in (acme.customer, acme.org_admin):
        client = login(user)
        assert client.get("/queue/escalated/").status_code == 404
        assert client.get("/queue/my-level/").status_code == 404


def test_another_tenants_escalations_never_appear(two_tenants, tickets, login):
    acme, globex = two_tenants
    level(globex.tenant, 1, "Globex engineers", audience=Audience.ENGINEERS)
    theirs = level(globex.tenant, 2, "Globex managers", audience=Audience.MANAGERS)
    secret = open_ticket(globex, TicketTypeFactory(tenant=globex.tenant), title="Globex secret")
    escalate(secret, globex.engineer, theirs)
    for url in ("/queue/escalated/", "/queue/my-level/"):
        page = get(login, acme.manager, url)
        assert "Globex secret" not in page
        assert count(page, "Escalated") == 4
    page = get(login, globex.manager, "/queue/my-level/")
    assert "Globex secret" in page
    assert count(page, "Escalated") == 1
    assert not set(listed(page, tickets))


def test_escalated_queues_cost_the_same_queries_for_one_or_many_rows(
    acme, plan, ladder, make_ticket, login, django_assert_num_queries
):
    _l1, _l2, l3 = ladder
    escalate(make_ticket(title="First"), acme.engineer, l3)
    client = login(acme.manager)
    for url in ("/queue/open/", "/queue/escalated/", "/queue/my-level/"):
        # Warm the per-process caches: the tenant by host, the person signed in.
        client.get(url)
        client.get(url)
        with django_assert_num_queries(QUEUE_QUERIES):
            assert client.get(url).status_code == 200
    for n in range(15):
        escalate(make_ticket(title=f"More {n}"), acme.engineer, ladder[1 + n % 2])
    for url in ("/queue/open/", "/queue/escalated/", "/queue/my-level/"):
        with django_assert_num_queries(QUEUE_QUERIES):
            assert client.get(url).status_code == 200
