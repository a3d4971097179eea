"""The main navigation: each role's links, the page being read, the person's name, the
language switch, and what visitors who are not signed in are offered."""

import re

import pytest
from django.test import Client

from knowledge_base.models import Visibility
from tests.factories import CustomerFactory
from tests.knowledge_base.factories import ArticleFactory

pytestmark = pytest.mark.django_db

LINKS = (
    "Home", "My tickets", "Queues", "Incidents", "SLA reports", "SLA statement",
    "Knowledge base", "System status", "Members", "Security", "Administration",
    "New ticket", "New ticket for a customer",
)  # fmt: skip


def nav_of(client: Client, path: str = "/") -> str:
    html = client.get(path).content.decode()
    return re.search(r'<nav class="nav".*?</nav>', html, re.S).group(0)


def link_texts(nav: str) -> set[str]:
    texts = re.findall(r"<a [^>]*>(?:<span aria-hidden=\"true\">\+</span> )?([^<]+)</a>", nav)
    return {text.strip() for text in texts}


def current_links(nav: str) -> list[str]:
    return re.findall(r'aria-current="page">(?:<span aria-hidden="true">\+</span> )?([^<]*)<', nav)


def signed_in(world, user, **headers) -> Client:
    client = Client(HTTP_HOST=world.host, **headers)
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "role, shown",
    [
        ("customer", {"Home", "My tickets", "Knowledge base", "System status", "New ticket"}),
        (
            "org_admin",
            {"Home", "My tickets", "SLA statement", "Knowledge base", "System status"}
            | {"Members", "New ticket"},
        ),
        (
            "engineer",
            {"Home", "Queues", "Incidents", "Knowledge base", "System status"}
            | {"New ticket for a customer"},
        ),
        (
            "manager",
            {"Home", "Queues", "Incidents", "SLA reports", "Knowledge base", "System status"}
            | {"New ticket for a customer"},
        ),
        (
            "tenant_admin",
            {"Home", "Queues", "Incidents", "SLA reports", "Knowledge base", "System status"}
            | {"Security", "Administration", "New ticket for a customer"},
        ),
    ],
)
def test_each_role_sees_its_own_links_and_no_others(acme, role, shown):
    nav = nav_of(signed_in(acme, getattr(acme, role)))

    assert link_texts(nav) & set(LINKS) == shown


@pytest.mark.parametrize(
    "role, path, current",
    [
        ("customer", "/", ["Home"]),
        ("customer", "/tickets/", ["My tickets"]),
        ("customer", "/tickets/new/", ["New ticket"]),
        ("customer", "/kb/search/", ["Knowledge base"]),
        # The knowledge base's home is not the help desk's.
        ("customer", "/kb/", ["Knowledge base"]),
        ("engineer", "/kb/", ["Knowledge base"]),
        ("org_admin", "/organization/members/", ["Members"]),
        ("org_admin", "/reports/statement/", ["SLA statement"]),
        ("engineer", "/queue/open/", ["Queues"]),
        ("engineer", "/staff/tickets/new/", ["New ticket for a customer"]),
        ("engineer", "/incidents/", ["Incidents"]),
        ("manager", "/reports/sla/", ["SLA reports"]),
        ("tenant_admin", "/security/people/", ["Security"]),
        ("tenant_admin", "/security/audit/", ["Security"]),
    ],
)
def test_the_page_being_read_is_marked_current_and_no_other(acme, role, path, current):
    nav = nav_of(signed_in(acme, getattr(acme, role)), path)

    assert current_links(nav) == current


def test_the_profile_link_is_marked_current_on_the_profile_page(acme):
    nav = nav_of(signed_in(acme, acme.customer), "/profile/")

    assert '<a class="nav-user" href="/profile/" aria-current="page">' in nav
    assert current_links(nav) == ["\n      "]


def test_the_persons_name_and_initial_are_escaped(acme):
    person = CustomerFactory(
        tenant=acme.tenant, organization=acme.org, email="odd@acme.test", full_name="<b>&\"'"
    )

    nav = nav_of(signed_in(acme, person))

    assert '<span class="nav-user-name">&lt;b&gt;&amp;&quot;&#x27;</span>' in nav
    assert '<span class="avatar" aria-hidden="true">&lt;</span>' in nav
    assert "<b>" not in nav


def test_a_person_without_a_name_is_shown_by_their_address(acme):
    person = CustomerFactory(
        tenant=acme.tenant, organization=acme.org, email="nameless@acme.test", full_name=""
    )

    nav = nav_of(signed_in(acme, person))

    assert '<span class="nav-user-name">nameless@acme.test</span>' in nav
    assert '<span class="avatar" aria-hidden="true">N</span>' in nav


def test_the_spanish_page_shows_spanish_link_texts(acme):
    nav = nav_of(signed_in(acme, acme.tenant_admin, HTTP_ACCEPT_LANGUAGE="es"))

    for text in ("Inicio", "Colas", "Incidentes", "Informes de ANS", "Base de conocimiento"):
        assert text in link_texts(nav)
    for text in ("Estado del sistema", "Seguridad", "Administración"):
        assert text in link_texts(nav)
    assert "Nuevo ticket para un cliente" in link_texts(nav)
    assert 'aria-label="Principal"' in nav
    assert "Cerrar sesión" in nav
    assert not link_texts(nav) & set(LINKS)


def test_the_language_switch_posts_the_language_with_a_token_and_comes_back(acme):
    client = Client(HTTP_HOST=acme.host, enforce_csrf_checks=True)
    client.force_login(acme.customer)
    nav = nav_of(client, "/tickets/")
    form = re.search(
        r'<form method="post" action="([^"]+)" class="language-switch">.*?</form>', nav, re.S
    )

    assert form.group(1) == "/language/"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(0)).group(1)
    assert '<input type="hidden" name="next" value="/tickets/">' in form.group(0)

    response = client.post(
        "/language/", {"csrfmiddlewaretoken": token, "language": "es", "next": "/tickets/"}
    )

    assert response.status_code == 302 and response["Location"] == "/tickets/"
    assert "Mis tickets" in link_texts(nav_of(client, "/tickets/"))


def test_sign_out_posts_with_a_token_and_signs_out(acme):
    client = Client(HTTP_HOST=acme.host, enforce_csrf_checks=True)
    client.force_login(acme.customer)
    nav = nav_of(client)
    form = re.search(
        r'<form method="post" action="([^"]+)" class="nav-signout">.*?</form>', nav, re.S
    )
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(0)).group(1)

    client.post(form.group(1), {"csrfmiddlewaretoken": token})

    assert client.get("/")["Location"] == "/accounts/login/"


def test_visitors_see_no_knowledge_base_link_without_public_articles(acme):
    ArticleFactory(tenant=acme.tenant, slug="for-customers", visibility=Visibility.CUSTOMERS)

    nav = nav_of(Client(HTTP_HOST=acme.host), "/kb/")

    assert link_texts(nav) & set(LINKS) == {"System status"}
    assert "Sign out" not in nav and 'class="language-switch"' in nav


def test_visitors_see_the_knowledge_base_link_when_public_articles_exist(acme):
    ArticleFactory(tenant=acme.tenant, slug="reset-password")

    nav = nav_of(Client(HTTP_HOST=acme.host), "/kb/search/")

    assert link_texts(nav) & set(LINKS) == {"Knowledge base", "System status"}
    assert current_links(nav) == ["Knowledge base"]
