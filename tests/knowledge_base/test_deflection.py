"""Deflection: “This solved my problem” counts an answered question and opens no ticket."""

import pytest
from django.apps import apps

from knowledge_base.models import Deflection

pytestmark = pytest.mark.django_db


def ticket_rows() -> int:
    """Rows in every table of the tickets app: a deflection must not add any."""
    return sum(model.objects.count() for model in apps.get_app_config("tickets").get_models())


def test_suggestions_list_matching_articles_with_a_solved_button(kb, client_for):
    client = client_for(kb.world.host, kb.world.customer)
    response = client.get("/kb/suggest/", {"title": "zebra"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "These articles may answer your question" in html
    assert 'href="/kb/articles/public-article/?from=ticket&amp;q=zebra"' in html
    assert 'hx-post="/kb/articles/gold-article/solved/"' in html
    assert "staff-article" not in html


def test_suggestions_are_empty_for_nothing_typed_or_nothing_found(kb, client_for):
    client = client_for(kb.world.host, kb.world.customer)
    assert client.get("/kb/suggest/", {"title": ""}).content.strip() == b""
    assert client.get("/kb/suggest/", {"title": "kubernetes"}).content.strip() == b""


def test_solved_from_the_suggestions_records_a_deflection_and_no_ticket(kb, client_for):
    before = ticket_rows()
    client = client_for(kb.world.host, kb.world.customer)
    response = client.post(
        "/kb/articles/public-article/solved/",
        {"q": "  zebra   crossing  ", "source": "suggestion"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Glad that helped — no ticket was created" in response.content.decode()
    (row,) = Deflection.objects.all()
    assert row.tenant == kb.tenant
    assert row.article == kb.public
    assert row.user == kb.world.customer
    assert row.session_key == client.session.session_key
    assert row.query == "zebra crossing"
    assert row.source == Deflection.Source.SUGGESTION
    assert ticket_rows() == before


def test_solved_on_the_article_page_records_a_deflection(kb, client_for):
    client = client_for(kb.world.host, kb.world.customer)
    page = client.get("/kb/articles/public-article/", {"from": "ticket", "q": "zebra"})
    html = page.content.decode()
    assert "Did this answer your question?" in html
    assert 'name="q" value="zebra"' in html
    response = client.post(
        "/kb/articles/public-article/solved/", {"q": "zebra", "source": "article"}, follow=True
    )
    assert "Glad that helped — no ticket was created." in response.content.decode()
    (row,) = Deflection.objects.all()
    assert row.source == Deflection.Source.ARTICLE and row.query == "zebra"


def test_a_double_click_counts_once(kb, client_for):
    client = client_for(kb.world.host, kb.world.customer)
    for _ in range(3):
        client.post("/kb/articles/public-article/solved/", {"q": "zebra"})
    assert Deflection.objects.count() == 1


def test_anonymous_visitors_deflect_by_session(kb, client_for):
    client = client_for(kb.world.host)
    client.post("/kb/articles/public-article/solved/", {"q": "zebra"})
    (row,) = Deflection.objects.all()
    assert row.user is None and row.session_key


def test_cannot_deflect_with_an_article_you_cannot_read(kb, kb_globex, client_for):
    client = client_for(kb.world.host, kb.world.other_org_customer)
    assert client.post("/kb/articles/gold-article/solved/").status_code == 404
    other = client_for(kb_globex.world.host, kb_globex.world.customer)
    other.post("/kb/articles/public-article/solved/", {"q": "x"})
    assert not Deflection.objects.filter(tenant=kb.tenant).exists()
    assert Deflection.objects.get().tenant == kb_globex.tenant


def test_the_page_only_offers_solved_when_coming_from_the_ticket_form(kb, client_for):
    html = client_for(kb.world.host).get("/kb/articles/public-article/").content.decode()
    assert "This solved my problem" not in html
