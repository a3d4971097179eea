import pytest
from django.core import mail

from helpdesk.models import OutboxEmail
from helpdesk.priorities import Priority
from tickets.models import Attachment, EventKind, Status, Ticket

from .factories import PriorityDefinitionFactory, TicketTypeFactory, png, text_file

pytestmark = pytest.mark.django_db


def form_data(ticket_type, **overrides):
    data = {
        "title": "VPN tunnel to AWS down",
        "ticket_type": ticket_type.pk,
        "priority": "P2",
        "affected_service": "VPN bog-prod",
        "text": "The tunnel drops **every** 30 minutes.",
        "steps": "1. Start a transfer\n2. Wait 30 minutes",
    }
    data.update(overrides)
    return data


def test_customer_opens_ticket_and_gets_number_and_email(
    acme, ticket_type, login, django_capture_on_commit_callbacks
):
    client = login(acme.customer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/tickets/new/", form_data(ticket_type, files=[png(), text_file()]), follow=True
        )
    ticket = Ticket.objects.get(tenant=acme.tenant)
    assert ticket.reference == f"{acme.tenant.ticket_prefix}-1001"
    assert response.redirect_chain[-1][0] == f"/tickets/{ticket.reference}/"
    page = response.content.decode()
    assert ticket.reference in page
    assert "<strong>every</strong>" in page
    assert "screenshot.png" in page and "app.log" in page
    assert ticket.status == Status.NEW
    assert ticket.organization == acme.org
    assert sorted(a.original_name for a in ticket.attachments.all()) == [
        "app.log",
        "screenshot.png",
    ]
    assert ticket.events.filter(kind=EventKind.CREATED).count() == 1
    # The customer's confirmation and the queue notification, both with the number.
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert ticket.reference in subjects[acme.customer.email]
    assert ticket.reference in subjects[acme.tenant.support_email]
    confirmation = next(m for m in mail.outbox if m.to == [acme.customer.email])
    assert f"http://acme.localhost/tickets/{ticket.reference}/" in confirmation.body
    assert confirmation.alternatives and "text/html" in confirmation.alternatives[0][1]


def test_numbers_are_sequential_per_tenant(two_tenants, make_ticket):
    acme, globex = two_tenants
    globex_type = TicketTypeFactory(tenant=globex.tenant)
    first = make_ticket()
    second = make_ticket()
    other = make_ticket(world=globex, type_=globex_type)
    assert (first.number, second.number) == (1001, 1002)
    assert other.number == 1001
    assert other.reference.startswith(globex.tenant.ticket_prefix)


def test_form_shows_catalogue_definitions_and_gathering_reminder(acme, ticket_type, login):
    PriorityDefinitionFactory(tenant=acme.tenant, priority=Priority.P1)
    page = login(acme.customer).get("/tickets/new/").content.decode()
    assert "Networking" in page
    assert "Only for a total interruption of critical business services." in page
    assert "Screenshots" in page and "logs" in page and "affected service" in page.lower()
    assert 'enctype="multipart/form-data"' in page


def test_two_level_catalogue_offers_subcategories_grouped(acme, login):
    reason = TicketTypeFactory(tenant=acme.tenant, name="Call tracking", slug="call-tracking")
    TicketTypeFactory(
        tenant=acme.tenant,
        parent=reason,
        name="Calls not connecting",
        slug="ct-calls",
        default_priority=Priority.P1,
    )
    page = login(acme.customer).get("/tickets/new/").content.decode()
    assert '<optgroup label="Call tracking">' in page
    assert "Calls not connecting" in page
    # The reason itself is a heading, not a choice.
    assert f'value="{reason.pk}"' not in page


def test_type_of_another_tenant_is_refused(two_tenants, ticket_type, login):
    acme, globex = two_tenants
    foreign = TicketTypeFactory(tenant=globex.tenant)
    response = login(acme.customer).post("/tickets/new/", form_data(foreign))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Ticket.objects.exists()


def test_rejected_file_keeps_text_and_other_files(acme, ticket_type, login):
    client = login(acme.customer)
    response = client.post(
        "/tickets/new/",
        form_data(ticket_type, files=[png("ok.png"), text_file("virus.exe", "MZ")]),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "“virus.exe” is not a file type we accept" in page
    assert "VPN tunnel to AWS down" in page
    assert "The tunnel drops **every** 30 minutes." in page
    assert "ok.png" in page  # kept, listed as already uploaded
    assert not Ticket.objects.exists()
    kept = Attachment.objects.get(original_name="ok.png")
    assert kept.ticket is None
    # Submitting again without picking the file again attaches the kept one.
    response = client.post(
        "/tickets/new/", form_data(ticket_type, kept=str(kept.public_id)), follow=True
    )
    ticket = Ticket.objects.get()
    assert [a.original_name for a in ticket.attachments.all()] == ["ok.png"]


def test_missing_fields_are_explained_and_typed_text_kept(acme, ticket_type, login):
    response = login(acme.customer).post(
        "/tickets/new/", form_data(ticket_type, title="", affected_service="")
    )
    page = response.content.decode()
    assert page.count("This field is required.") == 2
    assert "The tunnel drops **every** 30 minutes." in page


def test_oversized_file_is_refused_with_the_limit(acme, ticket_type, login, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    response = login(acme.customer).post(
        "/tickets/new/", form_data(ticket_type, files=[png("big.png", size=4096)])
    )
    assert "files can be at most 1 KB" in response.content.decode()
    assert not Ticket.objects.exists()


def test_kept_files_of_someone_else_are_ignored(acme, ticket_type, login, make_ticket):
    from tickets.services import attachment_check, attachment_stage

    theirs = attachment_stage(
        actor=acme.other_org_customer, tenant=acme.tenant, checked=attachment_check(png())
    )
    login(acme.customer).post(
        "/tickets/new/", form_data(ticket_type, kept=str(theirs.public_id)), follow=True
    )
    ticket = Ticket.objects.get()
    assert ticket.attachments.count() == 0
    theirs.refresh_from_db()
    assert theirs.ticket is None


def test_markdown_is_sanitized_on_the_ticket_page(acme, login, make_ticket):
    ticket = make_ticket(
        text='<script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror="alert(3)">'
    )
    page = login(acme.customer).get(f"/tickets/{ticket.reference}/").content.decode()
    assert "<script>alert(1)" not in page
    assert "javascript:alert" not in page
    assert "onerror" not in page


def test_staff_cannot_open_customer_tickets_and_new_page_is_customer_only(acme, login):
    assert login(acme.engineer).get("/tickets/new/").status_code == 404


def test_outbox_rows_are_written_with_the_ticket(acme, make_ticket):
    ticket = make_ticket()
    keys = set(OutboxEmail.objects.values_list("dedupe_key", flat=True))
    assert f"ticket-created:{ticket.pk}:requester" in keys
    assert f"ticket-created:{ticket.pk}:queue" in keys


def test_prefill_from_query_string(acme, ticket_type, login):
    page = login(acme.customer).get("/tickets/new/?title=Cannot+sign+in").content.decode()
    assert 'value="Cannot sign in"' in page


def test_prefill_from_an_article_that_did_not_help(acme, ticket_type, login):
    from tests.knowledge_base.factories import ArticleFactory

    article = ArticleFactory(tenant=acme.tenant, title="Reset your VPN client")
    page = login(acme.customer).get(f"/tickets/new/?kb={article.slug}").content.decode()
    assert "I read “Reset your VPN client”" in page
    assert f"http://acme.localhost{article.get_absolute_url()}" in page
    # An unknown or invisible article prefills nothing and breaks nothing.
    page = login(acme.customer).get("/tickets/new/?kb=nope").content.decode()
    assert "I read" not in page


def test_opening_too_many_tickets_in_an_hour_is_paused_keeping_the_form(
    acme, ticket_type, login, settings
):
    settings.TICKETS_CREATED_PER_HOUR = 2
    client = login(acme.customer)
    for n in range(2):
        client.post("/tickets/new/", form_data(ticket_type, title=f"Ticket {n}"))
    response = client.post("/tickets/new/", form_data(ticket_type, title="One too many"))
    page = response.content.decode()
    assert "You have opened tickets 2 times in the last hour" in page
    assert 'value="One too many"' in page
    assert Ticket.objects.count() == 2


def test_form_explains_each_request_type(acme, login):
    TicketTypeFactory(
        tenant=acme.tenant,
        name="Cloud Compute",
        slug="cloud-compute",
        description="Requests about VMs, instances and scaling.",
    )
    page = login(acme.customer).get("/tickets/new/").content.decode()
    assert "Which type should I choose?" in page
    assert "Requests about VMs, instances and scaling." in page


# Opening a ticket: the user, then in one transaction without a savepoint the next number,
# the ticket with its SLA due times, its "opened" event, its SLA outcomes and its two
# emails; the form's catalogue, priorities and components, and the organizations (whose
# plan sets the targets) are kept in memory.
CREATE_STATEMENTS = ["SELECT", "UPDATE", "INSERT", "INSERT", "INSERT", "INSERT"]
TRANSACTION_CONTROL = {"BEGIN", "COMMIT", "SAVEPOINT", "RELEASE", "ROLLBACK"}


def test_opening_a_ticket_takes_a_fixed_set_of_statements_and_stores_its_due_times_at_once(
    acme, ticket_type, login
):
    from datetime import timedelta

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ..sla.factories import plan_with_matrix

    acme.org.plan = plan_with_matrix(
        tenant=acme.tenant,
        cells={("P2", "first_response"): "4 hours (24/7)", ("P2", "resolution"): "48 hours (24/7)"},
    )
    acme.org.save(update_fields=["plan"])
    acme.tenant.support_email = "support@acme.example"
    acme.tenant.save()
    client = login(acme.customer)
    client.post("/tickets/new/", form_data(ticket_type, title="Warm-up"))
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/tickets/new/", form_data(ticket_type))
    assert response.status_code == 302
    statements = [q["sql"].split()[0] for q in queries]
    assert [s for s in statements if s not in TRANSACTION_CONTROL] == CREATE_STATEMENTS
    # One transaction (a savepoint here, inside the test's own transaction), not nested.
    assert statements.count("SAVEPOINT") == 1
    ticket = Ticket.objects.get(title="VPN tunnel to AWS down")
    assert response.url == ticket.get_absolute_url()
    # The due times are those of the customer's plan, written by the insert itself.
    assert ticket.first_response_due_at == ticket.created_at + timedelta(hours=4)
    assert ticket.resolution_due_at == ticket.created_at + timedelta(hours=48)
    assert ticket.sla_due_at == ticket.first_response_due_at
    assert not any(q["sql"].startswith('UPDATE "tickets_ticket"') for q in queries)
    assert (
        OutboxEmail.objects.filter(dedupe_key__startswith=f"ticket-created:{ticket.pk}:").count()
        == 2
    )
