"""“Was this helpful?” — one vote per person or browser session."""

import pytest
from django.test import Client

from knowledge_base.models import ArticleFeedback

pytestmark = pytest.mark.django_db


def vote(client, slug, answer, **extra):
    return client.post(f"/kb/articles/{slug}/feedback/", {"helpful": answer}, **extra)


def test_a_customer_votes_once_and_can_change_their_mind(kb, client_for):
    client = client_for(kb.world.host, kb.world.customer)
    response = vote(client, "public-article", "yes")
    assert response.status_code == 302
    vote(client, "public-article", "yes")
    assert ArticleFeedback.objects.filter(article=kb.public).count() == 1
    vote(client, "public-article", "no")
    (row,) = ArticleFeedback.objects.filter(article=kb.public)
    assert row.user == kb.world.customer and row.helpful is False
    page = client.get("/kb/articles/public-article/").content.decode()
    assert "0 of 1 reader found this helpful" in page
    assert "Sorry this did not help" in page


def test_anonymous_votes_count_once_per_session(kb, client_for):
    first = client_for(kb.world.host)
    vote(first, "public-article", "yes")
    vote(first, "public-article", "yes")
    vote(client_for(kb.world.host), "public-article", "no")
    votes = ArticleFeedback.objects.filter(article=kb.public)
    assert sorted(v.helpful for v in votes) == [False, True]
    assert all(v.user is None and v.session_key for v in votes)


def test_htmx_vote_answers_with_the_updated_panel(kb, client_for):
    client = client_for(kb.world.host)
    response = vote(client, "public-article", "yes", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="kb-feedback"' in html and "Thank you for your feedback." in html
    assert 'value="yes" class="button kb-vote-chosen" aria-pressed="true"' in html


def test_votes_need_a_csrf_token(kb):
    client = Client(HTTP_HOST=kb.world.host, enforce_csrf_checks=True)
    assert vote(client, "public-article", "yes").status_code == 403
    assert not ArticleFeedback.objects.exists()


def test_cannot_vote_on_what_you_cannot_read(kb, kb_globex, client_for):
    customer = client_for(kb.world.host, kb.world.other_org_customer)
    assert vote(customer, "gold-article", "no").status_code == 404
    assert vote(customer, "staff-article", "no").status_code == 404
    # Another tenant's article of the same address is a different article.
    vote(client_for(kb_globex.world.host, kb_globex.world.customer), "public-article", "no")
    assert not ArticleFeedback.objects.filter(tenant=kb.tenant).exists()


def test_a_draft_takes_no_votes(kb, client_for):
    vote(client_for(kb.world.host, kb.world.engineer), "draft-article", "yes")
    assert not ArticleFeedback.objects.exists()


def test_voting_needs_post(kb, client_for):
    assert client_for(kb.world.host).get("/kb/articles/public-article/feedback/").status_code == 405
