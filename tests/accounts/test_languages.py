"""Which language a person reads, and the accounts pages and emails written in it.

A person's own choice beats the language switch's cookie, which beats the help desk's
default, which beats the browser's ``Accept-Language``. Emails follow their recipient's
language, never that of whoever caused them.
"""

import re
from html import unescape
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import Organization, Tenant, User
from helpdesk.languages import SESSION_CHOSEN
from helpdesk.models import OutboxEmail
from tests.factories import PASSWORD, CustomerFactory
from tests.i18n.spanish import english_leftovers

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
HTML_LANG = re.compile(r'<html lang="([a-z-]+)"')


def page_language(response) -> str:
    match = HTML_LANG.search(response.content.decode())
    assert match, response.content.decode()[:300]
    return match.group(1)


def visitor(world, *, accept="", cookie="") -> Client:
    client = Client(HTTP_HOST=world.host, HTTP_ACCEPT_LANGUAGE=accept)
    if cookie:
        client.cookies["language"] = cookie
    return client


def signed_in(world, user, **kwargs) -> Client:
    client = visitor(world, **kwargs)
    client.force_login(user)
    return client


def set_default(world, language: str) -> None:
    Tenant.objects.filter(pk=world.tenant.pk).update(default_language=language)


def spanish_help_desk(world) -> None:
    """A help desk whose own texts (name, title, tagline) are Spanish, so that what is
    left in English on its pages can only be ours."""
    Tenant.objects.filter(pk=world.tenant.pk).update(
        default_language="es", name="Acme", portal_title="Centro de soporte Acme", tagline=""
    )
    Organization.objects.filter(pk=world.org.pk).update(name="Andes Retail")
    Organization.objects.filter(pk=world.other_org.pk).update(name="Nimbus Fintech")


def speaks(user, language: str):
    User.objects.filter(pk=user.pk).update(language=language)
    user.refresh_from_db()
    return user


def emails_to(address) -> list[OutboxEmail]:
    return [e for e in OutboxEmail.objects.order_by("pk") if address in e.to]


# Which language a page is in.


def test_the_browser_language_applies_when_nothing_else_is_set(acme):
    assert page_language(visitor(acme, accept="es-CO,es;q=0.9").get(LOGIN)) == "es"
    assert page_language(visitor(acme, accept="de").get(LOGIN)) == "en"


def test_the_help_desk_default_beats_the_browser(acme):
    set_default(acme, "es")
    response = visitor(acme, accept="en-US,en;q=0.9").get(LOGIN)
    assert page_language(response) == "es"
    assert "Iniciar sesión" in response.content.decode()


def test_the_switch_cookie_beats_the_help_desk_default(acme):
    set_default(acme, "es")
    assert page_language(visitor(acme, cookie="en").get(LOGIN)) == "en"
    # ... also for a signed-in person who never chose a language of their own.
    assert page_language(signed_in(acme, acme.customer, cookie="en").get("/profile/")) == "en"


def test_a_person_own_language_beats_cookie_default_and_browser(acme):
    set_default(acme, "en")
    speaks(acme.customer, "es")
    client = signed_in(acme, acme.customer, accept="en", cookie="en")
    response = client.get("/profile/")
    assert page_language(response) == "es"
    assert "Su perfil" in response.content.decode()


# The language switch.


def test_the_switch_keeps_a_signed_in_person_language(acme):
    client = signed_in(acme, acme.customer)
    response = client.post("/language/", {"language": "es", "next": "/profile/"})
    assert response.status_code == 302
    assert response["Location"] == "/profile/"
    acme.customer.refresh_from_db()
    assert acme.customer.language == "es"
    assert page_language(client.get("/profile/")) == "es"


def test_the_switch_sets_the_cookie_for_a_visitor(acme):
    client = visitor(acme)
    response = client.post("/language/", {"language": "es", "next": LOGIN})
    assert response.status_code == 302
    assert response.cookies["language"].value == "es"
    assert page_language(client.get(LOGIN)) == "es"


def test_the_switch_never_sends_anyone_off_site(acme):
    for target in ("https://evil.example/", "//evil.example/", "http://globex.localhost/"):
        response = visitor(acme).post("/language/", {"language": "es", "next": target})
        assert response.status_code == 302
        assert "evil.example" not in response["Location"]
        assert "globex" not in response["Location"]


def test_spanish_chosen_before_signing_in_stays_in_the_profile(acme):
    client = visitor(acme, accept="en")
    client.post("/language/", {"language": "es", "next": LOGIN})
    assert client.session[SESSION_CHOSEN] == "es"
    response = client.post(LOGIN, {"login": acme.customer.email, "password": PASSWORD})
    assert response.status_code == 302
    acme.customer.refresh_from_db()
    assert acme.customer.language == "es"
    # Signed out, on another browser, the profile still speaks Spanish.
    other = signed_in(acme, acme.customer, accept="en")
    assert page_language(other.get("/profile/")) == "es"


# The profile.


def test_the_profile_offers_the_languages_each_in_its_own_language(acme):
    set_default(acme, "es")
    html = signed_in(acme, speaks(acme.customer, "en")).get("/profile/").content.decode()
    assert re.search(r'<label for="id_language">Language\b', html)
    menu = html.split('name="language" id="id_language"')[-1].split("</select>")[0]
    options = re.findall(r'<option value="(\w*)"[^>]*>([^<]+)</option>', menu)
    assert [(value, unescape(label)) for value, label in options] == [
        ("", "The help desk's default (Español)"),
        ("en", "English"),
        ("es", "Español"),
    ]


def test_the_profile_page_in_spanish_names_the_choice_in_spanish(acme):
    set_default(acme, "es")
    html = signed_in(acme, acme.customer).get("/profile/").content.decode()
    assert "Idioma" in html
    assert "El predeterminado de la mesa de ayuda (Español)" in html


def test_the_profile_form_saves_the_language(acme):
    client = signed_in(acme, acme.customer, accept="en")
    response = client.post(
        "/profile/",
        {"full_name": "Ada Lovelace", "time_zone": "", "language": "es"},
        follow=True,
    )
    acme.customer.refresh_from_db()
    assert acme.customer.language == "es"
    assert page_language(response) == "es"
    assert "Su perfil se guardó." in response.content.decode()

    client.post("/profile/", {"full_name": "Ada Lovelace", "time_zone": "", "language": ""})
    acme.customer.refresh_from_db()
    assert acme.customer.language == ""


def test_the_profile_refuses_a_language_not_offered(acme):
    client = signed_in(acme, acme.customer)
    response = client.post("/profile/", {"full_name": "Ada", "time_zone": "", "language": "de"})
    assert response.status_code == 200
    acme.customer.refresh_from_db()
    assert acme.customer.language == ""


# Entrance pages read in Spanish.


@pytest.mark.parametrize("path", [LOGIN, "/accounts/password/reset/"])
def test_entrance_pages_in_spanish_hold_no_english(acme, path):
    spanish_help_desk(acme)
    response = Client(HTTP_HOST=acme.host, HTTP_ACCEPT_LANGUAGE="es").get(path)
    assert response.status_code == 200
    assert page_language(response) == "es"
    assert english_leftovers(response.content.decode()) == []


def test_sign_in_errors_are_in_spanish(acme):
    spanish_help_desk(acme)
    response = Client(HTTP_HOST=acme.host).post(
        LOGIN, {"login": acme.customer.email, "password": "wrong"}
    )
    assert response.status_code == 200
    assert english_leftovers(response.content.decode()) == []


# Emails in their recipient's language.


def invite(world, email):
    client = signed_in(world, world.org_admin, accept="en")
    return client.post(
        "/organization/members/", {"email": email, "full_name": "", "role": "customer"}
    )


def test_an_invitation_to_a_new_address_is_in_the_help_desk_language(acme):
    set_default(acme, "es")
    speaks(acme.org_admin, "en")
    invite(acme, "nueva@acme-customer.test")
    (email,) = emails_to("nueva@acme-customer.test")
    assert "Aceptar la invitación" in email.body_html
    assert "le invitó al portal de soporte" in email.subject


def test_an_invitation_notice_follows_the_language_of_the_address_holder(acme, globex):
    spanish = speaks(globex.customer, "es")
    english = speaks(globex.other_org_customer, "en")
    speaks(acme.org_admin, "es")
    invite(acme, spanish.email)
    invite(acme, english.email)
    (to_spanish,) = emails_to(spanish.email)
    (to_english,) = emails_to(english.email)
    assert to_spanish.subject.endswith("Sobre su invitación de Acme Customer A")
    assert "Su cuenta actual no cambió." in to_spanish.body_text
    assert to_english.subject.endswith("About your invitation from Acme Customer A")
    assert "Your existing account is unchanged." in to_english.body_text


def change_address(world, user, new_email):
    client = signed_in(world, user, accept="en")
    return client.post("/profile/email/", {"new_email": new_email, "password": PASSWORD})


def test_email_change_emails_are_in_the_language_of_each_person(acme):
    set_default(acme, "en")
    spanish = speaks(acme.customer, "es")
    english = speaks(acme.other_org_customer, "en")
    change_address(acme, spanish, "nueva@example.org")
    change_address(acme, english, "new@example.org")
    (to_spanish,) = emails_to("nueva@example.org")
    (to_english,) = emails_to("new@example.org")
    assert to_spanish.subject.endswith("Confirme su nueva dirección de inicio de sesión")
    assert "El enlace funciona una sola vez, hasta el" in to_spanish.body_text
    assert to_english.subject.endswith("Confirm your new sign-in address")
    assert "The link works once, until" in to_english.body_text


def test_an_address_change_by_an_admin_tells_the_person_in_their_language(acme):
    from accounts import services

    spanish = speaks(acme.customer, "es")
    old_email = spanish.email
    spanish.email = "otra@example.org"
    services.user_admin_save(user=spanish, actor=speaks(acme.tenant_admin, "en"))
    (notice,) = emails_to(old_email)
    assert notice.subject.endswith("Su dirección de inicio de sesión se cambió")
    assert "El administrador de su mesa de ayuda cambió" in notice.body_text
    assert "Cuándo:" in notice.body_text


def test_the_password_reset_email_is_in_the_account_language(acme):
    set_default(acme, "en")
    spanish = speaks(acme.customer, "es")
    english = speaks(acme.other_org_customer, "en")
    for person in (spanish, english):
        Client(HTTP_HOST=acme.host, HTTP_ACCEPT_LANGUAGE="en").post(
            "/accounts/password/reset/", {"email": person.email}
        )
    (to_spanish,) = emails_to(spanish.email)
    (to_english,) = emails_to(english.email)
    assert to_spanish.subject.endswith("Restablezca su contraseña")
    assert "Elija una nueva contraseña" in to_spanish.body_text
    assert to_english.subject.endswith("Reset your password")
    assert "Choose a new password" in to_english.body_text


def test_a_security_notice_is_in_the_language_of_the_account(acme):
    from accounts.audit import Origin
    from accounts.security import security_email_send

    spanish = speaks(CustomerFactory(tenant=acme.tenant, organization=acme.org), "es")
    security_email_send(
        user=spanish, template="two_factor_disabled", origin=Origin(), base_url="http://x/"
    )
    (notice,) = emails_to(spanish.email)
    assert notice.subject.endswith("Se desactivó la verificación en dos pasos")
    assert "Dirección IP: desconocido" in notice.body_text


# The demo.


def test_the_demo_help_desks_have_their_languages(db):
    call_command("seed_demo", stdout=StringIO())
    languages = dict(Tenant.objects.values_list("slug", "default_language"))
    assert (languages["ivcisa"], languages["invoca"]) == ("es", "en")


def test_seeding_again_sets_a_missing_language_and_keeps_a_chosen_one(db):
    call_command("seed_demo", stdout=StringIO())
    Tenant.objects.filter(slug="ivcisa").update(default_language="")
    Tenant.objects.filter(slug="invoca").update(default_language="es", name="Invoca (renamed)")
    call_command("seed_demo", stdout=StringIO())
    tenants = {t.slug: t for t in Tenant.objects.all()}
    assert tenants["ivcisa"].default_language == "es"
    assert tenants["invoca"].default_language == "es"
    # Nothing else of an existing help desk changes.
    assert tenants["invoca"].name == "Invoca (renamed)"


# Admin.


def test_the_tenant_admin_sets_the_help_desk_default_language(acme):
    client = signed_in(acme, acme.tenant_admin)
    form = client.get(f"/admin/accounts/tenant/{acme.tenant.pk}/change/").content.decode()
    assert re.search(r'<select name="default_language"[^>]*>', form)
    assert '<option value="es">Español</option>' in form


def test_people_admin_sets_a_person_language_and_reads_spanish(acme):
    client = signed_in(acme, speaks(acme.tenant_admin, "es"))
    form = client.get("/admin/accounts/user/add/").content.decode()
    assert '<label for="id_language">Idioma:</label>' in form
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "email": "nuevo@acme.test",
            "full_name": "Nuevo Ingeniero",
            "role": "engineer",
            "tier": "L1",
            "organization": "",
            "time_zone": "",
            "language": "es",
            "is_active": "on",
            "password1": "a-long-enough-secret",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(email="nuevo@acme.test").language == "es"


# Two-factor pages read in Spanish.


def spanish_pages(responses) -> dict:
    return {
        name: english_leftovers(response.content.decode())
        for name, response in responses.items()
        if english_leftovers(response.content.decode())
    }


def test_two_factor_pages_read_spanish_from_set_up_to_turning_off(acme, totp_clock):
    from tests.accounts.test_two_factor import enrol

    spanish_help_desk(acme)
    client = signed_in(acme, acme.customer)
    seen = {"setup": client.get("/accounts/2fa/setup/")}
    seen["wrong code"] = client.post(
        "/accounts/2fa/setup/", {"password": PASSWORD, "code": "000000"}
    )
    assert "Ese código no es correcto." in seen["wrong code"].content.decode()
    totp_clock.tick()
    _page, key, done = enrol(client, totp_clock)
    seen["new codes"] = client.get(done["Location"])
    assert "Guarde sus códigos de respaldo" in seen["new codes"].content.decode()
    seen["backup codes"] = client.get("/accounts/2fa/backup-codes/")
    assert "10</strong> códigos de respaldo sin usar" in seen["backup codes"].content.decode()
    seen["profile"] = client.get("/profile/")

    again = Client(HTTP_HOST=acme.host)
    again.post(LOGIN, {"login": acme.customer.email, "password": PASSWORD})
    seen["verify"] = again.get("/accounts/2fa/verify/")
    assert "Escriba su código" in seen["verify"].content.decode()
    seen["disable"] = client.get("/accounts/2fa/disable/")
    seen["disable, empty"] = client.post("/accounts/2fa/disable/", {})
    assert spanish_pages(seen) == {}


@pytest.mark.parametrize(
    ("who", "paths"),
    [
        ("customer", ["/", "/profile/", "/profile/email/", "/accounts/password/change/"]),
        ("org_admin", ["/", "/organization/members/"]),
        ("engineer", ["/", "/profile/"]),
        ("tenant_admin", ["/", "/security/people/", "/security/audit/", "/profile/"]),
    ],
)
def test_accounts_pages_read_spanish(acme, who, paths):
    spanish_help_desk(acme)
    client = signed_in(acme, getattr(acme, who))
    client.post("/accounts/login/", {"login": "nadie@acme.test", "password": "x"})
    invite(acme, "nueva@acme.test")
    seen = {path: client.get(path) for path in paths}
    assert all(response.status_code == 200 for response in seen.values())
    assert spanish_pages(seen) == {}


def test_the_invitation_page_reads_spanish(acme):
    spanish_help_desk(acme)
    invite(acme, "nueva@acme.test")
    (email,) = emails_to("nueva@acme.test")
    link = re.search(r"http://\S+(/invitations/\S+/)", email.body_text).group(1)
    newcomer = Client(HTTP_HOST=acme.host)
    seen = {"form": newcomer.get(link), "empty": newcomer.post(link, {})}
    assert "Únase a Andes Retail" in seen["form"].content.decode()
    assert spanish_pages(seen) == {}
