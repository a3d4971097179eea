"""The demo help centres' priorities article and the new-ticket form say the same thing:
one name and one definition per priority."""

import html
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from accounts.models import User
from helpdesk.priorities import Priority
from knowledge_base.models import Article
from tickets.models import PriorityDefinition

pytestmark = pytest.mark.django_db

# The article each customer reads in their language (IVCISA's customers read Spanish).
ARTICLES = {"invoca": "case-priorities-explained", "ivcisa": "como-se-define-la-prioridad"}
LANGUAGES = {"invoca": "en", "ivcisa": "es"}
CUSTOMERS = {
    "invoca": "tom.baker@brightline-insurance.example",
    "ivcisa": "jorge.ramirez@andes-retail.example",
}


def visible_text(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


@pytest.mark.parametrize("slug", sorted(ARTICLES))
def test_article_and_new_ticket_form_agree_on_every_priority(slug):
    call_command("seed_demo", stdout=StringIO())
    customer = User.objects.get(email=CUSTOMERS[slug])
    client = Client(HTTP_HOST=f"{slug}.localhost")
    client.force_login(customer)
    article = visible_text(client.get(f"/kb/articles/{ARTICLES[slug]}/").content.decode())
    form = visible_text(client.get("/tickets/new/").content.decode())
    definitions = {d.priority: d for d in PriorityDefinition.objects.filter(tenant__slug=slug)}
    for priority in Priority:
        definition = definitions[priority]
        with translation.override(LANGUAGES[slug]):
            label = str(priority.label)
        for text in (label, definition.summary, definition.description):
            assert text in article, (priority, text)
            assert text in form, (priority, text)
    # No other names for the priorities anywhere in the help centre.
    for other in ("P3 – Normal", "P1 – Urgent", "P2 – Major"):
        assert not Article.objects.filter(tenant__slug=slug, body__contains=other).exists()


def test_the_public_priorities_article_leads_visitors_to_sign_in_for_plan_targets():
    call_command("seed_demo", stdout=StringIO())
    client = Client(HTTP_HOST="invoca.localhost")
    article = client.get("/kb/articles/case-priorities-explained/").content.decode()
    link = re.search(r'href="(/kb/articles/sla-by-service-level/)"', article).group(1)
    prompt = client.get(link)
    assert prompt.status_code == 403
    assert "Sign in to read this article" in prompt.content.decode()
    assert prompt.context["sign_in_url"].endswith("next=%2Fkb%2Farticles%2Fsla-by-service-level%2F")
