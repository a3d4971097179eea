"""One rule for editing an SLA matrix: tickets opened afterwards use it; open tickets keep
their due times until an admin previews and applies "Recompute open tickets"."""

import re

import pytest
from django.test import Client

from sla.models import SlaMatrixRevision, SupportPlan
from sla.services import plan_set_matrix
from sla.targets import parse_target
from tests.tickets.conftest import open_ticket
from tests.tickets.test_sla_on_tickets import at, pt
from tickets.models import SlaState, Status, Ticket
from tickets.services import ticket_priority_change, ticket_reply, ticket_transition
from tickets.services.sla import sla_recompute_open_tickets, sla_recompute_preview

from .factories import plan_with_matrix

pytestmark = pytest.mark.django_db
BASE = "http://acme.localhost/"
FR, RES = "first_response", "resolution"


def edit(world, cells: dict):
    plan = world.org.plan
    plan_set_matrix(
        plan=plan,
        calendar=plan.calendar,
        cells={cell: parse_target(text) for cell, text in cells.items()},
    )


def fresh(ticket) -> Ticket:
    return Ticket.objects.select_related("organization", "tenant").get(pk=ticket.pk)


def admin_client(world) -> Client:
    client = Client(HTTP_HOST=world.host)
    client.force_login(world.tenant_admin)
    return client


def recompute_url(plan) -> str:
    return f"/admin/sla/supportplan/recompute/?plan={plan.pk}"


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_saving_keeps_open_tickets_promise_and_new_tickets_use_the_new_matrix(
    planned, ticket_type, login
):
    with at(pt(9, 9)):
        promised = open_ticket(planned, ticket_type, priority="P2")
    assert promised.first_response_due_at == pt(9, 13)
    with at(pt(9, 9, 30)):
        edit(planned, {("P2", FR): "2 bh"})
    with at(pt(9, 9, 40)):
        newer = open_ticket(planned, ticket_type, priority="P2", title="Newer")
    assert newer.first_response_due_at == pt(9, 11, 40)

    with at(pt(9, 9, 45)):
        customer_page = login(planned.customer).get(promised.get_absolute_url())
        staff_page = login(planned.engineer).get(promised.get_absolute_url())
        queue = login(planned.engineer).get("/queue/open/")
    assert "We will respond by Mon 9 Feb 2026, 13:00 PST" in text_of(customer_page)
    staff = text_of(staff_page)
    # The badge and the due text beside it: one evaluation, the ticket's own terms.
    assert "3 h 15 m business time left" in staff
    assert "4 business hours · due Mon 9 Feb 2026, 13:00 PST" in staff
    assert fresh(promised).first_response_due_at == pt(9, 13)
    # The queue's badges read the same terms as the ticket page.
    row = text_of(queue).split(promised.reference, 1)[1].split(newer.reference, 1)[0]
    assert "FR 3 h 15 m business time left" in row


def test_the_tickets_own_changes_recompute_it_on_its_own_terms(planned, ticket_type):
    with at(pt(9, 9)):
        ticket = open_ticket(planned, ticket_type, priority="P2")
    assert ticket.resolution_due_at == pt(11, 9)  # 2 bd = 18 bh: Mon 8, Tue 9, Wed 1
    with at(pt(9, 9, 30)):
        edit(planned, {("P1", FR): "30 minutes (24/7)", ("P2", RES): "1 bd"})
    with at(pt(9, 10)):
        ticket_transition(
            ticket=ticket, actor=planned.engineer, to_status=Status.ON_HOLD, base_url=BASE
        )
    with at(pt(9, 11)):
        ticket_reply(ticket=ticket, actor=planned.customer, body="Here it is", base_url=BASE)
    ticket = fresh(ticket)
    assert ticket.status == Status.IN_PROGRESS
    # The hour on hold moves the promise by an hour, on the 2 business days it was given.
    assert ticket.resolution_due_at == pt(11, 10)
    with at(pt(9, 11, 5)):
        ticket_priority_change(
            ticket=ticket, actor=planned.engineer, priority="P1", reason="Stores offline"
        )
    ticket = fresh(ticket)
    # Raised to P1: the P1 row of the matrix it was opened under (1 hour, not 30 minutes).
    assert ticket.first_response_due_at == pt(9, 10)


def test_preview_shows_what_would_move_and_writes_nothing(planned, ticket_type):
    with at(pt(9, 9)):
        tighter = open_ticket(planned, ticket_type, priority="P2", title="Tighter")
        looser = open_ticket(planned, ticket_type, priority="P3", title="Looser")
        open_ticket(planned, ticket_type, priority="P1", title="Unchanged")
    with at(pt(9, 9, 30)):
        edit(planned, {("P2", FR): "2 bh", ("P3", FR): "16 bh"})
    with at(pt(9, 12)):
        preview = sla_recompute_preview(tenant=planned.tenant, plan=planned.org.plan)
    assert (preview.examined, preview.moving) == (3, 2)
    assert (preview.earlier_count, preview.later_count, preview.breached_count) == (1, 1, 1)
    [earlier] = preview.earlier
    assert (earlier.reference, earlier.before, earlier.after) == (
        tighter.reference,
        pt(9, 13),
        pt(9, 11),
    )
    [later] = preview.later
    assert (later.reference, later.before, later.after) == (looser.reference, pt(9, 17), pt(10, 16))
    [breached] = preview.breached
    assert breached.reference == tighter.reference
    assert fresh(tighter).first_response_due_at == pt(9, 13)  # nothing written

    with at(pt(9, 12)):
        # The P1 ticket breached on its own at 10:00: its stored state is brought up to date.
        assert sla_recompute_open_tickets(tenant=planned.tenant, plan=planned.org.plan) == 3
    tighter, looser = fresh(tighter), fresh(looser)
    assert (tighter.first_response_due_at, tighter.first_response_state) == (
        pt(9, 11),
        SlaState.BREACHED,
    )
    assert looser.first_response_due_at == pt(10, 16)
    assert not SlaMatrixRevision.objects.filter(plan=planned.org.plan).exists()
    with at(pt(9, 12, 5)):
        assert sla_recompute_preview(tenant=planned.tenant).moving == 0


def test_a_kept_breach_shows_the_due_time_it_missed(planned, ticket_type, login):
    with at(pt(9, 9)):
        ticket = open_ticket(planned, ticket_type, priority="P2")
    with at(pt(9, 14)):  # an hour past the 13:00 promise
        ticket_reply(ticket=ticket, actor=planned.engineer, body="Sorry", base_url=BASE)
    ticket = fresh(ticket)
    assert (ticket.first_response_state, ticket.first_response_due_at) == (
        SlaState.BREACHED,
        pt(9, 13),
    )
    with at(pt(9, 15)):
        edit(planned, {("P2", FR): "2 bd"})
        sla_recompute_open_tickets(tenant=planned.tenant)
        page = text_of(login(planned.engineer).get(ticket.get_absolute_url()))
    assert fresh(ticket).first_response_due_at == pt(9, 13)
    first_response = page.split("First response", 1)[1].split("Resolution", 1)[0]
    assert "breached 2 h ago" in first_response
    assert "due Mon 9 Feb 2026, 13:00 PST" in first_response


def test_admin_saves_previews_and_applies(planned, ticket_type):
    plan = planned.org.plan
    with at(pt(9, 9)):
        ticket = open_ticket(planned, ticket_type, priority="P2")
    client = admin_client(planned)
    data = {"calendar": plan.calendar_id}
    for priority, metric, text in [
        ("P1", FR, "1 hour (24/7)"),
        ("P1", RES, "1 bd"),
        ("P2", FR, "2 bh"),
        ("P2", RES, "2 bd"),
        ("P3", FR, "8 bh"),
        ("P3", RES, "N/A"),
        ("P4", FR, "N/A"),
        ("P4", RES, "N/A"),
    ]:
        data[f"cell_{priority}_{metric}"] = text
    with at(pt(9, 9, 30)):
        saved = client.post(f"/admin/sla/supportplan/{plan.pk}/matrix/", data, follow=True)
    message = text_of(saved)
    assert (
        "Tickets opened from now on use it; open tickets keep their due times until you "
        "recompute them." in message
    )
    assert fresh(ticket).first_response_due_at == pt(9, 13)

    with at(pt(9, 9, 40)):
        page = client.get(recompute_url(plan))
    preview = text_of(page)
    assert (
        "1 open ticket examined: 1 would move (1 earlier, 0 later), 0 would become breached"
        in preview
    )
    assert f"{ticket.reference}" in preview
    assert "Mon 9 Feb 2026, 13:00 PST" in preview and "Mon 9 Feb 2026, 11:00 PST" in preview
    assert "2 h earlier" in preview
    stamp = SupportPlan.objects.get(pk=plan.pk).matrix_changed_at.isoformat()
    assert f'name="seen" value="{stamp}"' in page.content.decode()

    # The matrix changed again after the preview: applying refuses and shows it anew.
    with at(pt(9, 9, 45)):
        edit(planned, {("P2", FR): "3 bh"})
        refused = client.post("/admin/sla/supportplan/recompute/", {"plan": plan.pk, "seen": stamp})
    assert "The SLA matrix changed since that preview" in text_of(refused)
    assert fresh(ticket).first_response_due_at == pt(9, 13)

    stamp = SupportPlan.objects.get(pk=plan.pk).matrix_changed_at.isoformat()
    with at(pt(9, 9, 50)):
        applied = client.post(
            "/admin/sla/supportplan/recompute/", {"plan": plan.pk, "seen": stamp}, follow=True
        )
    assert "Recomputed the SLA of 1 open ticket." in text_of(applied)
    assert fresh(ticket).first_response_due_at == pt(9, 12)


def test_another_tenants_plan_cannot_be_previewed(two_tenants):
    acme, globex = two_tenants
    plan = plan_with_matrix(tenant=globex.tenant, cells={("P1", FR): "1 hour (24/7)"})
    response = admin_client(acme).get(recompute_url(plan))
    assert response.status_code == 404


def test_choosing_another_calendar_in_the_plan_form_keeps_open_tickets_on_theirs(
    planned, ticket_type
):
    from .factories import BusinessCalendarFactory

    plan = planned.org.plan
    late = BusinessCalendarFactory(
        tenant=planned.tenant, hours=[(d, "12:00", "20:00") for d in range(5)]
    )
    with at(pt(9, 9)):
        kept = open_ticket(planned, ticket_type, priority="P2")
    with at(pt(9, 9, 30)):
        response = admin_client(planned).post(
            f"/admin/sla/supportplan/{plan.pk}/change/",
            {
                "name": plan.name,
                "slug": plan.slug,
                "description": "",
                "position": 0,
                "calendar": late.pk,
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    with at(pt(9, 9, 40)):
        newer = open_ticket(planned, ticket_type, priority="P2", title="Newer")
        ticket_reply(ticket=kept, actor=planned.customer, body="Any news?", base_url=BASE)
    assert fresh(kept).first_response_due_at == pt(9, 13)
    assert newer.first_response_due_at == pt(9, 16)  # 4 business hours from 12:00


def test_earlier_terms_cost_the_queue_queries_only_while_the_books_reload(
    planned, ticket_type, login
):
    """A matrix saved over makes the next page reload the plan books (with the earlier
    matrix kept for the tickets opened before); the pages after it cost what they did."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(planned.engineer)

    def queue_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/queue/open/").status_code == 200
        return len(queries)

    with at(pt(9, 9)):
        open_ticket(planned, ticket_type, priority="P2")
        client.get("/queue/open/")  # warm the per-process tenant-by-host cache
        plain = queue_queries()
        edit(planned, {("P2", FR): "2 bh"})
        # The tenant's kept data reloads: plans, targets, weekly hours, holidays and the
        # earlier matrix, the catalogue, the organizations, the engineers of the assignee
        # menu and the incidents to link.
        reload = queue_queries()
        one_row = queue_queries()
        for n in range(8):
            open_ticket(planned, ticket_type, priority="P2", title=f"More {n}")
        edit(planned, {("P2", FR): "3 bh"})
        queue_queries()
        many_rows = queue_queries()
        sla_recompute_open_tickets(tenant=planned.tenant)
        queue_queries()
        recomputed = queue_queries()
    assert reload == plain + 9
    assert one_row == many_rows == recomputed == plain
