"""Admin for email: mailboxes, the inbox of received emails, bounced addresses and the
organizations' email domains; a tenant admin sees and changes only their own."""

import pytest
from django.test import Client

from accounts.models import OrganizationEmailDomain, UnknownSenders
from helpdesk.models import BouncedAddress
from tickets.intake.store import inbound_store
from tickets.models import InboundEmail, Mailbox

from ..factories import TicketTypeFactory
from .conftest import make_mailbox, raw_email

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_processing")]

MAILBOXES = "/admin/tickets/mailbox/"
INBOX = "/admin/tickets/inboundemail/"


def admin_client(world):
    client = Client(HTTP_HOST=world.host)
    client.force_login(world.tenant_admin)
    return client


def mailbox_form(ticket_type, **fields):
    data = {
        "address": "help@acme.example",
        "name": "Help",
        "is_active": "on",
        "transport": Mailbox.Transport.IMAP,
        "imap_host": "outlook.office365.com",
        "imap_port": "993",
        "imap_security": Mailbox.Security.SSL,
        "imap_user": "help@acme.example",
        "password": "app-password-1",
        "imap_folder": "INBOX",
        "imap_after_fetch": Mailbox.AfterFetch.SEEN,
        "imap_move_to": "Processed",
        "default_ticket_type": ticket_type.pk,
        "default_priority": "P3",
        "note_marker": "#note",
    }
    data.update(fields)
    return data


def received(world, mailbox, *, state=InboundEmail.State.PENDING, **fields):
    email = inbound_store(mailbox=mailbox, raw=raw_email(**fields), source="pipe").email
    InboundEmail.objects.filter(pk=email.pk).update(state=state)
    email.refresh_from_db()
    return email


def test_a_tenant_admin_adds_an_imap_mailbox_with_a_hidden_password(two_tenants):
    acme, globex = two_tenants
    own_type = TicketTypeFactory(tenant=acme.tenant, name="Acme email", slug="acme-email")
    TicketTypeFactory(tenant=globex.tenant, name="Globex billing", slug="gx-billing")
    client = admin_client(acme)

    form = client.get(f"{MAILBOXES}add/").content.decode()
    assert "Acme email" in form and "Globex billing" not in form

    response = client.post(f"{MAILBOXES}add/", mailbox_form(own_type))

    assert response.status_code == 302
    mailbox = Mailbox.objects.for_tenant(acme.tenant).get()
    assert mailbox.imap_password() == "app-password-1"
    assert "app-password-1" not in mailbox.imap_password_encrypted
    page = client.get(f"{MAILBOXES}{mailbox.pk}/change/").content.decode()
    assert "Leave empty to keep the current password." in page
    assert "app-password-1" not in page
    assert mailbox.imap_password_encrypted not in page

    # Saved again with the password left empty: it is kept.
    data = mailbox_form(own_type, password="", name="Help desk")
    assert client.post(f"{MAILBOXES}{mailbox.pk}/change/", data).status_code == 302
    mailbox.refresh_from_db()
    assert mailbox.name == "Help desk"
    assert mailbox.imap_password() == "app-password-1"

    data = mailbox_form(own_type, password="app-password-2")
    client.post(f"{MAILBOXES}{mailbox.pk}/change/", data)
    mailbox.refresh_from_db()
    assert mailbox.imap_password() == "app-password-2"


def test_an_imap_mailbox_needs_its_server_user_and_password(acme):
    ticket_type = TicketTypeFactory(tenant=acme.tenant)
    client = admin_client(acme)

    response = client.post(
        f"{MAILBOXES}add/", mailbox_form(ticket_type, imap_host="", imap_user="", password="")
    )

    assert response.status_code == 200
    assert response.content.decode().count("Needed to fetch mail over IMAP.") == 3
    assert not Mailbox.objects.exists()

    # A mailbox a mail server hands mail to needs none of it.
    data = mailbox_form(
        ticket_type, transport=Mailbox.Transport.PUSH, imap_host="", imap_user="", password=""
    )
    assert client.post(f"{MAILBOXES}add/", data).status_code == 302


def test_another_tenants_type_cannot_be_the_default(two_tenants):
    acme, globex = two_tenants
    foreign = TicketTypeFactory(tenant=globex.tenant)

    response = admin_client(acme).post(f"{MAILBOXES}add/", mailbox_form(foreign))

    assert response.status_code == 200
    assert not Mailbox.objects.exists()


def test_the_mailbox_list_shows_fetch_problems_of_the_tenant_only(two_tenants):
    acme, globex = two_tenants
    own = make_mailbox(acme)
    Mailbox.objects.filter(pk=own.pk).update(
        last_fetch_error="The IMAP server refused the user name or password."
    )
    foreign = make_mailbox(globex)
    client = admin_client(acme)

    listing = client.get(MAILBOXES).content.decode()

    assert own.address in listing
    assert "The IMAP server refused the user name or password." in listing
    assert foreign.address not in listing
    for view in ("change", "delete", "history"):
        response = client.get(f"{MAILBOXES}{foreign.pk}/{view}/")
        assert response.status_code == 404
        assert foreign.address not in response.content.decode()


def test_the_inbox_lists_filters_and_searches_the_tenants_emails(two_tenants):
    acme, globex = two_tenants
    mailbox = make_mailbox(acme)
    received(acme, mailbox, subject="VPN down", state=InboundEmail.State.DONE)
    received(acme, mailbox, subject="Printer jam", state=InboundEmail.State.FAILED)
    received(globex, make_mailbox(globex), subject="Globex secret")
    client = admin_client(acme)

    listing = client.get(INBOX).content.decode()
    assert "VPN down" in listing and "Printer jam" in listing
    assert "Globex secret" not in listing

    failed = client.get(INBOX, {"state__exact": "failed"}).content.decode()
    assert "Printer jam" in failed and "VPN down" not in failed

    found = client.get(INBOX, {"q": "printer"}).content.decode()
    assert "Printer jam" in found and "VPN down" not in found

    by_mailbox = client.get(INBOX, {"mailbox__id__exact": mailbox.pk})
    assert by_mailbox.status_code == 200


def test_a_received_email_shows_its_error_headers_and_original(two_tenants):
    acme, globex = two_tenants
    email = received(acme, make_mailbox(acme), subject="Broken", state=InboundEmail.State.FAILED)
    InboundEmail.objects.filter(pk=email.pk).update(error="ValueError: no text part")
    client = admin_client(acme)

    page = client.get(f"{INBOX}{email.pk}/change/").content.decode()

    assert "ValueError: no text part" in page
    assert "Subject: Broken" in page
    assert "Download original" in page
    download = client.get(f"{INBOX}{email.pk}/original/")
    assert download.status_code == 200
    assert download["Content-Type"] == "message/rfc822"
    assert "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == email.raw.open("rb").read()

    # Another tenant's admin reaches neither the page nor the original.
    other = admin_client(globex)
    assert other.get(f"{INBOX}{email.pk}/original/").status_code == 404
    for view in ("change", "delete", "history"):
        response = other.get(f"{INBOX}{email.pk}/{view}/")
        assert response.status_code == 404
        assert "Broken" not in response.content.decode()


def test_the_original_needs_an_admin(acme):
    email = received(acme, make_mailbox(acme))
    client = Client(HTTP_HOST=acme.host)
    client.force_login(acme.engineer)

    response = client.get(f"{INBOX}{email.pk}/original/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"] or "login" in response["Location"]


def test_failed_emails_can_be_processed_again(two_tenants, no_processing):
    acme, globex = two_tenants
    mailbox = make_mailbox(acme)
    failed = received(acme, mailbox, state=InboundEmail.State.FAILED)
    done = received(acme, mailbox, state=InboundEmail.State.DONE)
    foreign = received(globex, make_mailbox(globex), state=InboundEmail.State.FAILED)
    no_processing.clear()

    response = admin_client(acme).post(
        INBOX,
        {"action": "process_again", "_selected_action": [failed.pk, done.pk, foreign.pk]},
        follow=True,
    )

    assert "1 email is queued to be processed again." in response.content.decode()
    failed.refresh_from_db()
    done.refresh_from_db()
    foreign.refresh_from_db()
    assert failed.state == InboundEmail.State.PENDING
    assert done.state == InboundEmail.State.DONE
    assert foreign.state == InboundEmail.State.FAILED


def test_received_emails_cannot_be_added_or_edited(acme):
    email = received(acme, make_mailbox(acme))
    client = admin_client(acme)

    assert client.get(f"{INBOX}add/").status_code == 403
    page = client.get(f"{INBOX}{email.pk}/change/").content.decode()
    assert 'name="_save"' not in page


def test_bounced_addresses_are_listed_for_their_tenant(two_tenants):
    acme, globex = two_tenants
    BouncedAddress.objects.create(
        tenant=acme.tenant, address="gone@customer.test", bounces=2, last_reason="550 No such user"
    )
    BouncedAddress.objects.create(tenant=globex.tenant, address="other@globex.test")
    client = admin_client(acme)

    listing = client.get("/admin/helpdesk/bouncedaddress/").content.decode()

    assert "gone@customer.test" in listing and "550 No such user" in listing
    assert "other@globex.test" not in listing
    assert client.get("/admin/helpdesk/bouncedaddress/add/").status_code == 403
    foreign = BouncedAddress.objects.get(address="other@globex.test")
    assert client.get(f"/admin/helpdesk/bouncedaddress/{foreign.pk}/change/").status_code == 404


def organization_form(world, organization, domains, existing=()):
    data = {
        "name": organization.name,
        "slug": organization.slug,
        "plan": organization.plan_id or "",
        "is_active": "on",
        "created_at_0": organization.created_at.strftime("%Y-%m-%d"),
        "created_at_1": organization.created_at.strftime("%H:%M:%S"),
        "email_domains-TOTAL_FORMS": str(len(existing) + len(domains)),
        "email_domains-INITIAL_FORMS": str(len(existing)),
        "email_domains-MIN_NUM_FORMS": "0",
        "email_domains-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(existing):
        data[f"email_domains-{index}-id"] = row.pk
        data[f"email_domains-{index}-domain"] = row.domain
        data[f"email_domains-{index}-organization"] = organization.pk
    for offset, domain in enumerate(domains):
        index = len(existing) + offset
        data[f"email_domains-{index}-domain"] = domain
        data[f"email_domains-{index}-organization"] = organization.pk
    return data


def organization_url(organization):
    return f"/admin/accounts/organization/{organization.pk}/change/"


def test_organizations_list_their_email_domains_once_per_tenant(two_tenants):
    acme, globex = two_tenants
    client = admin_client(acme)

    response = client.post(
        organization_url(acme.org), organization_form(acme, acme.org, ["@Acme-Customer.TEST"])
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(acme.org.email_domains.values_list("domain", flat=True)) == ["acme-customer.test"]

    # The other organization of the tenant cannot take it.
    response = client.post(
        organization_url(acme.other_org),
        organization_form(acme, acme.other_org, ["acme-customer.test"]),
    )
    assert response.status_code == 200
    assert (
        f"acme-customer.test already belongs to the organization {acme.org.name}."
        in response.content.decode()
    )
    assert not acme.other_org.email_domains.exists()

    # Another tenant's organization can.
    response = admin_client(globex).post(
        organization_url(globex.org), organization_form(globex, globex.org, ["acme-customer.test"])
    )
    assert response.status_code == 302
    assert OrganizationEmailDomain.objects.for_tenant(globex.tenant).get().domain == (
        "acme-customer.test"
    )


def test_an_email_domain_must_be_a_domain(acme):
    response = admin_client(acme).post(
        organization_url(acme.org), organization_form(acme, acme.org, ["someone@"])
    )

    assert response.status_code == 200
    assert "Enter a mail domain such as example.com" in response.content.decode()


def test_the_tenant_admin_sets_the_unknown_sender_policy(acme):
    client = admin_client(acme)
    url = f"/admin/accounts/tenant/{acme.tenant.pk}/change/"
    form = client.get(url).context["adminform"].form
    assert "unknown_senders" in form.fields
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value in (None, False):
            continue
        data[name] = "on" if value is True else value
    data.update(
        {
            "unknown_senders": UnknownSenders.ORGANIZATION_DOMAINS,
            "domains-TOTAL_FORMS": "0",
            "domains-INITIAL_FORMS": "0",
        }
    )

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    acme.tenant.refresh_from_db()
    assert acme.tenant.unknown_senders == UnknownSenders.ORGANIZATION_DOMAINS


def test_fetch_now_takes_the_new_mail_of_the_selected_mailboxes(two_tenants, imap_server):
    acme, globex = two_tenants
    mailbox = make_mailbox(acme, server=imap_server)
    foreign = make_mailbox(globex, server=imap_server)
    imap_server.append(raw_email(message_id="<now@customer.test>"))

    response = admin_client(acme).post(
        MAILBOXES,
        {"action": "fetch_now", "_selected_action": [mailbox.pk, foreign.pk]},
        follow=True,
    )

    assert "A fetch of 1 mailbox is queued" in response.content.decode()
    assert InboundEmail.objects.for_tenant(acme.tenant).get().message_id == "<now@customer.test>"
    assert not InboundEmail.objects.for_tenant(globex.tenant).exists()
    mailbox.refresh_from_db()
    assert mailbox.last_fetch_at is not None
