"""The security audit log: what is written, and who can read it."""

import re

import pytest
from django.test import Client

from accounts.models import AuditEvent
from helpdesk.models import OutboxEmail
from tests.factories import PASSWORD, CustomerFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36"


def browser(world, ip="203.0.113.9") -> Client:
    return Client(HTTP_HOST=world.host, REMOTE_ADDR=ip, HTTP_USER_AGENT=BROWSER)


def events(kind) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(kind=kind).order_by("pk"))


def test_sign_in_is_recorded_with_who_when_where(acme):
    client = browser(acme)
    client.post(LOGIN, {"login": acme.customer.email, "password": PASSWORD})
    [event] = events(AuditEvent.Kind.SIGN_IN)
    assert (event.tenant, event.user, event.actor) == (acme.tenant, acme.customer, acme.customer)
    assert event.ip_address == "203.0.113.9"
    assert event.user_agent == BROWSER
    assert event.email == acme.customer.email
    assert event.created_at is not None


def test_failed_sign_ins_are_recorded_with_the_address_typed(two_tenants):
    acme, globex = two_tenants
    client = browser(acme)
    client.post(LOGIN, {"login": acme.customer.email, "password": "wrong"})
    client.post(LOGIN, {"login": "nobody@nowhere.test", "password": "wrong"})
    # An account of another help desk is refused like a wrong password, and recorded
    # without linking that other tenant's account.
    client.post(LOGIN, {"login": globex.customer.email, "password": PASSWORD})
    failed = events(AuditEvent.Kind.SIGN_IN_FAILED)
    assert [(e.email, e.user, e.tenant) for e in failed] == [
        (acme.customer.email, acme.customer, acme.tenant),
        ("nobody@nowhere.test", None, acme.tenant),
        (globex.customer.email, None, acme.tenant),
    ]
    assert all(e.ip_address == "203.0.113.9" for e in failed)


def test_sign_ins_refused_by_the_rate_limit_are_recorded(acme):
    client = browser(acme)
    for _ in range(5):
        client.post(LOGIN, {"login": acme.customer.email, "password": "wrong"})
    client.post(LOGIN, {"login": acme.customer.email, "password": PASSWORD})
    [locked] = events(AuditEvent.Kind.SIGN_IN_LOCKED)
    assert locked.user == acme.customer
    assert not events(AuditEvent.Kind.SIGN_IN)


def test_password_change_and_reset_are_recorded(acme):
    client = browser(acme)
    client.force_login(acme.customer)
    client.post(
        "/accounts/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": "another-strong-secret-7",
            "password2": "another-strong-secret-7",
        },
    )
    [changed] = events(AuditEvent.Kind.PASSWORD_CHANGED)
    assert changed.user == acme.customer and changed.ip_address == "203.0.113.9"

    anonymous = browser(acme, ip="203.0.113.10")
    anonymous.post("/accounts/password/reset/", {"email": acme.customer.email})
    email = OutboxEmail.objects.filter(to=[acme.customer.email]).latest("pk")
    link = re.search(r"http://\S+/accounts/password/reset/key/\S+/", email.body_text).group(0)
    form = anonymous.get(link, follow=True)
    anonymous.post(
        form.redirect_chain[-1][0],
        {"password1": "a-brand-new-secret-42", "password2": "a-brand-new-secret-42"},
    )
    [reset] = events(AuditEvent.Kind.PASSWORD_RESET)
    assert reset.user == acme.customer and reset.ip_address == "203.0.113.10"


def test_role_changes_and_passwords_set_in_admin_are_recorded(acme):
    client = browser(acme)
    client.force_login(acme.tenant_admin)
    response = client.post(
        f"/admin/accounts/user/{acme.engineer.pk}/change/",
        {
            "email": acme.engineer.email,
            "full_name": acme.engineer.full_name,
            "role": "manager",
            "tier": "",
            "organization": "",
            "time_zone": "",
            "is_active": "on",
            "password1": "a-new-long-secret-99",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    [role] = events(AuditEvent.Kind.ROLE_CHANGED)
    assert (role.actor, role.user) == (acme.tenant_admin, acme.engineer)
    assert role.details == {"from": "engineer", "to": "manager"}
    assert role.summary == "Engineer → Manager"
    [password] = events(AuditEvent.Kind.PASSWORD_SET_BY_ADMIN)
    assert password.actor == acme.tenant_admin


def test_tenant_admin_reads_only_their_own_tenants_log(two_tenants):
    acme, globex = two_tenants
    browser(acme).post(LOGIN, {"login": acme.customer.email, "password": "wrong"})
    browser(globex).post(LOGIN, {"login": globex.customer.email, "password": "wrong"})
    client = Client(HTTP_HOST=acme.host)
    client.force_login(acme.tenant_admin)
    page = client.get("/security/audit/").content.decode()
    assert acme.customer.email in page and "Failed sign-in" in page
    assert globex.customer.email not in page
    assert "203.0.113.9" in page and "Chrome/131.0" in page


@pytest.mark.parametrize("role", ["customer", "org_admin", "other_org_customer", "engineer"])
def test_only_tenant_admins_open_the_log(acme, role):
    client = Client(HTTP_HOST=acme.host)
    client.force_login(getattr(acme, role))
    assert client.get("/security/audit/").status_code == 404
    assert client.get("/security/people/").status_code == 404


def test_log_filters_by_kind_and_address(acme):
    browser(acme).post(LOGIN, {"login": acme.customer.email, "password": "wrong"})
    browser(acme).post(LOGIN, {"login": acme.engineer.email, "password": PASSWORD})
    client = Client(HTTP_HOST=acme.host)
    client.force_login(acme.tenant_admin)
    failed = client.get("/security/audit/?kind=sign_in_failed").content.decode()
    assert acme.customer.email in failed and acme.engineer.email not in failed
    by_fragment = client.get("/security/audit/?email=engineer@").content.decode()
    assert acme.engineer.email in by_fragment and acme.customer.email not in by_fragment
    by_address = client.get("/security/audit/?email=Engineer@ACME.test").content.decode()
    assert acme.engineer.email in by_address and acme.customer.email not in by_address


def test_log_page_query_count_does_not_grow_with_events(acme, django_assert_num_queries):
    client = Client(HTTP_HOST=acme.host)
    client.force_login(acme.tenant_admin)
    for n in range(3):
        browser(acme).post(LOGIN, {"login": acme.customer.email, "password": f"wrong{n}"})
    client.get("/security/audit/")
    # user, one page of events with actor and account (no total count; the session is
    # read from the cache)
    with django_assert_num_queries(2):
        client.get("/security/audit/")
    people = [
        CustomerFactory(tenant=acme.tenant, organization=acme.org, email=f"p{n}@acme.test")
        for n in range(12)
    ]
    for person in people:
        browser(acme, ip=f"198.51.100.{person.pk % 250}").post(
            LOGIN, {"login": person.email, "password": PASSWORD}
        )
    with django_assert_num_queries(2):
        page = client.get("/security/audit/").content.decode()
    assert page.count("<td>Signed in with password") == 12


def test_log_pages_back_through_older_events(acme):
    from accounts.audit import audit_record

    for n in range(60):
        audit_record(
            kind=AuditEvent.Kind.SIGN_IN_FAILED, tenant=acme.tenant, email=f"guess{n}@x.test"
        )
    client = Client(HTTP_HOST=acme.host)
    client.force_login(acme.tenant_admin)
    first = client.get("/security/audit/?kind=sign_in_failed").content.decode()
    shown = set(re.findall(r"guess\d+@x\.test", first))
    assert len(shown) == 50 and "guess59@x.test" in shown
    older = re.search(r'href="(\?[^"]*before=[^"]+)">Older', first).group(1).replace("&amp;", "&")
    assert "kind=sign_in_failed" in older
    second = client.get("/security/audit/" + older).content.decode()
    rest = set(re.findall(r"guess\d+@x\.test", second))
    assert len(rest) == 10 and not rest & shown and "guess0@x.test" in rest
    assert ">Older<" not in second and ">Newest<" in second


@pytest.mark.parametrize(
    "cursor",
    [
        "99999999999999999999-1",
        "1-99999999999999999999",
        "253402300800000000-1",
        "junk",
        "1-",
        "-1",
        "١٢٣-4",
        "1" * 400 + "-1",
    ],
)
def test_a_cursor_no_page_could_have_made_is_a_bad_request(acme, cursor):
    client = Client(HTTP_HOST=acme.host)
    client.force_login(acme.tenant_admin)
    response = client.get("/security/audit/", {"before": cursor, "kind": "sign_in"})
    assert response.status_code == 400


@pytest.mark.parametrize("page", ["99999999999999999999", "-1", "0", "abc", "1e9", ""])
def test_people_page_numbers_out_of_range_show_a_page(acme, page):
    client = Client(HTTP_HOST=acme.host)
    client.force_login(acme.tenant_admin)
    response = client.get("/security/people/", {"page": page, "group": "nonsense"})
    assert response.status_code == 200
    assert acme.engineer.email in response.content.decode()


def test_log_is_read_only_in_admin_and_scoped_to_the_tenant(two_tenants):
    acme, globex = two_tenants
    browser(acme).post(LOGIN, {"login": acme.customer.email, "password": "wrong"})
    browser(globex).post(LOGIN, {"login": globex.customer.email, "password": "wrong"})
    acme_event = AuditEvent.objects.get(tenant=acme.tenant)
    globex_event = AuditEvent.objects.get(tenant=globex.tenant)
    client = Client(HTTP_HOST=acme.host)
    client.force_login(acme.tenant_admin)
    listing = client.get("/admin/accounts/auditevent/").content.decode()
    assert acme.customer.email in listing and globex.customer.email not in listing
    assert "Add audit event" not in listing

    own = client.get(f"/admin/accounts/auditevent/{acme_event.pk}/change/")
    assert own.status_code == 200 and 'name="_save"' not in own.content.decode()
    client.post(f"/admin/accounts/auditevent/{acme_event.pk}/change/", {"email": "forged"})
    client.post(f"/admin/accounts/auditevent/{acme_event.pk}/delete/", {"post": "yes"})
    acme_event.refresh_from_db()
    assert acme_event.email == acme.customer.email

    other = client.get(f"/admin/accounts/auditevent/{globex_event.pk}/change/", follow=True)
    assert globex.customer.email not in other.content.decode()


def test_profile_shows_the_persons_own_recent_activity(acme):
    browser(acme).post(LOGIN, {"login": acme.customer.email, "password": PASSWORD})
    browser(acme).post(LOGIN, {"login": acme.org_admin.email, "password": "wrong"})
    client = Client(HTTP_HOST=acme.host)
    client.force_login(acme.customer)
    page = client.get("/profile/").content.decode()
    assert "Recent security activity" in page
    assert "Signed in with password" in page
    assert "Failed sign-in" not in page
