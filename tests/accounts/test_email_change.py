"""Changing the sign-in address from the profile: password, emailed link, notice to the old
address, audit rows; a taken address gets the same answer and no link."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.test import Client

from accounts.models import AuditEvent, User
from helpdesk.models import OutboxEmail
from tests.factories import PASSWORD, CustomerFactory

pytestmark = pytest.mark.django_db

CHANGE = "/profile/email/"


def signed_in(world, user=None) -> Client:
    client = Client(HTTP_HOST=world.host)
    client.force_login(user or world.customer)
    return client


def ask(client, new_email, password=PASSWORD):
    return client.post(CHANGE, {"new_email": new_email, "password": password}, follow=True)


def emails_to(address) -> list[OutboxEmail]:
    # Filtered here: SQLite has no containment lookup on JSON lists.
    return [e for e in OutboxEmail.objects.order_by("pk") if address in e.to]


def link_in(email: OutboxEmail) -> str:
    match = re.search(r"http://\S+(/profile/email/confirm/\S+/)", email.body_text)
    assert match, email.body_text
    return match.group(1)


def page_text(response) -> str:
    """What the person reads, without the CSRF token and the typed address."""
    html = response.content.decode()
    html = re.sub(r'value="[^"]*"', "", html)
    html = re.sub(r"<time[^>]*>[^<]*</time>", "", html)
    html = re.sub(r"Person \d+", "NAME", html)
    return re.sub(r"[\w.+-]+@[\w.-]+", "ADDRESS", html)


def test_change_needs_the_link_and_then_moves_the_address(acme):
    client = signed_in(acme)
    response = ask(client, "New.Address@Example.org")
    assert "We emailed a link to new.address@example.org" in response.content.decode()
    acme.customer.refresh_from_db()
    assert acme.customer.email == "customer@acme.test", "nothing changes before the link"
    [verify] = emails_to("new.address@example.org")
    assert acme.tenant.portal_title in verify.subject
    assert verify.sensitive, "the link is kept out of the outbox once delivered"
    link = link_in(verify)

    confirm = client.get(link)
    assert confirm.status_code == 200
    assert "new.address@example.org" in confirm.content.decode()
    done = client.post(link, follow=True)
    assert "You now sign in with new.address@example.org" in done.content.decode()
    acme.customer.refresh_from_db()
    assert acme.customer.email == "new.address@example.org"
    addresses = EmailAddress.objects.filter(user=acme.customer)
    assert list(addresses.values_list("email", "primary")) == [("new.address@example.org", True)]
    [notice] = emails_to("customer@acme.test")
    assert "new.address@example.org" in notice.body_text
    assert [e.kind for e in AuditEvent.objects.filter(user=acme.customer).order_by("pk")] == [
        AuditEvent.Kind.EMAIL_CHANGE_REQUESTED,
        AuditEvent.Kind.EMAIL_CHANGED,
    ]
    # The link works once; the new address signs in, the old one no longer does.
    assert client.post(link).status_code == 404
    login = "/accounts/login/"
    assert (
        Client(HTTP_HOST=acme.host)
        .post(login, {"login": "new.address@example.org", "password": PASSWORD})
        .status_code
        == 302
    )
    assert (
        Client(HTTP_HOST=acme.host)
        .post(login, {"login": "customer@acme.test", "password": PASSWORD})
        .status_code
        == 200
    )


def test_a_wrong_password_changes_nothing_and_sends_nothing(acme):
    response = ask(signed_in(acme), "new.address@example.org", password="not-my-password")
    assert "That password is not correct" in response.content.decode()
    assert emails_to("new.address@example.org") == []
    assert AuditEvent.objects.filter(
        user=acme.customer, kind=AuditEvent.Kind.PASSWORD_CONFIRM_FAILED
    ).exists()
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.EMAIL_CHANGE_REQUESTED).exists()


def test_a_taken_address_gets_the_same_answer_and_no_link(acme, globex):
    colleague = CustomerFactory(tenant=acme.tenant, organization=acme.org)
    free = ask(signed_in(acme), "free.address@example.org")
    taken = ask(signed_in(acme, colleague), globex.customer.email)
    assert free.status_code == taken.status_code == 200
    assert free.redirect_chain == taken.redirect_chain
    assert page_text(free) == page_text(taken)
    [notice] = emails_to(globex.customer.email)
    assert "/profile/email/confirm/" not in notice.body_text + notice.body_html
    assert "nothing was changed" in notice.body_text
    globex.customer.refresh_from_db()
    acme.org_admin.refresh_from_db()
    assert globex.customer.email == "customer@globex.test"
    assert acme.org_admin.email == "orgadmin@acme.test"


def test_an_address_taken_after_the_request_is_refused_at_the_link(acme):
    client = signed_in(acme)
    ask(client, "wanted@example.org")
    link = link_in(emails_to("wanted@example.org")[0])
    User.objects.filter(pk=acme.engineer.pk).update(email="wanted@example.org")
    response = client.post(link, follow=True)
    assert "can no longer be used" in response.content.decode()
    acme.customer.refresh_from_db()
    assert acme.customer.email == "customer@acme.test"


def test_the_link_opens_only_for_the_account_that_asked(acme):
    ask(signed_in(acme), "mine@example.org")
    link = link_in(emails_to("mine@example.org")[0])
    other = signed_in(acme, acme.org_admin)
    assert other.get(link).status_code == 404
    assert other.post(link).status_code == 404
    anonymous = Client(HTTP_HOST=acme.host).get(link)
    assert anonymous.status_code == 302 and anonymous.url.startswith("/accounts/login/")
    acme.org_admin.refresh_from_db()
    assert acme.org_admin.email == "orgadmin@acme.test"


def test_a_new_request_replaces_the_earlier_link(acme):
    client = signed_in(acme)
    ask(client, "first@example.org")
    first = link_in(emails_to("first@example.org")[0])
    ask(client, "second@example.org")
    assert client.get(first).status_code == 404


def test_an_expired_link_is_refused(acme, settings):
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import EmailChangeRequest

    client = signed_in(acme)
    ask(client, "late@example.org")
    link = link_in(emails_to("late@example.org")[0])
    EmailChangeRequest.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(link).status_code == 404


def test_requests_are_rate_limited(acme):
    client = signed_in(acme)
    for n in range(5):
        ask(client, f"try{n}@example.org")
    sixth = ask(client, "try5@example.org")
    assert "too many address changes" in sixth.content.decode()
    assert emails_to("try5@example.org") == []


def test_an_admin_changing_the_address_keeps_reset_and_audit_in_step(acme):
    from accounts.services import user_admin_save

    ask(signed_in(acme), "first.change@example.org")
    client = signed_in(acme)
    client.post(link_in(emails_to("first.change@example.org")[0]))
    acme.customer.refresh_from_db()
    acme.customer.email = "set.by.admin@example.org"
    user_admin_save(user=acme.customer, actor=acme.tenant_admin)
    assert list(
        EmailAddress.objects.filter(user=acme.customer).values_list("email", flat=True)
    ) == ["set.by.admin@example.org"]
    changed = AuditEvent.objects.filter(kind=AuditEvent.Kind.EMAIL_CHANGED).order_by("pk").last()
    assert (changed.actor, changed.details["from"]) == (
        acme.tenant_admin,
        "first.change@example.org",
    )
    [notice] = [e for e in emails_to("first.change@example.org") if "administrator" in e.body_text]
    assert "set.by.admin@example.org" in notice.body_text
    # A reset asked for an earlier address reaches nobody.
    Client(HTTP_HOST=acme.host).post(
        "/accounts/password/reset/", {"email": "first.change@example.org"}
    )
    assert not [e for e in emails_to("first.change@example.org") if "password" in e.subject.lower()]
