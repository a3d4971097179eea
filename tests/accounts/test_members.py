import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.models import Invitation, Role, User
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db(transaction=True)


def signed_in(world, user):
    client = Client(HTTP_HOST=world.host)
    client.force_login(user)
    return client


def invite(client, email="new.person@acme-customer.test", role=Role.CUSTOMER):
    return client.post(
        "/organization/members/", {"email": email, "full_name": "New Person", "role": role}
    )


def accept_link() -> str:
    match = re.search(r"http://\S+/invitations/\S+/", mail.outbox[-1].body)
    assert match
    return match.group(0)


def test_org_admin_invites_a_colleague_who_joins_the_organization(acme):
    response = invite(signed_in(acme, acme.org_admin))
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["new.person@acme-customer.test"]
    link = accept_link()
    assert link.startswith(f"http://{acme.host}/")

    newcomer = Client(HTTP_HOST=acme.host)
    form = newcomer.get(link)
    assert acme.org.name in form.content.decode()
    done = newcomer.post(
        link,
        {
            "full_name": "New Person",
            "password1": "fresh-secret-909",
            "password2": "fresh-secret-909",
        },
    )
    assert done.status_code == 302
    user = User.objects.get(email="new.person@acme-customer.test")
    assert (user.tenant, user.organization, user.role) == (acme.tenant, acme.org, Role.CUSTOMER)
    assert newcomer.get("/").status_code == 200  # signed in straight away

    # The link is spent.
    assert Client(HTTP_HOST=acme.host).get(link).status_code == 404


def test_invitation_link_only_works_on_its_own_portal(acme, globex):
    invite(signed_in(acme, acme.org_admin))
    path = accept_link().split(acme.host, 1)[1]
    assert Client(HTTP_HOST=globex.host).get(path).status_code == 404


def test_expired_invitation_cannot_be_used(acme):
    invite(signed_in(acme, acme.org_admin))
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert Client(HTTP_HOST=acme.host).get(accept_link()).status_code == 404


def test_weak_password_keeps_the_name_typed(acme):
    invite(signed_in(acme, acme.org_admin))
    response = Client(HTTP_HOST=acme.host).post(
        accept_link(), {"full_name": "Grace Hopper", "password1": "123", "password2": "123"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "too short" in page
    assert 'value="Grace Hopper"' in page
    assert not User.objects.filter(email="new.person@acme-customer.test").exists()


def test_inviting_a_member_of_the_same_organization_is_a_clear_error(acme):
    response = invite(signed_in(acme, acme.org_admin), email=acme.customer.email)
    assert response.status_code == 200
    assert "already a member of your organization" in response.content.decode()
    assert mail.outbox == []


def _answer_to(client, email) -> str:
    """What the inviter sees after inviting ``email``, with the address blanked out."""
    response = invite(client, email=email)
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    page = re.sub(r'value="[^"]*"', "", page)
    page = re.sub(r"/invitations/\d+/", "/invitations/N/", page)
    page = re.sub(r"expires [^<]*", "expires …", page)
    return page.replace(email, "ADDRESS")


@pytest.mark.parametrize(
    "holder", ["globex.customer", "globex.engineer", "acme.other_org_customer", "acme.engineer"]
)
def test_an_address_with_an_account_elsewhere_gets_the_unknown_address_answer(two_tenants, holder):
    acme, globex = two_tenants
    world_name, attribute = holder.split(".")
    taken = getattr({"acme": acme, "globex": globex}[world_name], attribute).email
    unknown = "nobody.yet@example.org"
    client = signed_in(acme, acme.org_admin)
    unknown_answer = _answer_to(client, unknown)
    Invitation.objects.all().delete()
    taken_answer = _answer_to(client, taken)
    assert taken_answer == unknown_answer
    assert "Invitation sent to ADDRESS" in taken_answer

    to_unknown, to_taken = mail.outbox[-2], mail.outbox[-1]
    assert to_unknown.to == [unknown] and to_taken.to == [taken]
    assert "/invitations/" in to_unknown.body
    assert "/invitations/" not in to_taken.body + str(to_taken.alternatives)
    assert "already has an account" in to_taken.body
    assert "another support provider" in to_taken.body or world_name == "acme"
    # Nobody can join with the taken address, and its account is unchanged.
    assert User.objects.filter(email=taken).count() == 1


def test_revoked_invitation_cannot_be_used(acme):
    client = signed_in(acme, acme.org_admin)
    invite(client)
    link = accept_link()
    invitation = Invitation.objects.get()
    client.post(f"/organization/invitations/{invitation.pk}/revoke/")
    assert Client(HTTP_HOST=acme.host).get(link).status_code == 404


def test_members_page_is_for_organization_admins_only(acme):
    for user in (acme.customer, acme.engineer, acme.manager):
        assert signed_in(acme, user).get("/organization/members/").status_code == 404


def test_members_page_lists_only_own_organization(two_tenants, django_assert_num_queries):
    acme, globex = two_tenants
    client = signed_in(acme, acme.org_admin)
    client.get("/organization/members/")  # warm the host cache
    # User, organization, members, pending invitations, however many members (the session
    # is read from the cache).
    CustomerFactory.create_batch(15, tenant=acme.tenant, organization=acme.org)
    with django_assert_num_queries(4):
        page = client.get("/organization/members/").content.decode()
    assert acme.customer.email in page
    assert acme.other_org_customer.email not in page
    assert globex.customer.email not in page


def test_org_admin_deactivates_and_reactivates_a_member(acme):
    client = signed_in(acme, acme.org_admin)
    client.post(f"/organization/members/{acme.customer.pk}/active/", {"active": "0"})
    acme.customer.refresh_from_db()
    assert not acme.customer.is_active
    client.post(f"/organization/members/{acme.customer.pk}/active/", {"active": "1"})
    acme.customer.refresh_from_db()
    assert acme.customer.is_active


@pytest.mark.parametrize("target", ["other_org_customer", "engineer"])
def test_members_of_other_organizations_are_not_found(acme, target):
    member = getattr(acme, target)
    response = signed_in(acme, acme.org_admin).post(
        f"/organization/members/{member.pk}/active/", {"active": "0"}
    )
    assert response.status_code == 404
    member.refresh_from_db()
    assert member.is_active


def test_another_tenants_member_and_invitation_are_not_found(two_tenants):
    acme, globex = two_tenants
    invite(signed_in(globex, globex.org_admin), email="someone@globex-customer.test")
    invitation = Invitation.objects.get()
    client = signed_in(acme, acme.org_admin)
    assert (
        client.post(
            f"/organization/members/{globex.customer.pk}/active/", {"active": "0"}
        ).status_code
        == 404
    )
    assert client.post(f"/organization/invitations/{invitation.pk}/revoke/").status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
