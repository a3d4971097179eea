"""Journeys through the knowledge base: reading and voting, deflecting a ticket from the
new-ticket form, writing an article, linking articles into replies, the analytics page."""

import re

import pytest
from playwright.sync_api import Page, expect

from knowledge_base.models import ArticleFeedback, Deflection
from knowledge_base.services import article_create
from tests.browser.pages import sign_in
from tests.tickets.factories import TicketTypeFactory
from tickets.models import Ticket
from tickets.services import ticket_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def publish(world, title, body, **extra):
    return article_create(
        tenant=world.tenant,
        actor=world.engineer,
        title=title,
        body=body,
        status="published",
        **extra,
    )


@pytest.fixture
def articles(acme):
    return {
        "password": publish(
            acme,
            "Resetting your password",
            "Click **Forgot your password?** on the sign-in page and follow the emailed link.",
            summary="Set a new password from the sign-in page.",
        ),
        "vpn": publish(acme, "VPN access", "Install the client and import the profile."),
        "internal": publish(acme, "Password reset runbook", "Internal steps.", visibility="staff"),
    }


def test_customer_finds_an_answer_while_writing_a_ticket_and_opens_none(
    page: Page, portal, acme, articles
):
    TicketTypeFactory(tenant=acme.tenant, name="Request", slug="request")
    url = portal("acme")
    sign_in(page, url, acme.customer.email)
    page.get_by_role("link", name="New ticket").first.click()
    page.get_by_label("Title").press_sequentially("Cannot reset my passw", delay=20)

    suggestions = page.locator("#kb-suggestions")
    expect(suggestions.get_by_text("These articles may answer your question")).to_be_visible()
    expect(suggestions.get_by_role("link", name="Resetting your password")).to_be_visible()
    # Staff-only articles are never suggested to customers.
    expect(suggestions.get_by_text("runbook")).to_have_count(0)

    answer = suggestions.get_by_role("link", name="Resetting your password")
    # A slow machine may pause mid-typing: the suggestions follow the whole title in the end.
    expect(answer).to_have_attribute("href", re.compile(r"q=Cannot(\+|%20)reset(\+|%20)my"))
    answer.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Resetting your password")
    expect(page.get_by_text("Did this answer your question?")).to_be_visible()
    page.get_by_role("button", name="This solved my problem").click()
    expect(page.get_by_text("Glad that helped — no ticket was created.")).to_be_visible()

    deflection = Deflection.objects.get()
    assert deflection.article == articles["password"]
    assert deflection.user == acme.customer
    assert deflection.query == "Cannot reset my passw"
    assert not Ticket.objects.exists()


def test_customer_marks_a_suggestion_as_solving_the_problem_in_place(
    page: Page, portal, acme, articles
):
    TicketTypeFactory(tenant=acme.tenant, name="Request", slug="request")
    sign_in(page, portal("acme"), acme.customer.email)
    page.goto(portal("acme") + "/tickets/new/")
    page.get_by_label("Title").press_sequentially("vpn client", delay=20)
    suggestions = page.locator("#kb-suggestions")
    expect(suggestions.get_by_role("link", name="VPN access")).to_be_visible()
    suggestions.get_by_role("button", name="This solved my problem").click()
    expect(suggestions.get_by_text("Glad that helped — no ticket was created.")).to_be_visible()
    # What the customer typed is still in the form.
    expect(page.get_by_label("Title")).to_have_value("vpn client")
    assert Deflection.objects.get().article == articles["vpn"]
    assert not Ticket.objects.exists()


def test_visitor_searches_reads_and_votes_without_signing_in(page: Page, portal, acme, articles):
    page.goto(portal("acme") + "/kb/")
    expect(page.get_by_role("heading", name="Knowledge base", level=1)).to_be_visible()
    page.get_by_role("searchbox", name="Search the knowledge base").fill("passwords")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name=re.compile("1 result"))).to_be_visible()
    page.get_by_role("link", name="Resetting your password").click()
    expect(page.locator(".kb-body strong")).to_have_text("Forgot your password?")

    page.get_by_role("button", name="Yes").click()
    expect(page.get_by_text("Thank you for your feedback.")).to_be_visible()
    expect(page.get_by_role("button", name="Yes")).to_have_attribute("aria-pressed", "true")
    vote = ArticleFeedback.objects.get()
    assert vote.helpful is True and vote.user is None

    # Changing one's mind replaces the vote.
    page.get_by_role("button", name="No").click()
    expect(page.get_by_text("Sorry this did not help.")).to_be_visible()
    assert ArticleFeedback.objects.get().helpful is False
    expect(page.get_by_role("link", name="Open a ticket")).to_have_attribute(
        "href", "/tickets/new/?kb=resetting-your-password"
    )


def test_engineer_writes_previews_and_publishes_an_article(page: Page, portal, acme, articles):
    url = portal("acme")
    sign_in(page, url, acme.engineer.email)
    page.get_by_role("navigation").get_by_role("link", name="Knowledge base").click()
    page.get_by_role("link", name="Write an article").click()

    page.get_by_label("Title").fill("Rotating access keys")
    body = page.get_by_label("Article text", exact=True)
    body.fill("Rotate keys every 90 days. ")
    page.get_by_role("button", name="bold").click()  # wraps a placeholder in **…**
    body.press("End")
    body.press_sequentially(" See also: ")
    # Link another article at the cursor with the picker.
    page.get_by_label("Link a knowledge base article").fill("vpn")
    picker = page.locator(".kb-picker-results")
    expect(picker.get_by_role("button", name="Insert link")).to_have_count(1)
    picker.get_by_role("button", name="Insert link").click()
    expect(body).to_have_value(
        re.compile(r"\*\*bold text\*\*.*See also: \[VPN access\]\(http://acme\.localhost:\d+/kb/"
                   r"articles/vpn-access/\)$", re.S)
    )  # fmt: skip

    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#kb-preview")
    expect(preview.locator("strong")).to_have_text("bold text")
    expect(preview.get_by_role("link", name="VPN access")).to_be_visible()
    expect(body).to_be_hidden()
    page.get_by_role("button", name="Write").click()
    expect(body).to_be_visible()

    page.get_by_label("Tags").fill("security, keys")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("The article was published.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rotating access keys")
    expect(page.locator(".kb-body").get_by_role("link", name="VPN access")).to_be_visible()

    # Customers find it at once.
    page.get_by_role("button", name="Sign out").click()
    page.goto(url + "/kb/search/?q=rotating")
    expect(page.get_by_role("link", name="Rotating access keys")).to_be_visible()


def test_engineer_links_an_article_in_a_ticket_reply(page: Page, portal, acme, articles):
    ticket_type = TicketTypeFactory(tenant=acme.tenant, name="Request", slug="request")
    ticket = ticket_create(
        actor=acme.customer,
        tenant=acme.tenant,
        title="Locked out",
        text="I forgot my password.",
        ticket_type=ticket_type,
        priority="P3",
        affected_service="Portal",
        base_url="http://acme.localhost",
    )
    sign_in(page, portal("acme"), acme.engineer.email)
    page.goto(portal("acme") + ticket.get_absolute_url())
    reply = page.locator("textarea#id_reply-body")
    reply.fill("Hello, this explains it:")
    page.get_by_label("Link a knowledge base article").press_sequentially("password", delay=20)
    results = page.locator(".kb-picker-results")
    expect(results.get_by_text("Password reset runbook")).to_be_visible()
    expect(results.get_by_text("Staff only")).to_be_visible()
    results.get_by_role("listitem").filter(has_text="Resetting your password").get_by_role(
        "button", name="Insert link"
    ).click()
    expect(reply).to_have_value(
        re.compile(r"^Hello, this explains it: \[Resetting your password\]\(http://acme\.localhost"
                   r":\d+/kb/articles/resetting-your-password/\)$")
    )  # fmt: skip
    # Pressing Enter in the picker searches; it does not send the reply.
    page.get_by_label("Link a knowledge base article").press("Enter")
    expect(page).to_have_url(re.compile(re.escape(ticket.get_absolute_url()) + "$"))


def test_tenant_admin_sees_what_the_knowledge_base_saved(page: Page, portal, acme, articles):
    from knowledge_base.services import deflection_record

    deflection_record(
        article=articles["password"],
        user=acme.customer,
        session_key="s1",
        query="cannot sign in",
    )
    sign_in(page, portal("acme"), acme.tenant_admin.email)
    page.goto(portal("acme") + "/kb/")
    page.get_by_role("link", name="Analytics").click()
    expect(page.get_by_role("heading", name="Knowledge base analytics")).to_be_visible()
    expect(page.locator(".stat").filter(has_text="Tickets deflected")).to_contain_text("1")
    expect(page.get_by_role("cell", name=re.compile("cannot sign in"))).to_be_visible()


@pytest.mark.parametrize("width", [375, 1440])
def test_knowledge_base_pages_fit_the_screen(page: Page, portal, acme, articles, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, portal("acme"), acme.engineer.email)
    for path in (
        "/kb/",
        "/kb/search/?q=password",
        "/kb/articles/resetting-your-password/",
        "/kb/manage/",
        "/kb/manage/new/",
    ):
        page.goto(portal("acme") + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways at {width}px"
