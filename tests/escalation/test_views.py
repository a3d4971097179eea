"""Escalation on the staff ticket page: the panel, escalating and de-escalating by hand."""

import html

import pytest
from django.core import mail
from django.test import Client

from escalation.models import Audience, EscalationEvent, Threshold
from escalation.services import escalations_run_due, ticket_escalate
from helpdesk.priorities import Priority
from tests.factories import EngineerFactory
from tickets.models import EventKind, TicketEvent
from tickets.services import ticket_assign

from .conftest import at, pacific
from .factories import level, rule

pytestmark = pytest.mark.django_db
BASE = "http://acme.localhost/"


@pytest.fixture
def senior(acme):
    return EngineerFactory(
        tenant=acme.tenant, tier="L2", full_name="Sam Senior", email="sam@acme.test"
    )


@pytest.fixture
def ladder(acme, senior):
    return (
        level(acme.tenant, 1, "L1 Engineer", audience=Audience.ENGINEERS, tier="L1"),
        level(acme.tenant, 2, "L2 Senior engineer", users=[senior], emails="dba@partner.test"),
        level(acme.tenant, 3, "L3 Support manager", audience=Audience.MANAGERS),
    )


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def escalate_url(ticket) -> str:
    return f"/tickets/{ticket.reference}/escalate/"


def deescalate_url(ticket) -> str:
    return f"/tickets/{ticket.reference}/deescalate/"


def form_on(page: str, action: str) -> str:
    """The HTML of the form posting to ``action`` ("" when the page has none)."""
    start = page.find(f'action="{action}"')
    return page[start : page.index("</form>", start)] if start >= 0 else ""


def escalate(client, ticket, level_, reason="Needs a database specialist", **extra):
    data = {"escalate-level": level_.pk, "escalate-reason": reason, **extra}
    return client.post(escalate_url(ticket), data)


def test_escalation_urls_are_not_found_outside_the_tenants_staff(
    two_tenants, ladder, make_ticket, login
):
    acme, globex = two_tenants
    ticket = make_ticket()
    posts = [
        (escalate_url(ticket), {"escalate-level": ladder[0].pk, "escalate-reason": "x"}),
        (deescalate_url(ticket), {"deescalate-level": "none", "deescalate-reason": "x"}),
    ]
    for client in (
        login(acme.customer),  # the ticket's own requester
        login(acme.org_admin),
        login(acme.other_org_customer),
        login(globex.engineer),  # on their own portal
        login(globex.manager),
    ):
        for url, data in posts:
            assert client.post(url, data).status_code == 404, url
            # The same number under the other help desk's prefix is not this ticket either.
            theirs = url.replace(acme.tenant.ticket_prefix, globex.tenant.ticket_prefix)
            assert client.post(theirs, data).status_code == 404, theirs
    # Another help desk's engineer on this portal is signed out before anything else.
    foreign = Client(HTTP_HOST=acme.host)
    foreign.force_login(globex.engineer)
    for url, data in posts:
        response = foreign.post(url, data)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    # Missing tickets look the same as forbidden ones; reading the URLs is not allowed.
    staff = login(acme.manager)
    assert (
        staff.post(f"/tickets/{acme.tenant.ticket_prefix}-99999/escalate/", posts[0][1]).status_code
        == 404
    )
    assert staff.get(escalate_url(ticket)).status_code == 405
    assert staff.get(deescalate_url(ticket)).status_code == 405
    ticket.refresh_from_db()
    assert ticket.escalation_level is None
    assert not EscalationEvent.objects.exists()


def test_customers_never_see_the_escalation(acme, ladder, make_ticket, login):
    ticket = make_ticket()
    ticket_escalate(
        ticket=ticket,
        actor=acme.engineer,
        reason="Kernel panic in the VPN appliance",
        base_url=BASE,
    )
    for customer in (acme.customer, acme.org_admin):
        page = page_text(login(customer).get(ticket.get_absolute_url()))
        assert "Kernel panic" not in page
        assert "L1 Engineer" not in page
        assert "escalat" not in page.lower()
    staff_page = page_text(login(acme.engineer).get(ticket.get_absolute_url()))
    assert "Kernel panic in the VPN appliance" in staff_page


def test_engineer_escalates_with_a_reason_and_the_level_is_emailed(
    acme, ladder, senior, make_ticket, login, django_capture_on_commit_callbacks
):
    _l1, l2, _l3 = ladder
    ticket = make_ticket(title="Replication lag on the orders database")
    client = login(acme.engineer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = escalate(client, ticket, l2, reason="Replica is 40 minutes behind")
    assert response.status_code == 302
    assert response["Location"] == f"{ticket.get_absolute_url()}#escalation-title"

    ticket.refresh_from_db()
    assert ticket.escalation_level == l2
    event = EscalationEvent.objects.get(ticket=ticket)
    assert (event.kind, event.actor, event.reason) == (
        "manual",
        acme.engineer,
        "Replica is 40 minutes behind",
    )
    assert sorted(email for message in mail.outbox for email in message.to) == [
        "dba@partner.test",
        senior.email,
    ]
    assert all(ticket.reference in message.subject for message in mail.outbox)

    page = page_text(client.get(response["Location"]))
    assert f"{ticket.reference} is escalated to L2 Senior engineer: 2 people notified." in page
    panel = page[page.index('id="escalation-title"') :]
    assert '<span class="badge badge-escalation">L2 Senior engineer</span>' in panel
    assert "escalated to <strong>L2 Senior engineer</strong>" in panel
    assert "“Replica is 40 minutes behind”" in panel
    assert f"To: {senior.email}, dba@partner.test" in panel
    timeline = page[page.index('aria-label="Conversation"') :]
    assert (
        f"<strong>{acme.engineer}</strong> escalated to <strong>L2 Senior engineer</strong>"
        " — “Replica is 40 minutes behind”" in timeline
    )


def test_the_form_proposes_the_next_level_up_and_hides_lower_ones(acme, ladder, make_ticket, login):
    l1, l2, l3 = ladder
    ticket = make_ticket()
    client = login(acme.engineer)
    # Not escalated: the ticket is with L1 already, so the form starts above it.
    form = form_on(page_text(client.get(ticket.get_absolute_url())), escalate_url(ticket))
    assert f'<option value="{l2.pk}" selected>L2 Senior engineer</option>' in form
    assert f'<option value="{l1.pk}"' not in form
    refused = escalate(client, ticket, l1)
    assert refused.status_code == 400
    assert not EscalationEvent.objects.filter(ticket=ticket).exists()
    ticket_escalate(ticket=ticket, actor=acme.engineer, reason="Stuck", level=l2, base_url=BASE)
    form = form_on(page_text(client.get(ticket.get_absolute_url())), escalate_url(ticket))
    assert f'<option value="{l3.pk}" selected>L3 Support manager</option>' in form
    assert f'<option value="{l1.pk}"' not in form
    assert f'<option value="{l2.pk}"' not in form
    ticket_escalate(ticket=ticket, actor=acme.engineer, reason="Worse", base_url=BASE)
    page = page_text(client.get(ticket.get_absolute_url()))
    assert "L3 Support manager is the top of the ladder for this ticket." in page
    assert form_on(page, escalate_url(ticket)) == ""


def test_at_the_top_the_panel_plans_no_next_step_back_down(acme, plan, ladder, make_ticket, login):
    _l1, l2, l3 = ladder
    rule(acme.tenant, priority=Priority.P1, threshold=Threshold.PERCENT, amount=50, level=l2)
    with at(pacific(2026, 11, 24, 15, 0)):
        ticket = make_ticket(priority=Priority.P1)
        ticket_escalate(
            ticket=ticket, actor=acme.engineer, reason="Stores offline", level=l3, base_url=BASE
        )
    with at(pacific(2026, 11, 24, 15, 10)):
        page = page_text(login(acme.engineer).get(ticket.get_absolute_url()))
    next_step = page[page.index("<dt>Next</dt>") : page.index("</dd>", page.index("<dt>Next</dt>"))]
    assert "L2 Senior engineer" not in next_step
    assert "None: L3 Support manager is the top of the ladder" in next_step
    assert form_on(page, escalate_url(ticket)) == ""


def test_empty_reason_is_refused_with_a_clear_error(acme, ladder, make_ticket, login):
    ticket = make_ticket()
    client = login(acme.engineer)
    response = escalate(client, ticket, ladder[1], reason="   ")
    assert response.status_code == 400
    page = page_text(response)
    assert "Say why the ticket needs escalating." in page
    # The page is the ticket page, with the level the engineer chose still chosen.
    assert ticket.title in page
    assert f'<option value="{ladder[1].pk}" selected>' in form_on(page, escalate_url(ticket))
    ticket.refresh_from_db()
    assert ticket.escalation_level is None
    assert not EscalationEvent.objects.exists()


def test_a_level_not_offered_is_refused_and_the_reason_kept(
    two_tenants, ladder, make_ticket, login
):
    acme, globex = two_tenants
    ticket = make_ticket()
    client = login(acme.engineer)
    ticket_escalate(
        ticket=ticket, actor=acme.engineer, reason="Stuck", level=ladder[1], base_url=BASE
    )
    foreign = level(globex.tenant, 5, "Globex directors")
    for chosen in (ladder[0], ladder[1], foreign):  # lower, the same, another tenant's
        response = escalate(client, ticket, chosen, reason="The vendor asked for a manager")
        assert response.status_code == 400
        page = page_text(response)
        assert "Choose a level above the ticket's current one that handles this ticket." in page
        assert "The vendor asked for a manager</textarea>" in page
    ticket.refresh_from_db()
    assert ticket.escalation_level == ladder[1]
    assert EscalationEvent.objects.filter(ticket=ticket).count() == 1


def test_resolved_tickets_are_not_escalated(acme, ladder, make_ticket, login):
    from tickets.services import ticket_transition

    ticket = make_ticket()
    ticket_transition(ticket=ticket, actor=acme.engineer, to_status="resolved", base_url=BASE)
    client = login(acme.engineer)
    page = page_text(client.get(ticket.get_absolute_url()))
    assert form_on(page, escalate_url(ticket)) == ""
    assert "None: the ticket is resolved" in page
    response = escalate(client, ticket, ladder[0], reason="Too late")
    assert response.status_code == 400
    assert "Choose a level above" in page_text(response)
    assert not EscalationEvent.objects.exists()


def test_hand_over_unassigns_and_the_timeline_says_so(acme, ladder, make_ticket, login):
    ticket = make_ticket()
    ticket_assign(ticket=ticket, actor=acme.engineer, assignee=acme.engineer, base_url=BASE)
    client = login(acme.engineer)
    response = escalate(
        client, ticket, ladder[1], reason="Out of my depth", **{"escalate-hand_over": "on"}
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.assignee is None
    page = page_text(client.get(ticket.get_absolute_url()))
    assert (
        f"<strong>{acme.engineer}</strong> unassigned {acme.engineer}"
        " — “Handed over to L2 Senior engineer.”" in page
    )


def test_engineers_cannot_deescalate(acme, ladder, make_ticket, login):
    ticket = make_ticket()
    ticket_escalate(
        ticket=ticket, actor=acme.engineer, reason="Stuck", level=ladder[1], base_url=BASE
    )
    client = login(acme.engineer)
    page = page_text(client.get(ticket.get_absolute_url()))
    assert "De-escalate" not in page
    response = client.post(
        deescalate_url(ticket), {"deescalate-level": "none", "deescalate-reason": "Fixed"}
    )
    assert response.status_code == 302
    assert "Only managers de-escalate tickets." in page_text(client.get(response["Location"]))
    ticket.refresh_from_db()
    assert ticket.escalation_level == ladder[1]


def test_a_manager_brings_a_ticket_down_with_a_reason(acme, ladder, make_ticket, login):
    l1, _l2, l3 = ladder
    ticket = make_ticket()
    ticket_escalate(ticket=ticket, actor=acme.engineer, reason="Stuck", level=l3, base_url=BASE)
    client = login(acme.manager)
    page = page_text(client.get(ticket.get_absolute_url()))
    # The level just below is proposed; "Not escalated" takes it off the ladder.
    assert 'name="deescalate-level"' in page
    assert '<option value="none">Not escalated</option>' in page

    response = client.post(
        deescalate_url(ticket), {"deescalate-level": l1.pk, "deescalate-reason": ""}
    )
    assert response.status_code == 400
    assert "Say why the ticket comes down." in page_text(response)

    response = client.post(
        deescalate_url(ticket),
        {"deescalate-level": l1.pk, "deescalate-reason": "A workaround is in place"},
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.escalation_level == l1
    page = page_text(client.get(ticket.get_absolute_url()))
    assert f"{ticket.reference} is down to L1 Engineer." in page
    assert (
        f"<strong>{acme.manager}</strong> de-escalated from L3 Support manager to "
        "<strong>L1 Engineer</strong> — “A workaround is in place”" in page
    )

    response = client.post(
        deescalate_url(ticket), {"deescalate-level": "none", "deescalate-reason": "Solved"}
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.escalation_level is None
    page = page_text(client.get(ticket.get_absolute_url()))
    assert "de-escalated from L1 Engineer <strong>off the ladder</strong>" in page
    panel = page[page.index('id="escalation-title"') :]
    assert "Not escalated" in panel
    assert [e.kind for e in EscalationEvent.objects.filter(ticket=ticket)] == [
        "manual",
        "deescalated",
        "deescalated",
    ]


def test_a_manager_cannot_bring_a_ticket_up_by_deescalating(acme, ladder, make_ticket, login):
    l1, l2, l3 = ladder
    ticket = make_ticket()
    ticket_escalate(ticket=ticket, actor=acme.engineer, reason="Stuck", level=l2, base_url=BASE)
    response = login(acme.manager).post(
        deescalate_url(ticket), {"deescalate-level": l3.pk, "deescalate-reason": "Oops"}
    )
    assert response.status_code == 400
    page = page_text(response)
    assert "Choose a level below the ticket's current one." in page
    assert "Oops</textarea>" in page
    ticket.refresh_from_db()
    assert ticket.escalation_level == l2


def test_the_panel_shows_the_next_planned_escalation_in_the_viewers_zone(
    acme, plan, ladder, make_ticket, login
):
    _l1, l2, l3 = ladder
    rule(acme.tenant, priority=Priority.P1, threshold=Threshold.PERCENT, amount=50, level=l2)
    rule(acme.tenant, priority=Priority.P1, threshold=Threshold.AT_DUE, level=l3)
    with at(pacific(2026, 11, 24, 15, 0)):  # a Tuesday; P1 first response due in 1 hour
        ticket = make_ticket(priority=Priority.P1)
    with at(pacific(2026, 11, 24, 15, 10)):
        client = login(acme.engineer)  # sessions last hours: sign in at the test's time
        page = page_text(client.get(ticket.get_absolute_url()))
    assert "<strong>L2 Senior engineer</strong> at" in page
    assert ">24 Nov 2026, 15:30</time> if nobody has responded" in page
    assert "Rule: P1, first response at 50 %: L2 Senior engineer" in page

    # Once the 50 % rule has fired, the breach rule is next; an engineer in New York reads
    # it in their own time.
    with at(pacific(2026, 11, 24, 15, 31)):
        escalations_run_due()
    acme.engineer.time_zone = "America/New_York"
    acme.engineer.save(update_fields=["time_zone"])
    with at(pacific(2026, 11, 24, 15, 32)):
        page = page_text(client.get(ticket.get_absolute_url()))
    assert "<strong>L3 Support manager</strong> at" in page
    assert ">24 Nov 2026, 19:00</time> if nobody has responded" in page
    panel = page[page.index('id="escalation-title"') :]
    assert "<strong>Matrix rule</strong> escalated to <strong>L2 Senior engineer</strong>" in panel


def test_rule_made_changes_read_as_the_escalation_matrix(acme, plan, ladder, make_ticket, login):
    _l1, l2, _l3 = ladder
    rule(
        acme.tenant,
        priority=Priority.P2,
        threshold=Threshold.AT_DUE,
        level=l2,
        reassign=True,
        raise_priority_to=Priority.P1,
    )
    with at(pacific(2026, 11, 24, 9, 0)):
        ticket = make_ticket(priority=Priority.P2)
        ticket_assign(ticket=ticket, actor=acme.engineer, assignee=acme.engineer, base_url=BASE)
    with at(pacific(2026, 11, 24, 11, 1)):  # two business hours later: first response due
        assert escalations_run_due() == 1
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.PRIORITY, actor=None).exists()

    with at(pacific(2026, 11, 24, 11, 5)):
        staff_page = page_text(login(acme.engineer).get(ticket.get_absolute_url()))
        customer_page = page_text(login(acme.customer).get(ticket.get_absolute_url()))
    assert "None" not in staff_page
    assert (
        f"<strong>The escalation matrix</strong> unassigned {acme.engineer}"
        " — “Handed over to L2 Senior engineer.”" in staff_page
    )
    assert "<strong>The escalation matrix</strong> changed the priority from P2 to" in staff_page
    assert "<strong>The escalation matrix</strong> escalated to <strong>L2 Senior engineer" in (
        staff_page
    )

    assert "None" not in customer_page
    assert "<strong>The help desk</strong> changed the priority from P2 to" in customer_page
    assert "escalat" not in customer_page.lower()
    assert "Handed over" not in customer_page


def test_an_on_call_page_reads_as_a_page(acme, plan, ladder, make_ticket, login):
    from escalation.models import EscalationMatrix

    from .factories import shift

    EscalationMatrix.objects.filter(tenant=acme.tenant).update(is_active=True)
    with at(pacific(2026, 11, 24, 22, 0)):  # after hours
        shift(acme.tenant, acme.engineer, pacific(2026, 11, 24, 17), pacific(2026, 11, 25, 8))
        ticket = make_ticket(priority=Priority.P1)
        page = page_text(login(acme.manager).get(ticket.get_absolute_url()))
    assert "<strong>The escalation matrix</strong> paged the on-call engineer" in page
    panel = page[page.index('id="escalation-title"') :]
    assert "<strong>On-call page</strong>" in panel
    assert f"To: {acme.engineer.email}" in panel


def test_escalating_to_a_level_nobody_is_on_warns_the_engineer(acme, make_ticket, login):
    level(acme.tenant, 1, "L1 Engineer", audience=Audience.ENGINEERS)
    empty = level(acme.tenant, 2, "L2 Night desk")
    ticket = make_ticket()
    client = login(acme.engineer)
    response = escalate(client, ticket, empty, reason="Nobody answers")
    page = page_text(client.get(response["Location"]))
    assert f"{ticket.reference} is escalated to L2 Night desk, but nobody was notified" in page
    ticket.refresh_from_db()
    assert ticket.escalation_level == empty
