"""The tickets API does what the pages do, with a token: lists, opens, changes, replies."""

from urllib.parse import urlsplit

import pytest

from helpdesk.priorities import Priority
from tickets.models import Message, Status, Ticket
from tickets.services import ticket_reply

from ..tickets.conftest import open_ticket
from ..tickets.factories import TicketTypeFactory, png

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ATTACHMENT_DOWNLOADS = "stream"


@pytest.fixture
def network(acme):
    return TicketTypeFactory(tenant=acme.tenant, name="Networking", slug="networking")


def test_a_customer_opens_a_ticket_and_reads_it_back(acme, network, api_as):
    api = api_as(acme.customer, host=acme.host)
    response = api.post(
        "/api/v1/tickets/",
        {
            "title": "VPN drops every hour",
            "text": "Since **Monday** the tunnel drops.",
            "type": network.pk,
            "priority": "P2",
            "affected_service": "VPN bog-prod",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    ticket = Ticket.objects.get(tenant=acme.tenant, number=body["number"])
    assert body["reference"] == ticket.reference
    assert body["status"] == "new"
    assert body["requester"]["email"] == acme.customer.email
    assert "<strong>Monday</strong>" in body["text_html"]
    assert body["url"].endswith(f"/tickets/{ticket.reference}/")
    assert body["first_response_state"] in ("running", "none")
    again = api.get(f"/api/v1/tickets/{ticket.reference}/")
    assert again.status_code == 200
    assert again.json()["title"] == "VPN drops every hour"


def test_opening_a_ticket_with_bad_input_says_what_is_wrong(acme, network, api_as):
    api = api_as(acme.customer, host=acme.host)
    response = api.post("/api/v1/tickets/", {"title": "", "type": 999999}, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert {"title", "text"} <= set(errors)
    response = api.post(
        "/api/v1/tickets/", {"title": "A", "text": "B", "type": 999999}, format="json"
    )
    assert response.status_code == 400
    assert "type" in response.json()
    assert not Ticket.objects.filter(tenant=acme.tenant).exists()


def test_staff_open_a_ticket_for_a_caller(acme, network, api_as):
    api = api_as(acme.engineer, host=acme.host)
    missing = api.post(
        "/api/v1/tickets/",
        {"title": "Printer", "text": "Jammed", "type": network.pk},
        format="json",
    )
    assert missing.status_code == 400
    assert "requester" in missing.json()
    response = api.post(
        "/api/v1/tickets/",
        {
            "title": "Printer",
            "text": "Jammed",
            "type": network.pk,
            "requester": acme.customer.pk,
            "channel": "phone",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(tenant=acme.tenant, number=response.json()["number"])
    assert ticket.requester == acme.customer
    assert ticket.channel == "phone"


def test_the_staff_list_is_the_queue_sorted_by_sla_due_and_paged_by_cursor(acme, network, api_as):
    tickets = [
        open_ticket(acme, network, title=f"Issue {n}", priority=Priority.P3) for n in range(7)
    ]
    urgent = open_ticket(acme, network, title="Everything is down", priority=Priority.P1)
    api = api_as(acme.engineer, host=acme.host)
    seen = []
    url = "/api/v1/tickets/?page_size=3"
    pages = 0
    while url:
        response = api.get(url)
        assert response.status_code == 200, response.content
        page = response.json()
        seen += [row["reference"] for row in page["results"]]
        url = page["next"]
        pages += 1
    assert pages == 3
    assert sorted(seen) == sorted(t.reference for t in [*tickets, urgent])
    assert len(seen) == len(set(seen))
    assert seen[0] == urgent.reference  # due soonest
    due = [
        Ticket.objects.get(tenant=acme.tenant, number=int(ref.split("-")[1])).sla_due_at
        for ref in seen
    ]
    present = [d for d in due if d is not None]
    assert present == sorted(present)


def test_the_staff_list_takes_the_queue_filters(acme, network, api_as):
    mine = open_ticket(acme, network, title="Mine")
    other = open_ticket(acme, network, title="Nobody's", priority=Priority.P4)
    api = api_as(acme.engineer, host=acme.host)
    assert (
        api.patch(
            f"/api/v1/tickets/{mine.reference}/", {"assignee": acme.engineer.pk}, format="json"
        ).status_code
        == 200
    )

    def refs(query):
        response = api.get(f"/api/v1/tickets/?{query}")
        assert response.status_code == 200, response.content
        return {row["reference"] for row in response.json()["results"]}

    assert refs("queue=mine") == {mine.reference}
    assert refs("queue=unassigned") == {other.reference}
    assert refs("priority=P4") == {other.reference}
    assert refs("q=Nobody") == {other.reference}
    assert refs(f"assignee={acme.engineer.pk}") == {mine.reference}
    assert refs("assignee=none") == {other.reference}
    bad = api.get("/api/v1/tickets/?queue=nope&status=lost")
    assert bad.status_code == 400
    assert {"queue"} <= set(bad.json()) or {"status"} <= set(bad.json())
    assert api.get("/api/v1/tickets/?cursor=garbage").status_code == 400


def test_a_customer_lists_only_their_own_tickets(acme, network, api_as):
    own = open_ticket(acme, network, title="Mine")
    open_ticket(acme, network, requester=acme.other_org_customer, title="Theirs")
    api = api_as(acme.customer, host=acme.host)
    rows = api.get("/api/v1/tickets/").json()["results"]
    assert [row["reference"] for row in rows] == [own.reference]


def test_changes_go_through_the_rules_of_the_ticket_page(acme, network, api_as):
    ticket = open_ticket(acme, network)
    staff = api_as(acme.engineer, host=acme.host)
    no_reason = staff.patch(
        f"/api/v1/tickets/{ticket.reference}/", {"priority": "P1"}, format="json"
    )
    assert no_reason.status_code == 400
    assert "reason" in no_reason.json()
    changed = staff.patch(
        f"/api/v1/tickets/{ticket.reference}/",
        {"priority": "P1", "reason": "Whole office offline", "status": "in_progress"},
        format="json",
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["priority"] == "P1"
    assert changed.json()["status"] == "in_progress"
    customer = api_as(acme.customer, host=acme.host)
    refused = customer.patch(
        f"/api/v1/tickets/{ticket.reference}/", {"priority": "P4", "reason": "x"}, format="json"
    )
    assert refused.status_code == 403
    # All or nothing: a refused change leaves the ticket as it was.
    mixed = staff.patch(
        f"/api/v1/tickets/{ticket.reference}/",
        {"priority": "P3", "reason": "calmer", "assignee": 999999},
        format="json",
    )
    assert mixed.status_code == 400
    ticket.refresh_from_db()
    assert ticket.priority == "P1"
    closed = customer.patch(
        f"/api/v1/tickets/{ticket.reference}/", {"status": "closed"}, format="json"
    )
    assert closed.status_code == 200
    assert Ticket.objects.get(pk=ticket.pk).status == Status.CLOSED


def test_replies_notes_and_the_conversation(acme, network, api_as):
    ticket = open_ticket(acme, network)
    staff = api_as(acme.engineer, host=acme.host)
    customer = api_as(acme.customer, host=acme.host)
    reply = staff.post(
        f"/api/v1/tickets/{ticket.reference}/replies/",
        {"body": "Restarting the tunnel."},
        format="json",
    )
    assert reply.status_code == 201, reply.content
    note = staff.post(
        f"/api/v1/tickets/{ticket.reference}/notes/",
        {"body": "Customer's ISP again."},
        format="json",
    )
    assert note.status_code == 201
    assert note.json()["internal"] is True
    assert (
        customer.post(
            f"/api/v1/tickets/{ticket.reference}/notes/", {"body": "sneaky"}, format="json"
        ).status_code
        == 404
    )
    answer = customer.post(
        f"/api/v1/tickets/{ticket.reference}/replies/", {"body": "Thanks!"}, format="json"
    )
    assert answer.status_code == 201
    empty = customer.post(
        f"/api/v1/tickets/{ticket.reference}/replies/", {"body": " "}, format="json"
    )
    assert empty.status_code == 400
    seen_by_customer = [
        m["body"] for m in customer.get(f"/api/v1/tickets/{ticket.reference}/messages/").json()
    ]
    assert seen_by_customer == ["Restarting the tunnel.", "Thanks!"]
    seen_by_staff = [
        m["body"] for m in staff.get(f"/api/v1/tickets/{ticket.reference}/messages/").json()
    ]
    assert seen_by_staff == ["Restarting the tunnel.", "Customer's ISP again.", "Thanks!"]
    assert Message.objects.filter(ticket=ticket).count() == 3


def test_files_go_up_and_come_down_with_the_same_permission_check(acme, network, api_as):
    ticket = open_ticket(acme, network)
    customer = api_as(acme.customer, host=acme.host)
    upload = customer.post("/api/v1/uploads/", {"file": png("trace.png")}, format="multipart")
    assert upload.status_code == 201, upload.content
    file_id = upload.json()["id"]
    added = customer.post(
        f"/api/v1/tickets/{ticket.reference}/attachments/",
        {"attachments": [file_id], "comment": "The trace"},
        format="json",
    )
    assert added.status_code == 201, added.content
    listed = customer.get(f"/api/v1/tickets/{ticket.reference}/attachments/").json()
    assert [f["name"] for f in listed] == ["trace.png"]
    download = customer.get(urlsplit(listed[0]["download_url"]).path)
    assert download.status_code == 200
    assert download["Content-Type"] == "image/png"
    assert b"".join(download.streaming_content).startswith(b"\x89PNG")
    bad = customer.post("/api/v1/uploads/", {"file": png("x.exe")}, format="multipart")
    assert bad.status_code == 400
    assert "x.exe" in str(bad.json())
    internal = api_as(acme.engineer, host=acme.host).post(
        "/api/v1/uploads/", {"file": png("internal.png")}, format="multipart"
    )
    ticket_reply(
        ticket=ticket,
        actor=acme.engineer,
        body="internal",
        internal=True,
        attachment_ids=[internal.json()["id"]],
        base_url="http://acme.localhost/",
    )
    names = [
        f["name"] for f in customer.get(f"/api/v1/tickets/{ticket.reference}/attachments/").json()
    ]
    assert names == ["trace.png"]
    hidden = customer.get(
        f"/api/v1/tickets/{ticket.reference}/attachments/{internal.json()['id']}/download/"
    )
    assert hidden.status_code == 404


def test_the_sla_and_escalation_history(acme, network, api_as):
    ticket = open_ticket(acme, network, priority=Priority.P1)
    staff = api_as(acme.engineer, host=acme.host)
    sla = staff.get(f"/api/v1/tickets/{ticket.reference}/sla/")
    assert sla.status_code == 200
    body = sla.json()
    assert body["reference"] == ticket.reference
    assert {m["metric"] for m in body["metrics"]} == {"first_response", "resolution"}
    assert staff.get(f"/api/v1/tickets/{ticket.reference}/escalations/").json() == []
    customer = api_as(acme.customer, host=acme.host)
    assert customer.get(f"/api/v1/tickets/{ticket.reference}/sla/").status_code == 200
    assert customer.get(f"/api/v1/tickets/{ticket.reference}/escalations/").status_code == 404


@pytest.mark.parametrize("role", ["engineer", "customer"])
def test_the_list_costs_the_same_queries_for_2_rows_as_for_12(
    acme, network, api_as, django_assert_num_queries, role
):
    person = getattr(acme, role)
    api = api_as(person, host=acme.host)
    api.get("/api/v1/tickets/")  # the token's first use is recorded once
    counts = []
    for total in (2, 12):
        while Ticket.objects.filter(tenant=acme.tenant).count() < total:
            open_ticket(acme, network)
        # Token, page of rows, their organizations, their people; the kept catalogue and
        # tenant cost nothing.
        with django_assert_num_queries(4) as captured:
            response = api.get("/api/v1/tickets/?page_size=25")
        assert len(response.json()["results"]) == total
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_the_written_out_ticket_json_is_what_the_schemas_fields_make(acme, network, api_as):
    from django.utils import timezone

    from helpdesk.api.serializers import TicketDetailSerializer, TicketSerializer
    from tickets.selectors import ticket_for_actor

    plain = open_ticket(acme, network)
    busy = open_ticket(acme, network, priority=Priority.P1, steps="1. Connect\n2. Wait")
    api_as(acme.engineer, host=acme.host).patch(
        f"/api/v1/tickets/{busy.reference}/",
        {"assignee": acme.engineer.pk, "status": "resolved"},
        format="json",
    )
    context = {"base_url": "http://acme.localhost/"}
    for zone in ("UTC", "Europe/Madrid"):
        with timezone.override(zone):
            for ticket in (plain, busy):
                row = ticket_for_actor(
                    tenant=acme.tenant, actor=acme.engineer, reference=ticket.reference
                )
                for kind in (TicketSerializer, TicketDetailSerializer):
                    serializer = kind(row, context=context)
                    assert serializer.data == serializer.generic_representation(row)


def test_the_api_answers_in_the_token_holders_language(acme, network, api_as):
    acme.customer.language = "es"
    acme.customer.save(update_fields=["language"])
    api = api_as(acme.customer, host=acme.host)
    response = api.post(
        "/api/v1/tickets/", {"title": "A", "text": "B", "type": 999999}, format="json"
    )
    assert response.json()["type"] == ["Elija un tipo de solicitud de la lista."]
    english = api_as(acme.org_admin, host=acme.host)
    response = english.post(
        "/api/v1/tickets/", {"title": "A", "text": "B", "type": 999999}, format="json"
    )
    assert response.json()["type"] == ["Choose a request type from the list."]
