"""Escalation on the staff home page: the count escalated to my level and its queue, each
person's levels in the team load, today's escalations by level, who is on call."""

import re
from datetime import timedelta

import pytest

from escalation.home import levels_of_people
from escalation.models import Audience
from escalation.selectors import user_levels
from tests.factories import EngineerFactory
from tickets.models import Status
from tickets.services import ticket_escalation_level_set, ticket_transition

from ..tickets.test_home import NOW, at, listed, opened, planned, section, stats
from .factories import level, shift

pytestmark = pytest.mark.django_db


def escalate(ticket, to, actor, moment):
    with at(moment):
        return ticket_escalation_level_set(
            ticket=ticket, level=to, actor=actor, reason="Needs more hands", now=moment
        )


@pytest.fixture
def ladder_world(acme, globex, ticket_type):
    planned(acme)
    planned(globex)
    network = level(acme.tenant, 1, "L2 Network", audience=Audience.ENGINEERS, tier="L1")
    managers = level(acme.tenant, 2, "L3 Managers", audience=Audience.MANAGERS)
    second = EngineerFactory(tenant=acme.tenant, email="l2@acme.test", tier="L2")
    tickets = {
        key: opened(acme, ticket_type, ago=timedelta(hours=20), title=key)
        for key in ("today", "yesterday", "managers", "plain", "resolved")
    }
    # Midnight Pacific was ten hours before NOW.
    escalate(tickets["today"], network, acme.manager, NOW - timedelta(hours=1))
    escalate(tickets["yesterday"], network, acme.manager, NOW - timedelta(hours=12))
    escalate(tickets["managers"], managers, acme.manager, NOW - timedelta(minutes=30))
    escalate(tickets["resolved"], network, acme.manager, NOW - timedelta(hours=2))
    with at(NOW - timedelta(minutes=20)):
        ticket_transition(
            ticket=tickets["resolved"],
            actor=acme.manager,
            to_status=Status.RESOLVED,
            base_url="http://acme.localhost/",
        )
    shift(acme.tenant, acme.engineer, NOW - timedelta(hours=1), NOW + timedelta(hours=3))
    shift(acme.tenant, second, NOW + timedelta(hours=3), NOW + timedelta(hours=11))
    shift(globex.tenant, globex.engineer, NOW - timedelta(hours=1), NOW + timedelta(hours=1))
    gtype = type(ticket_type).objects.create(tenant=globex.tenant, name="Net", slug="net")
    globex_level = level(globex.tenant, 1, "Globex L2", audience=Audience.STAFF)
    globex_ticket = opened(globex, gtype, ago=timedelta(hours=2))
    escalate(globex_ticket, globex_level, globex.manager, NOW - timedelta(hours=1))
    return acme, {key: t.reference for key, t in tickets.items()}, second, globex


def test_engineer_counts_open_tickets_escalated_to_their_level(ladder_world, login):
    acme, refs, second, globex = ladder_world
    client = login(acme.engineer)
    with at(NOW):
        page = client.get("/").content.decode()
        count, link = stats(page)["Escalated to my level"]
        queue = client.get(link).content.decode()
    assert count == 2
    assert sorted(listed(queue)) == sorted([refs["today"], refs["yesterday"]])
    # An L2 engineer is in no level that holds these tickets.
    with at(NOW):
        assert stats(login(second).get("/").content.decode())["Escalated to my level"][0] == 0


def test_manager_sees_todays_escalations_by_level_and_who_is_on_call(ladder_world, login):
    acme, refs, second, globex = ladder_world
    with at(NOW):
        page = login(acme.manager).get("/").content.decode()
    today = section(page, "escalations-today-title")
    counts = dict(re.findall(r'<th scope="row">([^<]+)</th><td class="num">(\d+)</td>', today))
    assert counts == {"L2 Network": "2", "L3 Managers": "1"}
    assert "Globex L2" not in page

    on_call = section(page, "on-call-title")
    now_part, next_part = on_call.split("<dt>Next</dt>")
    assert str(acme.engineer) in now_part and str(second) not in now_part
    assert str(second) in next_part
    assert str(globex.engineer) not in on_call


def test_team_load_shows_each_persons_levels(ladder_world, login):
    acme, refs, second, globex = ladder_world
    with at(NOW):
        page = login(acme.manager).get("/").content.decode()
    team = section(page, "team-title")
    rows = dict(re.findall(r'<th scope="row">([^<]+)</th><td>(.*?)</td>', team, re.S))
    assert "L2 Network" in rows[str(acme.engineer)]
    assert "L3 Managers" in rows[str(acme.manager)] and "L2" not in rows[str(acme.manager)]
    assert "L3 Managers" in rows[str(acme.tenant_admin)]
    # The L2 engineer is in no level: the tier stands in.
    assert rows[str(second)].strip() == "L2"


def test_levels_of_the_team_are_the_levels_each_person_is_in(ladder_world):
    acme, refs, second, globex = ladder_world
    people = [acme.engineer, second, acme.manager, acme.tenant_admin]
    levels = levels_of_people(tenant=acme.tenant, people=people)
    for person in people:
        expected = list(user_levels(tenant=acme.tenant, user=person))
        assert levels[person.pk] == expected, person


def test_manager_home_queries_do_not_grow_with_the_team(
    ladder_world, login, django_assert_num_queries
):
    acme, refs, second, globex = ladder_world
    client = login(acme.manager)
    with at(NOW):
        client.get("/")
        # The session is read from the cache.
        with django_assert_num_queries(10):
            client.get("/")
        for n in range(5):
            EngineerFactory(tenant=acme.tenant, email=f"more{n}@acme.test")
        with django_assert_num_queries(10):
            client.get("/")
