"""Each role's home page: the numbers count what their labels say, each count's link lists
those tickets, and nobody sees tickets they may not see."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import include, path
from django.utils import translation

from helpdesk.priorities import Priority
from tests.factories import EngineerFactory
from tests.i18n.spanish import english_leftovers
from tickets.models import Status
from tickets.services import ticket_assign, ticket_reply, ticket_transition
from tickets.services.outcomes import outcomes_breach_due
from tickets.views import home as home_views

from ..sla.factories import plan_with_matrix
from .conftest import open_ticket
from .factories import TicketTypeFactory
from .test_sla_on_tickets import at

pytestmark = pytest.mark.django_db
PT = ZoneInfo("America/Los_Angeles")
BASE = "http://acme.localhost/"
# Tuesday 10 February 2026, 10:00 Pacific: the day ends 14 hours later.
NOW = datetime(2026, 2, 10, 10, 0, tzinfo=PT)


@pytest.fixture(autouse=True)
def _language_reset():
    yield
    translation.deactivate()


def planned(world):
    """The world's organizations on a 24/7 plan: P1 responds in 1 hour, P2 in 4 hours, P3
    has no target."""
    plan = plan_with_matrix(
        tenant=world.tenant,
        cells={
            ("P1", "first_response"): "1 hour (24/7)",
            ("P1", "resolution"): "8 hours (24/7)",
            ("P2", "first_response"): "4 hours (24/7)",
            ("P2", "resolution"): "2 days (24/7)",
            ("P3", "first_response"): "N/A",
            ("P3", "resolution"): "N/A",
        },
    )
    for org in (world.org, world.other_org):
        org.plan = plan
        org.save(update_fields=["plan"])
    return plan


def opened(world, kind, *, ago, priority=Priority.P1, title="", assignee=None, **kwargs):
    with at(NOW - ago):
        ticket = open_ticket(world, kind, priority=priority, title=title or "Ticket", **kwargs)
        if assignee is not None:
            ticket = ticket_assign(ticket=ticket, actor=assignee, assignee=assignee, base_url=BASE)
    return ticket


def customer_reply(ticket, ago):
    with at(NOW - ago):
        ticket_reply(ticket=ticket, actor=ticket.requester, body="Any news?", base_url=BASE)


def put_on_hold(ticket, actor, ago):
    with at(NOW - ago):
        ticket_reply(ticket=ticket, actor=actor, body="Please send the logs.", base_url=BASE)
        ticket_transition(ticket=ticket, actor=actor, to_status=Status.ON_HOLD, base_url=BASE)


STAT = re.compile(
    r'<a class="stat stat-link" href="(?P<href>[^"]+)"><span class="stat-value">(?P<value>\d+)'
    r'</span><span class="stat-label">(?P<label>[^<]+)</span>'
)
ROW_KEY = re.compile(r'<td class="cell-key"><a href="[^"]*">([A-Z]+-\d+)</a>')


def stats(page: str) -> dict[str, tuple[int, str]]:
    """Each count on the page by its label: (number, link)."""
    return {
        m["label"]: (int(m["value"]), m["href"].replace("&amp;", "&")) for m in STAT.finditer(page)
    }


def listed(page: str) -> list[str]:
    """Ticket references in the order a page's tables list them."""
    return ROW_KEY.findall(page)


def section(page: str, heading_id: str) -> str:
    start = page.index(f'id="{heading_id}"')
    end = page.find("</section>", start)
    return page[start:end]


@pytest.fixture
def kind(acme):
    return TicketTypeFactory(tenant=acme.tenant, name="Networking", slug="networking")


@pytest.fixture
def engineer_world(acme, globex, kind):
    """Acme's engineer (Pacific time) with tickets due at different times, one on hold for
    four days, another engineer's and an unassigned ticket, and Globex's ticket."""
    planned(acme)
    planned(globex)
    engineer = acme.engineer
    other = EngineerFactory(tenant=acme.tenant, email="second@acme.test", full_name="Sam Second")
    tickets = {
        # P1 responds in an hour: due in 30 minutes, and an hour overdue.
        "soon": opened(acme, kind, ago=timedelta(minutes=30), title="Due soon", assignee=engineer),
        "late": opened(acme, kind, ago=timedelta(hours=2), title="Overdue", assignee=engineer),
        # P2 responds in 4 hours: due at 13:00 today.
        "today": opened(
            acme, kind, ago=timedelta(hours=1), priority="P2", title="Today", assignee=engineer
        ),
        # P3 has no target.
        "none": opened(
            acme, kind, ago=timedelta(days=1), priority="P3", title="No target", assignee=engineer
        ),
        "held": opened(
            acme, kind, ago=timedelta(days=5), priority="P2", title="Held", assignee=engineer
        ),
        "held_recent": opened(
            acme, kind, ago=timedelta(days=2), priority="P2", title="Recent", assignee=engineer
        ),
        "others": opened(acme, kind, ago=timedelta(minutes=40), title="Sam's", assignee=other),
        "nobody": opened(acme, kind, ago=timedelta(minutes=50), title="Nobody's"),
    }
    put_on_hold(tickets["held"], engineer, ago=timedelta(days=4))
    put_on_hold(tickets["held_recent"], engineer, ago=timedelta(days=1))
    customer_reply(tickets["today"], ago=timedelta(minutes=20))
    customer_reply(tickets["soon"], ago=timedelta(minutes=10))
    customer_reply(tickets["none"], ago=timedelta(minutes=5))
    customer_reply(tickets["others"], ago=timedelta(minutes=1))
    gtype = TicketTypeFactory(tenant=globex.tenant, name="Networking", slug="networking")
    tickets["globex"] = opened(
        globex, gtype, ago=timedelta(minutes=30), title="Globex's", assignee=globex.engineer
    )
    engineer.time_zone = "America/Los_Angeles"
    engineer.save(update_fields=["time_zone"])
    return acme, {key: t.reference for key, t in tickets.items()}


def test_engineer_sees_their_counts_and_each_link_lists_those_tickets(engineer_world, login):
    acme, refs = engineer_world
    client = login(acme.engineer)
    with at(NOW):
        page = client.get("/").content.decode()
        counts = stats(page)
        assert counts["My open tickets"][0] == 6
        assert counts["Breaching within the next hour"][0] == 2
        assert counts["Breaching by the end of today"][0] == 3
        assert counts["Waiting on the customer for more than 3 days"][0] == 1

        mine = listed(client.get(counts["My open tickets"][1]).content.decode())
        assert set(mine) == {
            refs[k] for k in ("soon", "late", "today", "none", "held", "held_recent")
        }
        # The queue sorted by SLA due lists the counted tickets first, and only them.
        hour = listed(client.get(counts["Breaching within the next hour"][1]).content.decode())
        assert hour[:2] == [refs["late"], refs["soon"]]
        today = listed(client.get(counts["Breaching by the end of today"][1]).content.decode())
        assert today[:3] == [refs["late"], refs["soon"], refs["today"]]
        # My tickets on hold, last updated last: the one waiting four days comes last.
        waiting_link = counts["Waiting on the customer for more than 3 days"][1]
        waiting = listed(client.get(waiting_link).content.decode())
        assert waiting == [refs["held_recent"], refs["held"]]

    my_tickets = listed(section(page, "my-tickets-title"))
    assert my_tickets[:3] == [refs["late"], refs["soon"], refs["today"]]
    assert set(my_tickets) == set(mine)
    badges = section(page, "my-tickets-title")
    assert "FR breached 1 h ago" in badges and "FR 30 m left" in badges

    replies = section(page, "customer-replies-title")
    order = [refs["none"], refs["soon"], refs["today"]]
    assert [replies.index(ref) for ref in order] == sorted(replies.index(ref) for ref in order)
    assert refs["others"] not in page  # another engineer's "my" tickets never show
    assert refs["globex"] not in page and refs["nobody"] not in page


def test_engineer_never_sees_another_engineers_tickets_as_theirs(engineer_world, login):
    acme, refs = engineer_world
    second = acme.tenant.users.get(email="second@acme.test")
    with at(NOW):
        page = login(second).get("/").content.decode()
    counts = stats(page)
    assert counts["My open tickets"][0] == 1
    assert counts["Breaching within the next hour"][0] == 1
    assert listed(page) == [refs["others"]]
    assert refs["others"] in section(page, "customer-replies-title")


def test_end_of_today_is_the_engineers_own(engineer_world, login):
    """At 10:00 Pacific it is 23:00 in Auckland... an engineer there sees the day end sooner:
    the ticket due at 13:00 Pacific falls on their tomorrow."""
    acme, refs = engineer_world
    acme.engineer.time_zone = "Pacific/Auckland"  # UTC+13 in February: 07:00 next day
    acme.engineer.save(update_fields=["time_zone"])
    with at(NOW - timedelta(hours=9, minutes=30)):  # 00:30 Pacific, 21:30 Auckland
        page = login(acme.engineer).get("/").content.decode()
    # Due before 24:00 Auckland (03:00 Pacific): only the tickets overdue or due by then.
    assert stats(page)["Breaching by the end of today"][0] == 0


@pytest.fixture
def manager_world(acme, globex, kind):
    """Targets at risk, breached (running past due, and recorded breached), and fine."""
    planned(acme)
    planned(globex)
    engineer = acme.engineer
    tickets = {
        # P1 first response in 60 minutes, at risk from 45.
        "risk": opened(acme, kind, ago=timedelta(minutes=50), title="At risk", assignee=engineer),
        "fine": opened(acme, kind, ago=timedelta(minutes=20), title="Fine"),
        "past": opened(acme, kind, ago=timedelta(minutes=70), title="Past due"),
        "recorded": opened(acme, kind, ago=timedelta(hours=3), title="Recorded", assignee=engineer),
        "closed": opened(acme, kind, ago=timedelta(hours=4), title="Closed"),
    }
    with at(NOW - timedelta(hours=1)):
        outcomes_breach_due(now=NOW - timedelta(hours=1))
    with at(NOW - timedelta(minutes=30)):
        ticket_transition(
            ticket=tickets["closed"], actor=acme.manager, to_status=Status.RESOLVED, base_url=BASE
        )
    gtype = TicketTypeFactory(tenant=globex.tenant, name="Networking", slug="networking")
    tickets["globex"] = opened(globex, gtype, ago=timedelta(minutes=50), title="Globex's")
    return acme, {key: t.reference for key, t in tickets.items()}


def test_manager_sees_team_load_and_the_tickets_at_risk_and_breached(manager_world, login):
    acme, refs = manager_world
    client = login(acme.manager)
    with at(NOW):
        page = client.get("/").content.decode()
    counts = stats(page)
    assert counts["Tickets at risk now"][0] == 1
    assert counts["Tickets breached now"][0] == 2
    assert counts["Unassigned"][0] == 2
    assert listed(section(page, "at-risk-title")) == [refs["risk"]]
    assert listed(section(page, "breached-title")) == [refs["recorded"], refs["past"]]
    assert refs["closed"] not in page and refs["globex"] not in page

    team = section(page, "team-title")
    row = re.search(
        re.escape(str(acme.engineer))
        + r'</th><td>.*?</td><td class="num"><a href="([^"]+)">(\d+)<',
        team,
        re.S,
    )
    assert row and row.group(2) == "2", team
    with at(NOW):
        queue = client.get(row.group(1).replace("&amp;", "&")).content.decode()
    assert sorted(listed(queue)) == sorted([refs["risk"], refs["recorded"]])
    with at(NOW):
        unassigned = client.get(counts["Unassigned"][1]).content.decode()
    assert sorted(listed(unassigned)) == sorted([refs["fine"], refs["past"]])
    assert 'href="/reports/sla/"' in page
    assert str(acme.manager) in team and str(acme.tenant_admin) in team


def test_tenant_admin_sees_the_managers_page(manager_world, login):
    acme, refs = manager_world
    with at(NOW):
        page = login(acme.tenant_admin).get("/").content.decode()
    assert stats(page)["Tickets at risk now"][0] == 1


def test_staff_home_shows_nothing_of_another_tenant(two_tenants, login, kind):
    acme, globex = two_tenants
    gtype = TicketTypeFactory(tenant=globex.tenant, name="Networking", slug="networking")
    ticket = opened(globex, gtype, ago=timedelta(minutes=50), assignee=globex.engineer)
    for person in (acme.engineer, acme.manager):
        with at(NOW):
            page = login(person).get("/").content.decode()
        assert ticket.reference not in page
        assert str(globex.engineer) not in page and globex.org.name not in page


@pytest.fixture
def customer_world(acme, globex, kind):
    planned(acme)
    colleague = acme.org_admin
    tickets = {
        "mine": opened(acme, kind, ago=timedelta(minutes=30), title="My VPN"),
        "mine_p3": opened(acme, kind, ago=timedelta(hours=2), priority="P3", title="My printer"),
        "colleague": opened(
            acme, kind, ago=timedelta(minutes=10), title="Admin's", requester=colleague
        ),
        "other_org": opened(
            acme,
            kind,
            ago=timedelta(minutes=5),
            title="Other org",
            requester=acme.other_org_customer,
        ),
    }
    gtype = TicketTypeFactory(tenant=globex.tenant, name="Networking", slug="networking")
    tickets["globex"] = opened(globex, gtype, ago=timedelta(minutes=5), title="Globex's")
    return acme, {key: t.reference for key, t in tickets.items()}


def test_customer_sees_their_recent_tickets_with_the_promise(customer_world, login):
    acme, refs = customer_world
    with at(NOW):
        page = login(acme.customer).get("/").content.decode()
    recent = section(page, "recent-title")
    assert listed(recent) == [refs["mine"], refs["mine_p3"]]
    assert "We will respond by" in recent and "10 Feb 2026, 10:30" in recent
    for other in ("colleague", "other_org", "globex"):
        assert refs[other] not in page
    assert "Search our Knowledge Base first" in page and acme.org.name in page
    assert "organization-open-title" not in page
    assert "/reports/statement/" not in page


def test_organization_admin_sees_the_organizations_open_tickets(customer_world, login):
    acme, refs = customer_world
    with at(NOW):
        page = login(acme.org_admin).get("/").content.decode()
    assert listed(section(page, "recent-title")) == [refs["colleague"]]
    org_open = section(page, "organization-open-title")
    # Nearest due first: the P1 opened 30 minutes ago, the one opened 10 minutes ago, then
    # the P3 without a target.
    assert listed(org_open) == [refs["mine"], refs["colleague"], refs["mine_p3"]]
    assert str(acme.customer) in org_open
    assert refs["other_org"] not in page and refs["globex"] not in page
    assert 'href="/reports/statement/"' in page


def seed_many(world, kind, count):
    for n in range(count):
        opened(
            world,
            kind,
            ago=timedelta(minutes=5 + n),
            title=f"Ticket {n}",
            assignee=world.engineer if n % 2 else None,
            requester=world.org_admin if n % 3 == 0 else world.customer,
        )


@pytest.mark.parametrize("count", [3, 30])
@pytest.mark.parametrize(
    ("role", "queries"),
    [("engineer", 6), ("manager", 10), ("customer", 4), ("org_admin", 6)],
)
def test_home_pages_cost_the_same_queries_for_3_or_30_tickets(
    acme, kind, login, django_assert_num_queries, role, queries, count
):
    planned(acme)
    seed_many(acme, kind, count)
    client = login(getattr(acme, role))
    with at(NOW):
        client.get("/")  # the session and the tenant cache warm up
        with django_assert_num_queries(queries):
            response = client.get("/")
    assert response.status_code == 200


def test_the_home_pages_read_in_spanish(engineer_world, login):
    acme, refs = engineer_world
    people = (acme.engineer, acme.manager, acme.customer, acme.org_admin)
    for person in people:
        person.language = "es"
        person.save(update_fields=["language"])
    titles = ["Due soon", "Overdue", "Today", "No target", "Held", "Recent", "Sam's", "Nobody's"]
    for person in people:
        with at(NOW):
            page = login(person).get("/").content.decode()
        assert 'lang="es' in page
        quoted = [*titles, acme.tenant.portal_title, acme.org.name, acme.other_org.name]
        assert english_leftovers(page, data=quoted) == []


# The site's URLs with tickets' own home page, without the parts escalation adds.
urlpatterns = [
    path("accounts/", include("accounts.allauth_urls")),
    path("kb/", include("knowledge_base.urls")),
    path("reports/", include("tickets.reports.urls")),
    path("", home_views.home, name="home"),
    path("", include("accounts.urls")),
    path("", include("tickets.urls")),
]


def test_tickets_home_pages_alone_show_no_escalation(manager_world, login, settings):
    acme, refs = manager_world
    settings.ROOT_URLCONF = __name__
    with at(NOW):
        engineer = login(acme.engineer).get("/").content.decode()
        manager = login(acme.manager).get("/").content.decode()
    assert stats(engineer)["My open tickets"][0] == 2
    assert "Escalated to my level" not in engineer
    assert stats(manager)["Tickets at risk now"][0] == 1
    assert "Escalations today" not in manager and "On call" not in manager
    # Without escalation's levels the team load shows each engineer's tier.
    assert re.search(re.escape(str(acme.engineer)) + r"</th><td>L1</td>", manager)
