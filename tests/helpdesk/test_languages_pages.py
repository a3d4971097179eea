"""The help desk's frame in the reader's language: the navigation, the language switch,
pagination, the error pages, durations and priority names. A browser asking for Spanish on
a help desk without a default language reads Spanish; everyone else keeps the English."""

import pytest
from allauth.core.ratelimit import respond_429
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import OperationalError
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import path
from django.utils import translation

from helpdesk import urls as project_urls
from helpdesk.markdown import too_long_message
from helpdesk.priorities import Priority
from helpdesk.services import email_queue
from helpdesk.templatetags.helpdesk_tags import _duration_text
from helpdesk.views import service_unavailable
from tests.factories import TenantFactory
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def _forbidden(request):
    raise PermissionDenied


def _too_many(request):
    return respond_429(request)


def _database_down(request):
    raise OperationalError("could not connect to server")


# The project's URLs and error handlers, plus pages that refuse, limit and fail.
urlpatterns = [
    path("forbidden/", _forbidden),
    path("too-many/", _too_many),
    path("database-down/", _database_down),
    *project_urls.urlpatterns,
]
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500


def browser(world, language: str | None = None, user=None) -> Client:
    headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
    client = Client(HTTP_HOST=world.host, **headers)
    if user is not None:
        client.force_login(user)
    return client


def page(response) -> str:
    return response.content.decode()


def test_the_navigation_is_spanish_for_a_browser_asking_for_spanish(acme):
    html = page(browser(acme, "es", acme.customer).get("/"))

    assert '<html lang="es">' in html
    for text in ("Saltar al contenido", "Inicio", "Mis tickets", "Base de conocimiento"):
        assert text in html
    assert "Nuevo ticket" in html
    assert "Cerrar sesión" in html
    assert "Sign out" not in html and "My tickets" not in html


def test_the_navigation_stays_english_for_everyone_else(acme):
    html = page(browser(acme, user=acme.customer).get("/"))

    assert '<html lang="en">' in html
    for text in ("Skip to content", "Home", "My tickets", "Knowledge base", "Sign out"):
        assert text in html
    assert "Cerrar sesión" not in html


def test_staff_navigation_names_queues_members_security_and_administration(acme):
    spanish = page(browser(acme, "es", acme.tenant_admin).get("/"))
    english = page(browser(acme, user=acme.tenant_admin).get("/"))

    for text in ("Colas", "Seguridad", "Administración", "Nuevo ticket para un cliente"):
        assert text in spanish
    for text in ("Queues", "Security", "Administration", "New ticket for a customer"):
        assert text in english
    org_admin = page(browser(acme, "es", acme.org_admin).get("/"))
    assert "Miembros" in org_admin


def test_the_language_switch_names_each_language_in_its_own_words_and_marks_the_current(acme):
    html = page(browser(acme, "es").get("/accounts/login/"))

    assert 'role="group" aria-label="Idioma"' in html
    assert 'lang="en" class="language-option" aria-pressed="false">English</button>' in html
    assert 'lang="es" class="language-option" aria-pressed="true">Español</button>' in html

    english = page(browser(acme).get("/accounts/login/"))
    assert 'lang="en" class="language-option" aria-pressed="true">English</button>' in english
    assert 'lang="es" class="language-option" aria-pressed="false">Español</button>' in english


def test_the_entrance_pages_name_the_platform_in_spanish_without_a_tenant():
    html = page(Client(HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="es").get("/accounts/login/"))

    assert "Plataforma de mesa" in html


def test_admins_switch_language_from_the_admin_user_tools(acme):
    client = browser(acme, "es", acme.tenant_admin)

    html = page(client.get("/admin/"))

    assert f"{acme.tenant.portal_title} — administración" in html
    tools = html[html.index('id="user-tools"') :]
    assert 'action="/language/"' in tools
    assert 'name="next" value="/admin/"' in tools
    assert 'aria-pressed="true">Español</button>' in tools

    switched = client.post("/language/", {"language": "en", "next": "/admin/"})
    assert switched.status_code == 302 and switched.url == "/admin/"
    acme.tenant_admin.refresh_from_db()
    assert acme.tenant_admin.language == "en"
    assert f"{acme.tenant.portal_title} — administration" in page(client.get("/admin/"))


def test_the_outbox_admin_is_spanish_for_a_spanish_admin(acme):
    email_queue(tenant=acme.tenant, to=["someone@example.test"], subject="Hola", text="Hola")
    html = page(browser(acme, "es", acme.tenant_admin).get("/admin/helpdesk/outboxemail/"))

    assert "correos de la bandeja de salida" in html.lower()
    assert "Reenviar los correos fallidos seleccionados" in html
    assert "Último error" in html


def pages_of(count: int, number: int):
    return Paginator(list(range(count)), 10).get_page(number)


def test_pagination_reads_page_x_of_y_in_spanish():
    with translation.override("es"):
        html = render_to_string("includes/pagination.html", {"page": pages_of(50, 2)})
        tickets = render_to_string(
            "includes/pagination.html", {"page": pages_of(41, 1), "counted": "tickets"}
        )

    assert "Página 2 de 5" in html
    assert "Anterior" in html and "Siguiente" in html
    assert 'aria-label="Páginas"' in html
    assert "Página 1 de 5 · 41 tickets" in tickets


def test_pagination_stays_english():
    with translation.override("en"):
        html = render_to_string("includes/pagination.html", {"page": pages_of(50, 2)})

    assert "Page 2 of 5" in html
    assert "Previous" in html and "Next" in html


@pytest.mark.urls(__name__)
def test_not_found_is_spanish_for_a_spanish_browser_and_english_otherwise(acme):
    spanish = browser(acme, "es").get("/no-such-page/")
    english = browser(acme).get("/no-such-page/")

    assert spanish.status_code == english.status_code == 404
    assert "Página no encontrada" in page(spanish)
    assert "Ir a la página de inicio" in page(spanish)
    assert "Page not found" in page(english)


@pytest.mark.urls(__name__)
def test_not_allowed_is_spanish_for_a_spanish_browser_and_english_otherwise(acme):
    spanish = browser(acme, "es", acme.customer).get("/forbidden/")
    english = browser(acme, user=acme.customer).get("/forbidden/")

    assert spanish.status_code == english.status_code == 403
    assert "No tiene permiso para hacer eso." in page(spanish)
    assert "You do not have permission to do that." in page(english)


@pytest.mark.urls(__name__)
def test_too_many_attempts_is_spanish_for_a_spanish_browser_and_english_otherwise(acme):
    spanish = browser(acme, "es").get("/too-many/")
    english = browser(acme).get("/too-many/")

    assert spanish.status_code == english.status_code == 429
    assert "Demasiados intentos" in page(spanish)
    assert "Por su seguridad, pausamos esto por unos minutos." in page(spanish)
    assert "Too many attempts" in page(english)


@pytest.mark.urls(__name__)
def test_the_outage_page_follows_the_browser(acme):
    spanish = browser(acme, "es", acme.customer).get("/database-down/")
    english = browser(acme, user=acme.customer).get("/database-down/")

    assert spanish.status_code == english.status_code == 503
    assert '<html lang="es">' in page(spanish)
    assert "Volvemos en un momento" in page(spanish)
    assert "unos 30 segundos" in page(spanish)
    assert "We are back in a moment" in page(english)


def test_the_outage_page_finds_its_language_without_the_database(django_assert_num_queries):
    factory = RequestFactory()
    asked = factory.post("/tickets/new/", {"title": "La VPN no conecta"}, HTTP_ACCEPT_LANGUAGE="es")
    chosen = factory.get("/tickets/", HTTP_ACCEPT_LANGUAGE="en")
    chosen.COOKIES["language"] = "es"
    by_tenant = factory.get("/tickets/")
    by_tenant.tenant = TenantFactory.build(default_language="es")
    plain = factory.get("/tickets/")

    with django_assert_num_queries(0):
        pages = [page(service_unavailable(r)) for r in (asked, chosen, by_tenant, plain)]

    assert "Es posible que lo que acaba de enviar no se haya guardado." in pages[0]
    assert "La VPN no conecta" in pages[0]
    assert "Volvemos en un momento" in pages[1]
    assert "Volvemos en un momento" in pages[2]
    assert "We are back in a moment" in pages[3]


@pytest.mark.parametrize(
    ("seconds", "english", "spanish"),
    [
        (3600, "1 hour", "1 hora"),
        (7200, "2 hours", "2 horas"),
        (86400, "1 day", "1 día"),
        (3 * 86400, "3 days", "3 días"),
        (60, "1 minute", "1 minuto"),
        (90 * 60, "90 minutes", "90 minutos"),
    ],
)
def test_durations_in_both_languages(seconds, english, spanish):
    with translation.override("en"):
        assert _duration_text(seconds) == english
    with translation.override("es"):
        assert _duration_text(seconds) == spanish


def test_the_password_reset_validity_reads_one_hour_in_each_language(settings):
    settings.PASSWORD_RESET_TIMEOUT = 3600
    template = Template("{% load helpdesk_tags %}{% password_reset_validity %}")

    with translation.override("en"):
        assert template.render(Context()) == "1 hour"
    with translation.override("es"):
        assert template.render(Context()) == "1 hora"


def test_priority_names_are_spanish_wherever_they_are_read():
    ticket = Ticket(priority=Priority.P2)

    with translation.override("en"):
        assert [str(label) for _, label in Priority.choices] == [
            "P1 – Critical",
            "P2 – High",
            "P3 – Medium",
            "P4 – Low",
        ]
        assert ticket.get_priority_display() == "P2 – High"
    with translation.override("es"):
        assert [str(label) for _, label in Priority.choices] == [
            "P1 – Crítica",
            "P2 – Alta",
            "P3 – Media",
            "P4 – Baja",
        ]
        assert ticket.get_priority_display() == "P2 – Alta"
        assert Priority.P3.label == "P3 – Media"


def test_a_text_over_its_limit_says_so_with_spanish_numbers():
    with translation.override("en"):
        assert too_long_message(10000, 12345) == (
            "Keep this to 10,000 characters or fewer (it has 12,345)."
        )
    with translation.override("es"):
        assert too_long_message(10000, 12345) == (
            "Use como máximo 10.000 caracteres (tiene 12.345)."
        )


def test_emails_carry_the_language_they_are_written_in():
    with translation.override("es"):
        html = render_to_string("emails/base.html", {"tenant": None})

    assert '<html lang="es">' in html
    assert "Mesa de ayuda" in html
