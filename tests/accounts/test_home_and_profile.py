import pytest
from django.core import mail
from django.test import Client

from tests.factories import SupportPlanFactory

pytestmark = pytest.mark.django_db(transaction=True)


def signed_in(world, user):
    client = Client(HTTP_HOST=world.host)
    client.force_login(user)
    return client


def test_anonymous_visitor_is_sent_to_sign_in(acme):
    response = Client(HTTP_HOST=acme.host).get("/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/"


def test_customer_home_shows_organization_and_plan(acme):
    acme.org.plan = SupportPlanFactory(tenant=acme.tenant, name="Enterprise")
    acme.org.save()
    page = signed_in(acme, acme.customer).get("/").content.decode()
    assert acme.org.name in page
    assert "Enterprise" in page
    assert "Members" not in page  # only organization admins manage members


def test_profile_update_saves_name_and_time_zone(acme):
    client = signed_in(acme, acme.customer)
    response = client.post("/profile/", {"full_name": "Ada Lovelace", "time_zone": "Europe/London"})
    assert response.status_code == 302
    acme.customer.refresh_from_db()
    assert acme.customer.full_name == "Ada Lovelace"
    assert acme.customer.time_zone == "Europe/London"


def test_profile_rejects_an_unknown_time_zone_and_keeps_the_name_typed(acme):
    client = signed_in(acme, acme.customer)
    response = client.post("/profile/", {"full_name": "Ada Lovelace", "time_zone": "Mars/Olympus"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Select a valid choice" in page
    assert 'value="Ada Lovelace"' in page


def test_password_change_from_profile_signs_out_other_sessions(acme):
    phone = signed_in(acme, acme.customer)
    laptop = signed_in(acme, acme.customer)
    response = laptop.post(
        "/accounts/password/change/",
        {
            "oldpassword": "correct-horse-battery",
            "password1": "another-strong-secret-7",
            "password2": "another-strong-secret-7",
        },
    )
    assert response.status_code == 302
    assert laptop.get("/").status_code == 200
    assert phone.get("/").status_code == 302
    [notice] = mail.outbox
    assert notice.to == [acme.customer.email]
    assert "Your password has been changed" in notice.body


def test_pages_are_not_on_the_platform_host(db):
    assert Client(HTTP_HOST="localhost").get("/profile/").status_code == 404


def test_time_zone_menu_marks_the_chosen_zone(acme):
    from accounts.forms import ProfileForm

    acme.customer.time_zone = "America/Bogota"
    html = str(ProfileForm(instance=acme.customer)["time_zone"])
    assert html.startswith('<select id="id_time_zone" name="time_zone">')
    assert '<option value="America/Bogota" selected>America/Bogota</option>' in html
    assert html.count(" selected") == 1
