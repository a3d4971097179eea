"""Tenant admins edit their escalation matrix in Django admin (levels and rules on one
screen), for their own help desk only."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from escalation.models import EscalationLevel, EscalationMatrix, EscalationRule
from tests.factories import EngineerFactory, SuperuserFactory
from tests.tickets.factories import TicketTypeFactory

from .conftest import at, pacific
from .factories import level, matrix_for, rule

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/escalation/escalationmatrix/"


def client_for(world, user=None):
    client = Client(HTTP_HOST=world.host)
    client.force_login(user or world.tenant_admin)
    return client


def change_url(matrix):
    return f"{CHANGELIST}{matrix.pk}/change/"


def level_row(name, rank, *, audience="named", tier="", users=(), types=(), emails="", **extra):
    return {
        "rank": rank,
        "name": name,
        "audience": audience,
        "tier": tier,
        "users": [u.pk for u in users],
        "ticket_types": [t.pk for t in types],
        "emails": emails,
        **extra,
    }


def rule_row(level=None, *, priority="", metric="first_response", threshold="at_due", **extra):
    row = {
        "priority": priority,
        "metric": metric,
        "threshold": threshold,
        "amount": extra.pop("amount", 0),
        "level": level.pk if level else "",
        "is_active": "on",
    }
    for flag in ("notify_assignee", "reassign", "business_hours_only"):
        if extra.pop(flag, False):
            row[flag] = "on"
    row["raise_priority_to"] = extra.pop("raise_priority_to", "")
    row.update(extra)
    return row


def post_data(matrix, levels=(), rules=(), **fields):
    """The change form as a browser submits it: the rows already saved first (each with
    its id), then the new ones."""
    data = {"is_active": "on", "on_call_fallback_emails": ""}
    data.update(fields)
    for prefix, rows, model in (
        ("levels", levels, EscalationLevel),
        ("rules", rules, EscalationRule),
    ):
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        data[f"{prefix}-INITIAL_FORMS"] = str(model.objects.filter(matrix=matrix).count())
        data[f"{prefix}-MIN_NUM_FORMS"] = "0"
        data[f"{prefix}-MAX_NUM_FORMS"] = "1000"
        for index, row in enumerate(rows):
            for key, value in row.items():
                data[f"{prefix}-{index}-{key}"] = value
    return data


def saved_levels(matrix):
    return [
        level_row(
            lv.name,
            lv.rank,
            audience=lv.audience,
            tier=lv.tier,
            users=list(lv.users.all()),
            types=list(lv.ticket_types.all()),
            emails=lv.emails,
            id=lv.pk,
        )
        for lv in EscalationLevel.objects.filter(matrix=matrix).order_by("rank", "name")
    ]


def saved_rules(matrix):
    return [
        rule_row(
            r.level,
            priority=r.priority,
            metric=r.metric,
            threshold=r.threshold,
            amount=r.amount,
            notify_assignee=r.notify_assignee,
            reassign=r.reassign,
            business_hours_only=r.business_hours_only,
            raise_priority_to=r.raise_priority_to,
            id=r.pk,
        )
        for r in EscalationRule.objects.filter(matrix=matrix)
    ]


@pytest.fixture
def ladder(acme):
    l2 = level(acme.tenant, 2, "L2 Senior engineer", audience="engineers", tier="L2")
    l3 = level(acme.tenant, 3, "L3 Support manager", audience="managers")
    rule(acme.tenant, priority="P1", level=l3)
    return l2, l3


def test_tenant_admin_lands_on_their_matrix_made_on_the_first_visit(acme):
    client = client_for(acme)
    response = client.get(CHANGELIST)
    matrix = EscalationMatrix.objects.get(tenant=acme.tenant)
    assert response.status_code == 302
    assert response["Location"] == change_url(matrix)
    page = client.get(CHANGELIST, follow=True).content.decode()
    assert "Levels: who handles an escalation" in page
    assert "Rules: when a ticket" in page
    assert EscalationMatrix.objects.filter(tenant=acme.tenant).count() == 1
    # One matrix per tenant: there is nothing to add.
    assert client.get(f"{CHANGELIST}add/").status_code == 403


def test_tenant_admin_edits_levels_and_rules_on_one_screen(acme):
    client = client_for(acme)
    matrix = matrix_for(acme.tenant)
    ticket_type = TicketTypeFactory(tenant=acme.tenant, name="Security", slug="security")
    response = client.post(
        change_url(matrix),
        post_data(
            matrix,
            levels=[
                level_row("L2 Senior engineer", 2, audience="engineers", tier="L2"),
                level_row(
                    "L4 Head of support",
                    4,
                    users=[acme.manager],
                    types=[ticket_type],
                    emails="accounts@acme.test, cto@acme.test",
                ),
            ],
            on_call_fallback_emails="pager@acme.test",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    head = EscalationLevel.objects.get(name="L4 Head of support")
    assert head.tenant == acme.tenant and head.matrix == matrix
    assert list(head.users.all()) == [acme.manager]
    assert list(head.ticket_types.all()) == [ticket_type]
    assert head.emails == "accounts@acme.test\ncto@acme.test"
    matrix.refresh_from_db()
    assert matrix.on_call_fallback_emails == "pager@acme.test"

    senior = EscalationLevel.objects.get(name="L2 Senior engineer")
    response = client.post(
        change_url(matrix),
        post_data(
            matrix,
            levels=saved_levels(matrix),
            rules=[
                rule_row(senior, priority="P1", threshold="percent", amount=50),
                rule_row(head, priority="P1", threshold="after_due", amount=60, reassign=True),
                rule_row(
                    None, metric="resolution", threshold="percent", amount=75, notify_assignee=True
                ),
            ],
        ),
        follow=True,
    )
    page = response.content.decode()
    assert "was changed successfully" in page
    assert EscalationRule.objects.filter(matrix=matrix, tenant=acme.tenant).count() == 3
    # Each rule reads as a sentence on the page.
    assert "P1, first response at 50 %: L2 Senior engineer" in page
    assert "P1, first response 1 h after due: L4 Head of support" in page
    assert "Any priority, resolution at 75 %: warn the assignee" in page


def test_another_tenants_matrix_is_not_reachable(two_tenants, ladder):
    acme, globex = two_tenants
    matrix = matrix_for(acme.tenant)
    client = client_for(globex)
    response = client.get(change_url(matrix), follow=True)
    assert "L3 Support manager" not in response.content.decode()
    response = client.post(change_url(matrix), post_data(matrix, is_active=""), follow=True)
    assert "L3 Support manager" not in response.content.decode()
    matrix.refresh_from_db()
    assert matrix.is_active
    # Their own changelist opens their own matrix.
    own = client.get(CHANGELIST)
    assert own["Location"] == change_url(EscalationMatrix.objects.get(tenant=globex.tenant))


@pytest.mark.parametrize(
    "role", ["customer", "org_admin", "other_org_customer", "engineer", "manager"]
)
def test_people_other_than_tenant_admins_cannot_open_the_matrix(acme, ladder, role):
    response = client_for(acme, getattr(acme, role)).get(
        change_url(matrix_for(acme.tenant)), follow=True
    )
    assert response.status_code == 403
    assert "L3 Support manager" not in response.content.decode()


def test_choices_are_the_tenants_own(two_tenants, ladder):
    acme, globex = two_tenants
    TicketTypeFactory(tenant=acme.tenant, name="Networking", slug="networking")
    TicketTypeFactory(tenant=globex.tenant, name="Globex billing", slug="billing")
    level(globex.tenant, 1, "Globex first line", audience="staff")
    gone = EngineerFactory(tenant=acme.tenant, full_name="Gone Engineer", is_active=False)
    page = client_for(acme).get(change_url(matrix_for(acme.tenant))).content.decode()
    assert "Networking" in page
    assert acme.engineer.full_name in page and acme.manager.full_name in page
    for foreign in (
        "Globex billing",
        "Globex first line",
        globex.engineer.full_name,
        acme.customer.full_name,  # customers handle no escalations
        gone.full_name,
    ):
        assert foreign not in page


def test_request_types_are_offered_in_catalogue_order(acme, ladder):
    incident = TicketTypeFactory(tenant=acme.tenant, name="Incident", slug="incident", position=2)
    TicketTypeFactory(tenant=acme.tenant, name="Outage", slug="outage", parent=incident, position=1)
    TicketTypeFactory(tenant=acme.tenant, name="Billing", slug="billing", position=1)
    TicketTypeFactory(
        tenant=acme.tenant, name="Degraded", slug="degraded", parent=incident, position=0
    )
    page = client_for(acme).get(change_url(matrix_for(acme.tenant))).content.decode()
    section = page.split('name="levels-0-ticket_types"')[1].split("</select>")[0]
    names = ["Billing", "Incident", "Incident › Degraded", "Incident › Outage"]
    positions = [section.index(f">{name}</option>") for name in names]
    assert positions == sorted(positions)


def test_foreign_people_and_levels_are_refused(two_tenants, ladder):
    acme, globex = two_tenants
    matrix = matrix_for(acme.tenant)
    theirs = level(globex.tenant, 3, "Globex managers", audience="managers")
    levels = saved_levels(matrix)
    levels[0]["users"] = [globex.engineer.pk]
    response = client_for(acme).post(
        change_url(matrix),
        post_data(matrix, levels=levels, rules=[*saved_rules(matrix), rule_row(theirs)]),
    )
    assert response.status_code == 200
    assert response.content.decode().count("Select a valid choice") == 2
    assert not EscalationRule.objects.filter(level=theirs, matrix=matrix).exists()
    assert not EscalationLevel.objects.filter(users=globex.engineer).exists()


@pytest.mark.parametrize(
    "row,message",
    [
        (dict(threshold="percent", amount=0), "A share of the target runs from 1 to 1000 %."),
        (dict(threshold="percent", amount=1500), "A share of the target runs from 1 to 1000 %."),
        (dict(threshold="after_due", amount=0), "Say how many minutes after the due time."),
        (dict(threshold="before_due", amount=0), "Say how many minutes before the due time."),
        (dict(level=None), "Choose a level to escalate to, or warn the assignee."),
        (
            dict(level=None, notify_assignee=True, reassign=True),
            "Handing over needs a level to hand over to.",
        ),
    ],
)
def test_rule_mistakes_are_form_errors(acme, ladder, row, message):
    matrix = matrix_for(acme.tenant)
    l2, _ = ladder
    target = row.pop("level", l2)
    before = EscalationRule.objects.count()
    response = client_for(acme).post(
        change_url(matrix),
        post_data(
            matrix,
            levels=saved_levels(matrix),
            rules=[*saved_rules(matrix), rule_row(target, priority="P2", **row)],
        ),
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert EscalationRule.objects.count() == before


def test_at_breach_keeps_no_stray_amount(acme, ladder):
    matrix = matrix_for(acme.tenant)
    l2, _ = ladder
    client_for(acme).post(
        change_url(matrix),
        post_data(
            matrix,
            levels=saved_levels(matrix),
            rules=[*saved_rules(matrix), rule_row(l2, priority="P2", amount=45)],
        ),
    )
    assert EscalationRule.objects.get(priority="P2").describe() == (
        "P2, first response at breach: L2 Senior engineer"
    )


@pytest.mark.parametrize(
    "row,message",
    [
        (level_row("l3 support MANAGER", 5, audience="staff"), "Another level is called"),
        (level_row("L5 Nobody", 5), "Name the people or addresses of this level"),
        (level_row("L5 Tiered", 5, audience="managers", tier="L3"), "A tier narrows the engineers"),
        (level_row("L5 Typo", 5, emails="boss at acme"), "Not an email address: boss at acme."),
        (level_row("L0 Below", 0, audience="staff"), "Ranks start at 1"),
    ],
)
def test_level_mistakes_are_form_errors(acme, ladder, row, message):
    matrix = matrix_for(acme.tenant)
    response = client_for(acme).post(
        change_url(matrix),
        post_data(matrix, levels=[*saved_levels(matrix), row], rules=saved_rules(matrix)),
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert EscalationLevel.objects.filter(matrix=matrix).count() == 2


def test_two_levels_swap_names_in_one_save(acme, ladder):
    matrix = matrix_for(acme.tenant)
    levels = saved_levels(matrix)
    levels[0]["name"], levels[1]["name"] = levels[1]["name"], levels[0]["name"]
    response = client_for(acme).post(
        change_url(matrix), post_data(matrix, levels=levels, rules=saved_rules(matrix))
    )
    assert response.status_code == 302
    assert list(EscalationLevel.objects.filter(matrix=matrix).values_list("rank", "name")) == [
        (2, "L3 Support manager"),
        (3, "L2 Senior engineer"),
    ]


def test_a_level_rules_escalate_to_is_not_deleted_under_them(acme, ladder):
    matrix = matrix_for(acme.tenant)
    client = client_for(acme)
    levels = saved_levels(matrix)
    levels[1]["DELETE"] = "on"  # L3, which the P1 rule escalates to
    response = client.post(
        change_url(matrix), post_data(matrix, levels=levels, rules=saved_rules(matrix))
    )
    assert "Rules still escalate to L3 Support manager" in response.content.decode()
    assert EscalationLevel.objects.filter(name="L3 Support manager").exists()

    rules = saved_rules(matrix)
    rules[0]["DELETE"] = "on"
    response = client.post(change_url(matrix), post_data(matrix, levels=levels, rules=rules))
    assert response.status_code == 302
    assert not EscalationLevel.objects.filter(name="L3 Support manager").exists()
    assert not EscalationRule.objects.exists()


def test_saving_the_matrix_plans_open_tickets_again(
    acme, plan, make_ticket, django_capture_on_commit_callbacks
):
    matrix = matrix_for(acme.tenant)
    manager = level(acme.tenant, 3, "L3 Support manager", audience="managers")
    opened = pacific(2026, 11, 24, 10, 0)
    with at(opened):
        ticket = make_ticket(priority="P1")
    assert ticket.escalation_check_at is None  # no rules yet

    with at(opened + timedelta(minutes=5)), django_capture_on_commit_callbacks(execute=True):
        response = client_for(acme).post(
            change_url(matrix),
            post_data(
                matrix,
                levels=saved_levels(matrix),
                rules=[rule_row(manager, priority="P1", threshold="percent", amount=50)],
            ),
        )
    assert response.status_code == 302
    ticket.refresh_from_db()
    # P1 first response is 1 hour on the 24/7 clock: 50 % is half an hour after opening.
    assert ticket.escalation_check_at == opened + timedelta(minutes=30)


def _page_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_matrix_page_costs_the_same_queries_for_a_short_or_long_ladder(acme):
    client = client_for(acme)
    matrix = matrix_for(acme.tenant)
    TicketTypeFactory(tenant=acme.tenant, name="Networking", slug="networking")

    def grow_to(count):
        while matrix.levels.count() < count:
            rank = matrix.levels.count() + 1
            step = level(acme.tenant, rank, f"L{rank}", users=[acme.engineer], emails="x@acme.test")
            rule(acme.tenant, priority="P1", threshold="after_due", amount=rank, level=step)

    grow_to(2)
    _page_queries(client, change_url(matrix))  # warm the per-process caches
    short = _page_queries(client, change_url(matrix))
    grow_to(8)
    assert _page_queries(client, change_url(matrix)) == short


def test_superuser_lists_every_matrix_and_adds_one_per_tenant(two_tenants, ladder):
    acme, globex = two_tenants
    client = Client(HTTP_HOST="localhost")
    client.force_login(SuperuserFactory(email="root@platform.test"))
    listing = client.get(CHANGELIST).content.decode()
    assert "Escalation matrix of Acme" in listing
    taken = client.post(
        f"{CHANGELIST}add/", {"tenant": acme.tenant.pk, "is_active": "on"}
    ).content.decode()
    assert "already exists" in taken
    response = client.post(f"{CHANGELIST}add/", {"tenant": globex.tenant.pk, "is_active": "on"})
    assert response.status_code == 302
    assert EscalationMatrix.objects.filter(tenant=globex.tenant).count() == 1
