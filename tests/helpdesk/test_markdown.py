"""Markdown: safe output, rendered once when written, and texts limited in length.

Speed is measured by bench/markdown_bench.py, not here."""

import importlib

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client

from helpdesk import markdown
from helpdesk.markdown import RENDERER_VERSION, render_markdown
from knowledge_base import services as kb_services
from knowledge_base.models import Article
from tests.knowledge_base.conftest import build_kb
from tests.knowledge_base.factories import ArticleFactory
from tests.knowledge_base.test_editor import form_data as article_form
from tests.tickets.conftest import open_ticket
from tests.tickets.factories import TicketTypeFactory
from tests.tickets.test_create import form_data as ticket_form
from tickets.models import Message, Ticket
from tickets.services import ticket_reply


@pytest.mark.parametrize(
    "source, forbidden",
    [
        ("<script>alert(1)</script>", "<script"),
        ('<img src="x" onerror="alert(1)">', "onerror"),
        ("[click](javascript:alert(1))", "javascript:"),
        ("![x](javascript:alert(1))", "javascript:"),
        ('<a href="javascript:alert(1)">x</a>', "javascript:"),
        ('<p style="position:fixed">x</p>', "style="),
        ("<iframe src='https://evil.example'></iframe>", "<iframe"),
        ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', "data:"),
        ("[x](data:text/html;base64,PHNjcmlwdD4=)", "data:"),
        ("[x](vbscript:msgbox)", "vbscript:"),
        ('<a href="https://x.example" onclick="alert(1)">x</a>', "onclick"),
        ("| a |\n|---|\n| <img src=x onerror=alert(1)> |", "onerror"),
    ],
)
def test_dangerous_markup_is_removed(source, forbidden):
    assert forbidden not in render_markdown(source).lower()


def test_raw_html_is_harmless_and_its_text_stays():
    html = render_markdown('Press <kbd onclick="x()">Enter</kbd> <div>twice</div>')
    assert "onclick" not in html and "<div" not in html
    assert "Enter" in html and "twice" in html


def test_markdown_formatting_survives():
    html = render_markdown("**Bold** and `code`\n\n- one\n- two\n\n[docs](https://example.com)")
    assert "<strong>Bold</strong>" in html
    assert "<code>code</code>" in html
    assert "<li>one</li>" in html
    assert 'href="https://example.com"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_what_our_markdown_offers_survives():
    html = render_markdown(
        "first line\nsecond line\n\n"
        "| Tunnel | State |\n|:--|--:|\n| t-1 | ~~down~~ up |\n\n"
        "```bash\nipsec statusall\n```\n\n"
        "1. one\n2. two\n\n> quoted\n\n![diagram](https://docs.example.com/vpn.png)"
    )
    assert "first line<br>\nsecond line" in html  # line breaks as typed
    assert '<th align="left">Tunnel</th>' in html and '<td align="right">' in html
    assert "<del>down</del>" in html
    assert '<code class="language-bash">ipsec statusall' in html
    assert "<ol>" in html and "<blockquote>" in html
    assert '<img src="https://docs.example.com/vpn.png" alt="diagram">' in html


def test_tables_keep_their_cells_and_code_keeps_its_line_breaks():
    html = render_markdown(
        "| Host | Port |\n|---|---|\n| db-1 | 5432 |\n| db-2 | 5433 |\n\n"
        "```html\n<table>\n<tr>\n<td>x</td>\n</tr>\n</table>\n```"
    )
    assert "<tbody><tr><td>db-1</td><td>5432</td></tr><tr><td>db-2</td><td>5433</td>" in html
    # What looks like table tags inside code is text, line breaks and all.
    assert "&lt;table&gt;\n&lt;tr&gt;\n&lt;td&gt;x&lt;/td&gt;\n&lt;/tr&gt;" in html


def test_fenced_code_keeps_angle_brackets_as_text():
    html = render_markdown("```\n<b>not bold</b>\n```")
    assert "&lt;b&gt;not bold&lt;/b&gt;" in html


@pytest.mark.parametrize("prefix", [">" * 5000, "> " * 5000, ">- " * 3000, "1. " * 3000])
def test_deep_nesting_is_cut_and_the_text_stays(prefix):
    html = render_markdown(prefix + "the words")
    assert "the words" in html
    depth = max(html.count("<blockquote>"), html.count("<li>"))
    assert 1 <= depth <= markdown.MAX_NESTING


def test_nesting_within_the_limit_is_kept():
    html = render_markdown("> " * markdown.MAX_NESTING + "deep but fine")
    assert html.count("<blockquote>") == markdown.MAX_NESTING
    assert "\\" not in html


# --- rendered once, when written -------------------------------------------------------------


@pytest.fixture
def ticket_type(acme):
    return TicketTypeFactory(tenant=acme.tenant, name="Networking", slug="networking")


@pytest.fixture
def signed_in():
    """A client on the person's help desk, signed in as them."""

    def make(user) -> Client:
        client = Client(HTTP_HOST=f"{user.tenant.slug}.localhost")
        client.force_login(user, backend="accounts.backends.TenantAuthenticationBackend")
        return client

    return make


def _conversation(acme, ticket_type):
    ticket = open_ticket(acme, ticket_type, text="The tunnel drops **every** 30 minutes.")
    ticket_reply(
        ticket=ticket,
        actor=acme.engineer,
        body="Try `ipsec restart` _now_.",
        base_url=f"http://{acme.host}/",
    )
    ticket_reply(
        ticket=ticket,
        actor=acme.engineer,
        body="Note: **check** the peer.",
        internal=True,
        base_url=f"http://{acme.host}/",
    )
    return ticket


def test_texts_are_stored_as_sanitized_html_when_written(acme, ticket_type):
    ticket = open_ticket(
        acme, ticket_type, text="**Down** <script>x()</script>", steps="1. *Start*"
    )
    ticket.refresh_from_db()
    assert ticket.text_html == "<p><strong>Down</strong> x()</p>\n"
    assert "<em>Start</em>" in ticket.steps_html
    assert ticket.markdown_version == RENDERER_VERSION
    reply = ticket_reply(
        ticket=ticket, actor=acme.customer, body="[x](javascript:y) ok", base_url="http://x/"
    )
    reply.refresh_from_db()
    assert "javascript" not in reply.body_html and "ok" in reply.body_html
    assert reply.markdown_version == RENDERER_VERSION


def test_pages_show_the_stored_html_without_rendering(acme, ticket_type, signed_in, monkeypatch):
    ticket = _conversation(acme, ticket_type)
    ArticleFactory(tenant=acme.tenant, slug="md", body="## Steps\n\n1. **Open** it")

    def broken(*args, **kwargs):
        raise AssertionError("Markdown rendered while a page was served")

    monkeypatch.setattr(markdown.cmarkgfm, "markdown_to_html_with_extensions", broken)
    staff_page = signed_in(acme.engineer).get(f"/tickets/{ticket.reference}/")
    assert staff_page.status_code == 200
    html = staff_page.content.decode()
    assert "<strong>every</strong>" in html
    assert "<code>ipsec restart</code> <em>now</em>" in html
    assert "<strong>check</strong>" in html
    customer_page = signed_in(acme.customer).get(f"/tickets/{ticket.reference}/").content
    assert b"<code>ipsec restart</code>" in customer_page
    assert b"<strong>check</strong>" not in customer_page  # the note stays internal
    article_page = signed_in(acme.customer).get("/kb/articles/md/")
    assert article_page.status_code == 200
    assert "<h2>Steps</h2>" in article_page.content.decode()


def test_html_of_an_older_renderer_is_rendered_again_by_the_command_not_by_pages(
    acme, ticket_type, signed_in
):
    ticket = _conversation(acme, ticket_type)
    ArticleFactory(tenant=acme.tenant, slug="md", body="**Open** it")
    old = "<p>from the old renderer</p>"
    Ticket.objects.update(text_html=old, markdown_version=0)
    Message.objects.update(body_html=old, markdown_version=0)
    Article.objects.update(body_html=old, markdown_version=0)

    page = signed_in(acme.engineer).get(f"/tickets/{ticket.reference}/").content.decode()
    assert page.count("from the old renderer") == 3  # pages never render

    call_command("rerender_markdown", "--batch-size", "1", stdout=(out := _Output()))
    assert "tickets.Ticket: 1 rendered again" in out.text
    assert "tickets.Message: 2 rendered again" in out.text
    assert "knowledge_base.Article: 1 rendered again" in out.text
    page = signed_in(acme.engineer).get(f"/tickets/{ticket.reference}/").content.decode()
    assert "from the old renderer" not in page
    assert "<strong>every</strong>" in page and "<strong>check</strong>" in page
    article = signed_in(acme.customer).get("/kb/articles/md/").content.decode()
    assert "<strong>Open</strong>" in article

    call_command("rerender_markdown", stdout=(again := _Output()))
    assert "tickets.Message: 0 rendered again" in again.text


def test_the_data_migration_renders_rows_written_before_stored_html(acme, ticket_type):
    ticket = open_ticket(acme, ticket_type, text="*old* row")
    Ticket.objects.update(text_html="", markdown_version=0)
    migration = importlib.import_module("tickets.migrations.0005_render_stored_markdown_html")
    (step,) = migration.Migration.operations
    step.code(apps, None)
    ticket.refresh_from_db()
    assert ticket.text_html == "<p><em>old</em> row</p>\n"
    assert ticket.markdown_version == RENDERER_VERSION


class _Output:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text

    def flush(self):
        pass


# --- length limits ----------------------------------------------------------------------------


def test_limits_stay_well_below_the_request_size_limit():
    """An over-long text must reach the form (a field error, the text kept), never Django's
    bare 400: even with every character percent-encoded (12 bytes for a 4-byte character),
    the largest form's Markdown fit in DATA_UPLOAD_MAX_MEMORY_SIZE with room to spare."""
    ticket_form_bytes = 2 * settings.MARKDOWN_TEXT_MAX_LENGTH * 12
    article_form_bytes = settings.MARKDOWN_ARTICLE_MAX_LENGTH * 12
    assert max(ticket_form_bytes, article_form_bytes) < settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 2


def _too_long(limit: int) -> str:
    return ("Words typed with care. " * (limit // 23 + 2))[: limit + 1]


def test_a_reply_over_the_limit_gets_a_field_error_and_keeps_the_text(acme, ticket_type, signed_in):
    ticket = open_ticket(acme, ticket_type)
    client = signed_in(acme.customer)
    page = client.get(f"/tickets/{ticket.reference}/").content.decode()
    assert f'maxlength="{settings.MARKDOWN_TEXT_MAX_LENGTH}"' in page
    typed = _too_long(settings.MARKDOWN_TEXT_MAX_LENGTH)
    response = client.post(f"/tickets/{ticket.reference}/reply/", {"reply-body": typed})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Keep this to 20,000 characters or fewer (it has 20,001)." in html
    assert typed.strip() in html
    assert not Message.objects.filter(ticket=ticket).exists()
    # Line breaks count once, as the browser's maxlength counts them.
    exact = ("a" * 99 + "\r\n") * (settings.MARKDOWN_TEXT_MAX_LENGTH // 100)
    response = client.post(f"/tickets/{ticket.reference}/reply/", {"reply-body": exact})
    assert response.status_code == 302
    assert Message.objects.get(ticket=ticket).body == exact.replace("\r\n", "\n").strip()


def test_a_description_over_the_limit_gets_a_field_error_on_the_new_ticket_page(
    acme, ticket_type, signed_in
):
    client = signed_in(acme.customer)
    page = client.get("/tickets/new/").content.decode()
    assert page.count(f'maxlength="{settings.MARKDOWN_TEXT_MAX_LENGTH}"') == 2
    typed = _too_long(settings.MARKDOWN_TEXT_MAX_LENGTH)
    response = client.post("/tickets/new/", ticket_form(ticket_type, text=typed))
    html = response.content.decode()
    assert "Keep this to 20,000 characters or fewer (it has 20,001)." in html
    assert typed.strip() in html
    assert "VPN tunnel to AWS down" in html
    assert not Ticket.objects.exists()


def test_an_article_over_the_limit_gets_a_field_error_and_keeps_the_text(acme, signed_in):
    kb = build_kb(acme)
    client = signed_in(acme.engineer)
    page = client.get("/kb/manage/new/").content.decode()
    assert f'maxlength="{settings.MARKDOWN_ARTICLE_MAX_LENGTH}"' in page
    typed = _too_long(settings.MARKDOWN_ARTICLE_MAX_LENGTH)
    response = client.post("/kb/manage/new/", article_form(body=typed))
    html = response.content.decode()
    assert "Keep this to 100,000 characters or fewer (it has 100,001)." in html
    assert typed.strip() in html
    assert not Article.objects.for_tenant(kb.tenant).filter(title="Rotating access keys").exists()


def test_an_article_over_the_limit_in_django_admin_gets_a_field_error(acme, signed_in):
    kb = build_kb(acme)
    typed = _too_long(settings.MARKDOWN_ARTICLE_MAX_LENGTH)
    response = signed_in(acme.tenant_admin).post(
        "/admin/knowledge_base/article/add/",
        {
            "title": "Archiving old buckets",
            "slug": "archiving-old-buckets",
            "body": typed,
            "category": kb.category.pk,
            "language": "english",
            "status": "published",
            "visibility": "public",
        },
    )
    assert response.status_code == 200
    assert "Keep this to 100,000 characters or fewer" in response.content.decode()
    assert typed.strip() in response.content.decode()
    assert not Article.objects.filter(slug="archiving-old-buckets").exists()


def test_the_editor_preview_renders_at_most_an_article_s_length(acme, signed_in, settings):
    settings.MARKDOWN_ARTICLE_MAX_LENGTH = 30
    response = signed_in(acme.engineer).post(
        "/kb/manage/preview/", {"body": "**Within** the limit text.    and past it"}
    )
    assert response.status_code == 200
    assert "<strong>Within</strong> the limit text." in response.content.decode()
    assert "past it" not in response.content.decode()


def test_services_refuse_texts_over_the_limit_for_every_caller(acme, ticket_type, settings):
    settings.MARKDOWN_TEXT_MAX_LENGTH = 50
    settings.MARKDOWN_ARTICLE_MAX_LENGTH = 80
    ticket = open_ticket(acme, ticket_type, text="x" * 50)
    with pytest.raises(ValidationError) as error:
        ticket_reply(ticket=ticket, actor=acme.engineer, body="y" * 51, base_url="http://x/")
    assert "body" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        open_ticket(acme, ticket_type, text="ok", steps="z" * 51)
    assert set(error.value.message_dict) == {"steps"}
    with pytest.raises(ValidationError) as error:
        kb_services.article_create(
            tenant=acme.tenant, actor=acme.engineer, title="Too long", body="w" * 81
        )
    assert "body" in error.value.message_dict
    assert Ticket.objects.count() == 1 and not Message.objects.exists()
