"""Every page of the Spanish demo tenant, as a Spanish-speaking visitor, customer, engineer
and tenant admin reads it: nothing is left in English.

The pages are found the way a person finds them, by following every link (and every htmx
fragment) from the home page — one page per kind of URL — so a new page is checked as soon
as something links to it. Forms are also sent empty or wrong, to read their errors.
"""

import re
from collections import deque
from io import StringIO
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from accounts.models import Role, Tenant, User
from knowledge_base.models import Article, Language, Tag
from tests.factories import login_with_verified_device
from tickets.models import Ticket

from .spanish import MissingTranslations, english_leftovers

pytestmark = pytest.mark.django_db

HOST = "ivcisa.localhost"
LINK = re.compile(r'(?:href|hx-get)="([^"#]+)"')
NOT_PAGES = re.compile(
    r"^/(static/|media/|favicon\.ico|healthz|readyz|anymail/|brand\.css|accounts/logout/"
    r"|language/)|/files/|/download/|/original/|\.(csv|eml|png|ico|js|css)$"
)


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=StringIO())
    tenant = Tenant.objects.get(slug="ivcisa")
    assert tenant.default_language == "es"
    return tenant


def _person(tenant, role) -> User:
    return (
        User.objects.filter(tenant=tenant, role=role, is_active=True, language="")
        .order_by("pk")
        .first()
    )


def _kind(url: str, *, admin: bool) -> str:
    """One page per kind of URL: numbers and references become N; the admin's sorting and
    filtering links are the same page."""
    parts = urlsplit(url)
    path = re.sub(r"[A-Z]{2,6}-\d+|\d+|[0-9a-f]{8,}(-[0-9a-f-]+)?", "N", parts.path)
    if admin or not parts.query:
        return path
    keys = sorted({pair.split("=", 1)[0] for pair in parts.query.split("&")})
    return f"{path}?{'&'.join(keys)}"


def crawl(client: Client, start: list[str], *, limit: int, admin: bool = False) -> dict:
    """The pages reachable from ``start``: {url: html}."""
    pages, kinds, queue = {}, set(), deque(start)
    while queue and len(pages) < limit:
        url = queue.popleft()
        kind = _kind(url, admin=admin)
        if kind in kinds:
            continue
        kinds.add(kind)
        response = client.get(url, follow=True)
        if response.streaming or "text/html" not in response.get("Content-Type", ""):
            continue
        assert response.status_code in (200, 403, 404), (url, response.status_code)
        html = response.content.decode()
        pages[url] = html
        for href in LINK.findall(html):
            target = urlsplit(urljoin(url, href.replace("&amp;", "&")))
            if target.netloc not in ("", HOST) or NOT_PAGES.search(target.path):
                continue
            if admin != target.path.startswith("/admin/"):
                continue
            queue.append(target.path + (f"?{target.query}" if target.query else ""))
    return pages


def _signed_in(user: User) -> Client:
    client = Client(HTTP_HOST=HOST)
    if user.role in (Role.ENGINEER, Role.MANAGER, Role.TENANT_ADMIN):
        login_with_verified_device(client, user)
    else:
        client.force_login(user)
    return client


def _english_data() -> list[str]:
    """What the demo's editors wrote in English: the English versions of IVCISA's articles,
    with their tags (a Spanish reader's pages and lists show the Spanish versions; the
    admin lists every article and tag)."""
    english = Article.objects.filter(tenant__slug="ivcisa", language=Language.ENGLISH)
    tags = Tag.objects.filter(articles__in=english).exclude(
        articles__in=Article.objects.exclude(language=Language.ENGLISH)
    )
    return [
        *english.values_list("title", flat=True),
        *tags.values_list("name", flat=True),
        *tags.values_list("slug", flat=True),
        # What customers named as the affected service: a vendor's product keeps its name
        # ("AWS Organizations") in a Spanish ticket.
        *Ticket.objects.filter(tenant__slug="ivcisa").values_list("affected_service", flat=True),
    ]


def _english(pages: dict) -> dict:
    found = {}
    data = _english_data()
    for url, html in pages.items():
        leftovers = english_leftovers(html, data=data)
        if leftovers:
            found[url] = leftovers
    return found


def _check(pages: dict, missing: MissingTranslations, *, at_least: int):
    assert len(pages) >= at_least, sorted(pages)
    for url, html in pages.items():
        assert "<html" not in html or '<html lang="es"' in html, url
    english = _english(pages)
    assert not english, "English left on Spanish pages:\n" + "\n".join(
        f"{url}: {texts}" for url, texts in english.items()
    )
    assert not missing.messages, "Looked up in Spanish, not translated:\n" + missing.report()


def test_a_visitor_reads_the_entrance_pages_in_spanish(demo):
    client = Client(HTTP_HOST=HOST)
    missing = MissingTranslations()
    with missing.watching():
        pages = crawl(
            client,
            ["/accounts/login/", "/accounts/password/reset/", "/kb/", "/no-such-page/"],
            limit=60,
        )
        response = client.post(
            "/accounts/login/", {"login": "nobody@ivcisa.example", "password": "wrong-password"}
        )
        pages["/accounts/login/ (wrong password)"] = response.content.decode()
        response = client.post("/accounts/password/reset/", {"email": "not an address"})
        pages["/accounts/password/reset/ (bad address)"] = response.content.decode()
    assert "Iniciar sesión" in pages["/accounts/login/"]
    _check(pages, missing, at_least=4)


def test_a_customer_reads_every_page_in_spanish(demo):
    customer = _person(demo, Role.CUSTOMER)
    client = _signed_in(customer)
    missing = MissingTranslations()
    with missing.watching():
        pages = crawl(client, ["/", "/tickets/", "/tickets/new/", "/kb/", "/profile/"], limit=150)
        response = client.post("/tickets/new/", {})
        pages["/tickets/new/ (empty)"] = response.content.decode()
    _check(pages, missing, at_least=10)


def test_an_organization_admin_reads_every_page_in_spanish(demo):
    client = _signed_in(_person(demo, Role.ORG_ADMIN))
    missing = MissingTranslations()
    with missing.watching():
        pages = crawl(client, ["/", "/organization/members/", "/tickets/"], limit=150)
    _check(pages, missing, at_least=5)


def test_an_engineer_reads_every_page_in_spanish(demo):
    client = _signed_in(_person(demo, Role.ENGINEER))
    missing = MissingTranslations()
    with missing.watching():
        pages = crawl(client, ["/", "/staff/tickets/new/", "/kb/", "/profile/"], limit=200)
    _check(pages, missing, at_least=10)


def test_a_tenant_admin_reads_our_pages_and_admin_screens_in_spanish(demo):
    client = _signed_in(_person(demo, Role.TENANT_ADMIN))
    missing = MissingTranslations()
    with missing.watching():
        pages = crawl(client, ["/", "/security/people/", "/security/audit/"], limit=200)
        admin_pages = crawl(client, ["/admin/"], limit=400, admin=True)
    assert any("/change/" in url for url in admin_pages)
    assert any(url.endswith("/add/") for url in admin_pages)
    _check({**pages, **admin_pages}, missing, at_least=30)


def test_the_same_pages_stay_english_for_an_english_reader(demo):
    """The check itself reads English where English is expected: an English reader of the
    same tenant sees the English interface."""
    customer = _person(demo, Role.CUSTOMER)
    customer.language = "en"
    customer.save(update_fields=["language"])
    client = _signed_in(customer)
    html = client.get("/tickets/new/").content.decode()
    assert '<html lang="en">' in html
    assert english_leftovers(html)
    with translation.override("en"):
        assert "New ticket" in html
