import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpdesk.priorities import Priority
from tickets.models import Status
from tickets.services import ticket_assign, ticket_transition

from .conftest import open_ticket
from .factories import TicketTypeFactory

pytestmark = pytest.mark.django_db
BASE = "http://acme.localhost/"

# Queries of one list page, whatever the number of rows (the session is read from the
# cache, the person signed in is kept in memory). My tickets: page count and the page's
# rows (the requester joined in; the type from the kept catalogue).
MY_TICKETS_QUERIES = 2
# Queue: the queue counts (one query over the kept counts; no COUNT(*) of
# the rows), the rows (tickets alone) and the rows' status history (for the SLA badges).
# Plans, the catalogue, the organizations and the engineers (the filters, which also name
# the rows' organizations and assignees) and the incidents the bulk action links selected
# rows to are kept in memory.
QUEUE_QUERIES = 3


def _count_queries(client, url) -> int:
    # Warm the per-process caches: the tenant by host, the person signed in (kept from
    # their second request on).
    client.get(url)
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_my_tickets_lists_own_tickets_with_status_filter_and_search(acme, make_ticket, login):
    vpn = make_ticket(title="VPN tunnel drops")
    dns = make_ticket(title="DNS resolution slow")
    ticket_transition(ticket=dns, actor=acme.engineer, to_status=Status.RESOLVED, base_url=BASE)
    make_ticket(requester=acme.org_admin, title="Org admin billing question")
    client = login(acme.customer)

    page = client.get("/tickets/").content.decode()
    assert vpn.reference in page and dns.reference not in page  # open by default
    assert "Org admin billing question" not in page
    page = client.get("/tickets/?status=").content.decode()
    assert vpn.reference in page and dns.reference in page
    page = client.get("/tickets/?status=resolved").content.decode()
    assert dns.reference in page and vpn.reference not in page
    page = client.get(f"/tickets/?status=&q={dns.reference.lower()}").content.decode()
    assert dns.reference in page and vpn.reference not in page
    page = client.get("/tickets/?status=&q=tunnel").content.decode()
    assert vpn.reference in page and dns.reference not in page


def test_org_admin_widens_to_the_organization(acme, make_ticket, login):
    theirs = make_ticket(title="Colleague ticket")
    other_org = make_ticket(requester=acme.other_org_customer, title="Other org ticket")
    client = login(acme.org_admin)
    assert theirs.reference not in client.get("/tickets/").content.decode()
    page = client.get("/tickets/?scope=organization").content.decode()
    assert "Colleague ticket" in page
    assert "Other org ticket" not in page and other_org.reference not in page
    # Plain customers cannot widen.
    page = login(acme.customer).get("/tickets/?scope=organization").content.decode()
    assert "Other org ticket" not in page


def test_my_tickets_paginates(acme, make_ticket, login, settings):
    settings.TICKETS_PER_PAGE = 2
    refs = [make_ticket(title=f"Ticket {n}").reference for n in range(5)]
    client = login(acme.customer)
    first = client.get("/tickets/").content.decode()
    assert "Page 1 of 3" in first
    third = client.get("/tickets/?page=3").content.decode()
    assert refs[0] in third and refs[-1] not in third


def test_my_tickets_query_count_does_not_grow_with_rows(acme, make_ticket, login):
    make_ticket()
    client = login(acme.customer)
    few = _count_queries(client, "/tickets/")
    for n in range(20):
        make_ticket(title=f"More {n}")
    many = _count_queries(client, "/tickets/")
    assert few == many == MY_TICKETS_QUERIES


@pytest.mark.parametrize("scope", ["", "organization"])
def test_an_organization_admin_s_list_names_the_organization_in_the_same_queries(
    acme, make_ticket, login, scope
):
    """The organization the page names comes with the person signed in."""
    make_ticket(requester=acme.org_admin)
    client = login(acme.org_admin)
    path = f"/tickets/?scope={scope}"
    assert _count_queries(client, path) == MY_TICKETS_QUERIES
    assert f"All of {acme.org.name}" in client.get(path).content.decode()


def test_queues_split_unassigned_mine_and_all_open(acme, make_ticket, login):
    unassigned = make_ticket(title="Nobody has this")
    mine = make_ticket(title="Engineer has this")
    ticket_assign(ticket=mine, actor=acme.engineer, assignee=acme.engineer, base_url=BASE)
    theirs = make_ticket(title="Manager has this")
    ticket_assign(ticket=theirs, actor=acme.manager, assignee=acme.manager, base_url=BASE)
    done = make_ticket(title="Already resolved")
    ticket_transition(ticket=done, actor=acme.engineer, to_status=Status.RESOLVED, base_url=BASE)
    client = login(acme.engineer)

    page = client.get("/queue/unassigned/").content.decode()
    assert unassigned.reference in page
    assert mine.reference not in page and theirs.reference not in page
    page = client.get("/queue/mine/").content.decode()
    assert mine.reference in page and unassigned.reference not in page
    page = client.get("/queue/open/").content.decode()
    for ticket in (unassigned, mine, theirs):
        assert ticket.reference in page
    assert done.reference not in page
    page = client.get("/queue/open/?status=resolved").content.decode()
    assert done.reference in page and mine.reference not in page


def test_queue_filters_and_type_views(acme, make_ticket, login, ticket_type):
    other_type = TicketTypeFactory(tenant=acme.tenant, name="Security", slug="security")
    p1 = make_ticket(title="Total outage", priority=Priority.P1)
    security = make_ticket(type_=other_type, title="Leaked key")
    other_org = make_ticket(requester=acme.other_org_customer, title="Other org")
    client = login(acme.engineer)

    page = client.get("/queue/open/?priority=P1").content.decode()
    assert p1.reference in page and security.reference not in page
    page = client.get(f"/queue/open/?type={other_type.pk}").content.decode()
    assert security.reference in page and p1.reference not in page
    page = client.get("/queue/type/security/").content.decode()
    assert security.reference in page and p1.reference not in page
    page = client.get(f"/queue/open/?organization={acme.other_org.pk}").content.decode()
    assert other_org.reference in page and p1.reference not in page
    page = client.get("/queue/open/?q=outage").content.decode()
    assert p1.reference in page and security.reference not in page
    assert client.get("/queue/type/nope/").status_code == 404
    assert client.get("/queue/everything/").status_code == 404


def test_queue_sorts(acme, make_ticket, login):
    low = make_ticket(title="Low", priority=Priority.P4)
    high = make_ticket(title="High", priority=Priority.P1)
    client = login(acme.engineer)
    page = client.get("/queue/open/?sort=priority").content.decode()
    assert page.index(high.reference) < page.index(low.reference)
    page = client.get("/queue/open/?sort=oldest").content.decode()
    assert page.index(low.reference) < page.index(high.reference)
    page = client.get("/queue/open/?sort=newest").content.decode()
    assert page.index(high.reference) < page.index(low.reference)


def test_queue_query_count_does_not_grow_with_rows(acme, make_ticket, login):
    make_ticket()
    client = login(acme.engineer)
    few = _count_queries(client, "/queue/open/")
    for n in range(20):
        ticket = make_ticket(title=f"More {n}")
        if n % 2:
            ticket_assign(ticket=ticket, actor=acme.engineer, assignee=acme.engineer, base_url=BASE)
    many = _count_queries(client, "/queue/open/")
    assert (few, many) == (QUEUE_QUERIES, QUEUE_QUERIES)


def test_the_queue_s_menus_follow_new_engineers_and_incidents(acme, make_ticket, login):
    from tests.factories import EngineerFactory
    from tickets.status.services import incident_create

    make_ticket()
    client = login(acme.engineer)
    page = client.get("/queue/open/").content.decode()
    assert "Nora Newhire" not in page and "bulk-incident" not in page

    newcomer = EngineerFactory(tenant=acme.tenant, full_name="Nora Newhire")
    incident = incident_create(
        tenant=acme.tenant, actor=acme.manager, title="Calls are not tracked", body="Looking."
    )
    page = client.get("/queue/open/").content.decode()
    assert f'<option value="{newcomer.pk}">Nora Newhire</option>' in page
    assert f'<option value="{incident.pk}">Calls are not tracked' in page

    newcomer.is_active = False
    newcomer.save()
    assert "Nora Newhire" not in client.get("/queue/open/").content.decode()


def test_ticket_page_query_count_does_not_grow_with_conversation(acme, make_ticket, login):
    from tickets.services import ticket_reply

    ticket = make_ticket()
    ticket_reply(ticket=ticket, actor=acme.engineer, body="First", base_url=BASE)
    client = login(acme.engineer)
    url = ticket.get_absolute_url()
    few = _count_queries(client, url)
    for n in range(10):
        ticket_reply(ticket=ticket, actor=acme.engineer, body=f"Reply {n}", base_url=BASE)
        ticket_reply(ticket=ticket, actor=acme.customer, body=f"Answer {n}", base_url=BASE)
    many = _count_queries(client, url)
    assert few == many


def test_customers_and_anonymous_cannot_open_queues(acme, login):
    assert login(acme.customer).get("/queue/open/").status_code == 404
    assert login(acme.org_admin).get("/queue/unassigned/").status_code == 404


def test_other_tenant_tickets_never_appear_in_lists(two_tenants, make_ticket, login):
    acme, globex = two_tenants
    open_ticket(globex, TicketTypeFactory(tenant=globex.tenant), title="Globex secret outage")
    make_ticket(title="Acme visible")
    for user in (acme.engineer, acme.customer):
        url = "/queue/open/" if user.is_agent else "/tickets/?status="
        page = login(user).get(url).content.decode()
        assert "Acme visible" in page
        assert "Globex secret outage" not in page


# ---- people in copy and phone intake --------------------------------------------------

# The customer search: the matches with their organizations (the session is read from the
# cache, the person signed in is kept in memory).
CUSTOMER_SEARCH_QUERIES = 1
# The new-ticket-for-a-customer page, finding the customer: the same as the search.
NEW_FOR_CUSTOMER_SEARCH_QUERIES = 1
# With the customer chosen: the customer and the colleagues to put in copy (the catalogue,
# the priority definitions and the status page's components are kept in memory).
NEW_FOR_CUSTOMER_FORM_QUERIES = 2


@pytest.mark.parametrize("viewer", ["engineer", "customer"])
def test_ticket_page_query_count_does_not_grow_with_people_in_copy(
    acme, make_ticket, login, viewer
):
    from tests.factories import CustomerFactory
    from tickets.services import ticket_cc_add

    def with_copies(count: int) -> int:
        ticket = make_ticket(title=f"{count} in copy")
        for n in range(count):
            colleague = CustomerFactory(tenant=acme.tenant, organization=acme.org)
            ticket_cc_add(ticket=ticket, actor=acme.engineer, user=colleague)
            ticket_cc_add(ticket=ticket, actor=acme.engineer, email=f"p{count}-{n}@partner.test")
        page = login(getattr(acme, viewer)).get(ticket.get_absolute_url()).content.decode()
        assert page.count("/remove/") == 2 * count
        return _count_queries(login(getattr(acme, viewer)), ticket.get_absolute_url())

    assert with_copies(1) == with_copies(10)


def test_customer_search_and_new_ticket_for_customer_query_counts(acme, login):
    from tests.factories import CustomerFactory

    client = login(acme.engineer)
    few = CustomerFactory(tenant=acme.tenant, organization=acme.org, full_name="Quinn 0")
    counts = lambda: (  # noqa: E731
        _count_queries(client, "/staff/customers/search/?q=quinn"),
        _count_queries(client, "/staff/tickets/new/?q=quinn"),
        _count_queries(client, f"/staff/tickets/new/?customer={few.pk}"),
    )
    expected = (
        CUSTOMER_SEARCH_QUERIES,
        NEW_FOR_CUSTOMER_SEARCH_QUERIES,
        NEW_FOR_CUSTOMER_FORM_QUERIES,
    )
    assert counts() == expected
    for n in range(1, 30):
        CustomerFactory(tenant=acme.tenant, organization=acme.org, full_name=f"Quinn {n}")
    assert counts() == expected


def test_ticket_page_shows_each_file_under_its_own_message_and_internal_ones_to_staff_only(
    acme, make_ticket, login
):
    import re

    from tickets.services import attachment_check, attachment_stage, ticket_reply

    from .factories import text_file

    ticket = make_ticket()

    def reply(name, internal, actor):
        staged = attachment_stage(
            actor=actor, tenant=acme.tenant, checked=attachment_check(text_file(name))
        )
        return ticket_reply(
            ticket=ticket,
            actor=actor,
            body=f"About {name}",
            internal=internal,
            attachment_ids=[staged.public_id],
            base_url=BASE,
        )

    public = reply("trace.log", False, acme.customer)
    note = reply("secret.log", True, acme.engineer)

    def files_under(page, message):
        # The message's block: from its anchor to the next message or the conversation's end.
        block = page.split(f'id="message-{message.pk}"', 1)[1]
        block = re.split(r'id="message-|</ol>', block, maxsplit=1)[0]
        return re.findall(r"download>([^<]+)</a>", block)

    staff_page = login(acme.engineer).get(ticket.get_absolute_url()).content.decode()
    assert files_under(staff_page, public) == ["trace.log"]
    assert files_under(staff_page, note) == ["secret.log"]
    customer_page = login(acme.customer).get(ticket.get_absolute_url()).content.decode()
    assert files_under(customer_page, public) == ["trace.log"]
    assert f'id="message-{note.pk}"' not in customer_page and "secret.log" not in customer_page


def test_ticket_page_reads_the_files_once_for_the_panel_and_the_conversation(
    acme, make_ticket, login
):
    from tickets.services import ticket_reply

    ticket = make_ticket()
    ticket_reply(ticket=ticket, actor=acme.customer, body="Hello", base_url=BASE)
    with CaptureQueriesContext(connection) as queries:
        assert login(acme.engineer).get(ticket.get_absolute_url()).status_code == 200
    file_reads = [q for q in queries if 'FROM "tickets_attachment"' in q["sql"]]
    assert len(file_reads) == 1


def test_ticket_page_lists_its_menus_without_server_side_cursors(acme, make_ticket, login):
    """The assignee and copy menus come from plain queries: a server-side cursor costs three
    round trips (DECLARE, FETCH, CLOSE) for a dozen names."""
    ticket = make_ticket()
    client = login(acme.manager)
    client.get(ticket.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        response = client.get(ticket.get_absolute_url())
    assert response.status_code == 200
    assert not [q["sql"] for q in queries if "DECLARE" in q["sql"]]
    html = response.content.decode()
    assert f'<option value="{acme.engineer.pk}">' in html  # the assignee menu is there
