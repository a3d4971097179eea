"""Votes and “This solved my problem” from readers are limited per client address and per
browser session; what visitors typed is shown to admins as text, marked as theirs."""

import pytest

from knowledge_base.models import ArticleFeedback, Deflection

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    settings.KB_READER_ACTIONS_PER_ADDRESS = 5
    settings.KB_READER_ACTIONS_PER_SESSION = 3
    return settings


def vote(client, slug="public-article", answer="yes", **extra):
    return client.post(f"/kb/articles/{slug}/feedback/", {"helpful": answer}, **extra)


def test_fresh_sessions_from_one_address_stop_counting_at_the_limit(kb, client_for, limits):
    answers = [vote(client_for(kb.world.host, REMOTE_ADDR="203.0.113.7")) for _ in range(8)]
    assert ArticleFeedback.objects.filter(article=kb.public).count() == 5
    # Over the limit: the reader is told the vote was not counted.
    refused = client_for(kb.world.host, REMOTE_ADDR="203.0.113.7")
    page = vote(refused, follow=True).content.decode()
    assert "this one was not counted" in page
    assert all(answer.status_code == 302 for answer in answers)
    # Someone on another network still votes.
    vote(client_for(kb.world.host, REMOTE_ADDR="198.51.100.2"))
    assert ArticleFeedback.objects.filter(article=kb.public).count() == 6


def test_one_browser_session_is_limited_too(kb, client_for, limits):
    client = client_for(kb.world.host, REMOTE_ADDR="203.0.113.8")
    for answer in ("yes", "no", "yes"):
        vote(client, answer=answer)
    assert ArticleFeedback.objects.get(article=kb.public).helpful is True
    panel = vote(client, answer="no", HTTP_HX_REQUEST="true")
    assert panel.status_code == 200
    assert "this one was not counted" in panel.content.decode()
    assert "Thank you for your feedback" not in panel.content.decode()
    assert ArticleFeedback.objects.get(article=kb.public).helpful is True


def test_the_address_is_read_behind_trusted_proxies(kb, client_for, limits):
    limits.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    for n in range(7):
        # Each visitor comes through the same proxy with their own address.
        client = client_for(
            kb.world.host, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}"
        )
        vote(client)
    assert ArticleFeedback.objects.filter(article=kb.public).count() == 7


def test_deflections_are_limited_and_not_counted_when_refused(kb, client_for, limits):
    for n in range(7):
        client = client_for(kb.world.host, REMOTE_ADDR="203.0.113.9")
        answer = client.post(
            "/kb/articles/public-article/solved/",
            {"q": f"question {n}", "source": "suggestion"},
            HTTP_HX_REQUEST="true",
        )
    assert Deflection.objects.filter(article=kb.public).count() == 5
    assert "this one was not counted" in answer.content.decode()
    assert "no ticket was created" not in answer.content.decode()


def test_signed_in_readers_are_limited_per_person(kb, client_for, limits):
    client = client_for(kb.world.host, kb.world.customer)
    for slug in ("public-article", "customers-article", "gold-article", "public-article"):
        vote(client, slug=slug, answer="no")
    assert ArticleFeedback.objects.filter(user=kb.world.customer).count() == 3
    assert not ArticleFeedback.objects.filter(user=kb.world.customer, helpful=True).exists()


def test_admins_see_what_visitors_typed_as_escaped_text_marked_as_theirs(kb, client_for):
    visitor = client_for(kb.world.host)
    visitor.post(
        "/kb/articles/public-article/solved/",
        {"q": '<img src=x onerror="alert(1)"> reset <b>now</b>', "source": "suggestion"},
    )
    page = client_for(kb.world.host, kb.world.tenant_admin).get("/kb/manage/analytics/")
    html = page.content.decode()
    assert "<img src=x" not in html and "<b>now</b>" not in html
    assert (
        '<q class="visitor-input">&lt;img src=x onerror=&quot;alert(1)&quot;&gt; reset '
        "&lt;b&gt;now&lt;/b&gt;</q>" in html
    )
    assert "Typed by a visitor (not signed in)" in html
