"""Lists page with the same links and summary wherever they are shown."""

import re

import pytest
from django.test import Client

from accounts import security_views
from knowledge_base.views import manage
from tests.knowledge_base.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def _client(world, user):
    client = Client(HTTP_HOST=world.host)
    client.force_login(user)
    return client


def test_people_list_counts_everyone_and_keeps_the_filters_it_was_shown_with(acme, monkeypatch):
    monkeypatch.setattr(security_views, "PAGE_SIZE", 2)
    client = _client(acme, acme.tenant_admin)
    first = client.get("/security/people/", {"group": "", "page": "1"}).content.decode()
    summary = re.search(r"Page 1 of (\d+) · (\d+) in all", first)
    assert summary and int(summary[1]) > 1 and int(summary[2]) > 2
    assert '<a class="button button-small" href="?group=&amp;page=2">Next</a>' in first
    second = client.get("/security/people/", {"group": "", "page": "2"}).content.decode()
    assert '<a class="button button-small" href="?group=&amp;page=1">Previous</a>' in second


def test_article_manager_pages_keep_the_status_filter(acme, monkeypatch):
    monkeypatch.setattr(manage, "MANAGE_PER_PAGE", 2)
    for n in range(3):
        ArticleFactory(tenant=acme.tenant, title=f"Printer guide {n}")
    client = _client(acme, acme.engineer)
    first = client.get("/kb/manage/", {"status": "published"}).content.decode()
    assert '<nav class="kb-pagination" aria-label="Pages">' in first
    assert "Page 1 of 2</span>" in first
    assert 'href="?status=published&amp;page=2" rel="next">Next</a>' in first
    second = client.get("/kb/manage/", {"status": "published", "page": "2"}).content.decode()
    assert 'href="?status=published&amp;page=1" rel="prev">Previous</a>' in second
    assert 'rel="next"' not in second
