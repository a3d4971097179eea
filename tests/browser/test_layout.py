"""Pages of the demo help desk fit a laptop (1,440 px) and a phone (375 px): nothing to scroll
sideways, the business calendar folded by year, the queue as stacked rows on a phone, the
customer's ticket status before the reply form, and admin time fields that name their zone.

The browser runs in UTC while IVCISA's help desk runs on Bogotá time (UTC-5), the situation
in which Django admin used to add "You are 5 hours ahead of server time" to every time field.
"""

import io
import re
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.demo import DEMO_PASSWORD
from accounts.models import User
from sla.models import BusinessCalendar, Holiday
from tests.factories import totp_device_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1440, "height": 900}
PHONE = {"width": 375, "height": 800}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "timezone_id": "UTC"}


@pytest.fixture
def ivcisa(portal):
    call_command("seed_demo", stdout=io.StringIO())
    return portal("ivcisa")


def sign_in_demo(page: Page, url: str, email: str, clock=None):
    """Sign in as a demo account, in English (IVCISA's pages are Spanish until one chooses
    English on the sign-in page); staff of the demo help desks also enter their app's code."""
    device = totp_device_for(User.objects.get(email=email)) if clock else None
    page.goto(url + "/accounts/login/")
    page.get_by_role("button", name="English").click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if device:
        page.get_by_label("Code", exact=True).fill(clock.code(device))
        page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def sign_in_demo_in_spanish(page: Page, url: str, email: str):
    """A demo customer of IVCISA signs in as its pages first speak: Spanish."""
    page.goto(url + "/accounts/login/")
    page.get_by_label("Correo electrónico").fill(email)
    page.get_by_label("Contraseña").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()
    expect(page.get_by_role("button", name="Cerrar sesión")).to_be_visible()


def page_width(page: Page) -> tuple[int, int]:
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


def assert_fits(page: Page, path: str):
    scroll_width, viewport = page_width(page)
    assert scroll_width <= viewport, f"{path} is {scroll_width} px wide at {viewport} px"


def open_and_assert_fits(page: Page, url: str, path: str):
    page.goto(url + path)
    page.wait_for_load_state("load")
    assert_fits(page, path)


def test_admin_pages_fit_and_time_fields_name_their_zone(page: Page, ivcisa, totp_clock):
    sign_in_demo(page, ivcisa, "admin@ivcisa.example", totp_clock)

    page.set_viewport_size(LAPTOP)
    page.goto(ivcisa + "/admin/escalation/escalationmatrix/")
    expect(page.get_by_role("heading", name=re.compile("^Rules: when"))).to_be_visible()
    assert_fits(page, "the escalation matrix")

    page.set_viewport_size(PHONE)
    page.goto(ivcisa + "/admin/sla/supportplan/")
    page.get_by_role("link", name="Edit SLA matrix").first.click()
    expect(page.get_by_role("button", name="Save matrix")).to_be_visible()
    assert_fits(page, "the SLA matrix")
    for box in page.locator(".sla-matrix tbody input[type=text]").all():
        bounds = box.bounding_box()
        assert bounds["x"] >= 0 and bounds["x"] + bounds["width"] <= PHONE["width"]

    # On-call shifts are taken in the help desk's zone, which the page names by each field;
    # the clock shortcuts ("Now") use that same zone's offset.
    page.set_viewport_size(LAPTOP)
    page.goto(ivcisa + "/admin/escalation/oncallshift/add/")
    page.wait_for_load_state("load")
    expect(page.get_by_text("Now").first).to_be_visible()
    assert page.evaluate("new Date().getTimezoneOffset()") == 0
    assert page.locator("body").get_attribute("data-admin-utc-offset") == "-18000"
    expect(page.get_by_text(re.compile("server time"))).to_have_count(0)
    for name in ("starts_at", "ends_at"):
        field = page.locator(f"#id_{name}_1").locator("xpath=..")
        expect(field.get_by_text("Time zone: COT (UTC\u221205:00)")).to_be_visible()

    # Opening hours are wall-clock times of the calendar's own zone, which follows the
    # form's Time zone field.
    calendar = BusinessCalendar.objects.get(name="Horario hábil IVCISA")
    page.goto(ivcisa + f"/admin/sla/businesscalendar/{calendar.pk}/change/")
    page.wait_for_load_state("load")
    expect(page.get_by_text(re.compile("server time"))).to_have_count(0)
    start = page.locator("#id_intervals-0-start").locator("xpath=..")
    expect(start.get_by_text("Local time in America/Bogota")).to_be_visible()
    page.get_by_label("Time zone:").fill("America/Lima")
    page.get_by_label("Time zone:").dispatch_event("change")
    expect(start.get_by_text("Local time in America/Lima")).to_be_visible()

    page.set_viewport_size(PHONE)
    open_and_assert_fits(page, ivcisa, "/security/people/")


def test_calendar_lists_holidays_by_year_upcoming_first(page: Page, ivcisa, totp_clock):
    calendar = BusinessCalendar.objects.get(name="Horario hábil IVCISA")
    holidays = list(Holiday.objects.filter(calendar=calendar))
    assert len(holidays) > 100
    today = timezone.localdate(timezone=ZoneInfo(calendar.time_zone))
    upcoming = sorted((h for h in holidays if h.date >= today), key=lambda h: h.date)
    assert upcoming, "the demo calendar holds holidays of the coming years"

    sign_in_demo(page, ivcisa, "admin@ivcisa.example", totp_clock)
    page.set_viewport_size(LAPTOP)
    page.goto(ivcisa + f"/admin/sla/businesscalendar/{calendar.pk}/change/")
    page.wait_for_load_state("load")
    assert_fits(page, "the business calendar")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 4500, f"the calendar page is {height} px tall"

    sections = page.locator("#holidays-group details")
    titles = [title.strip() for title in sections.locator("summary").all_inner_texts()]
    years = {h.date.year for h in holidays}
    assert len(titles) >= len(years), titles
    # The first section opens on the next holiday to come.
    first = sections.first
    assert first.get_attribute("open") is not None
    assert titles[0].startswith(
        f"Upcoming in {today.year}"
        if upcoming[0].date.year == today.year
        else str(upcoming[0].date.year)
    ), titles
    expect(first.locator("input[name$='-date']").first).to_have_value(upcoming[0].date.isoformat())
    # Years gone by are folded away, their holidays out of sight.
    past_year = today.year - 1
    assert past_year in years
    past = sections.filter(has=page.locator("summary", has_text=re.compile(f"^{past_year}")))
    expect(past).to_have_count(1)
    assert past.get_attribute("open") is None
    past_holiday = min((h for h in holidays if h.date.year == past_year), key=lambda h: h.date)
    expect(page.locator(f"input[value='{past_holiday.date.isoformat()}']")).to_be_hidden()
    assert titles.index(next(t for t in titles if t.startswith(str(past_year)))) > titles.index(
        next(t for t in titles if t.startswith(str(today.year + 1)))
    )

    # Editing still works across the sections: rename an upcoming holiday, delete one of a
    # past year, add two rows, drop the first again and save the second.
    first.locator("input[name$='-name']").first.fill("Renamed holiday")
    past.locator("summary").click()
    past.locator("tr", has=page.locator(f"input[value='{past_holiday.date.isoformat()}']")).locator(
        "input[name$='-DELETE']"
    ).check()
    add = page.get_by_role("button", name="Add another Holiday")
    add.click()
    add.click()
    new_rows = page.locator("#holidays-group tr.dynamic-holidays:not(.has_original)").filter(
        has=page.locator("a.inline-deletelink")
    )
    expect(new_rows).to_have_count(2)
    new_rows.first.locator("a.inline-deletelink").click()
    expect(new_rows).to_have_count(1)
    new_date = date(today.year + 1, 2, 2)
    new_rows.first.locator("input[name$='-date']").fill(new_date.isoformat())
    new_rows.first.locator("input[name$='-name']").fill("Company day")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()

    after = {h.date: h.name for h in Holiday.objects.filter(calendar=calendar)}
    assert after[upcoming[0].date] == "Renamed holiday"
    assert past_holiday.date not in after
    assert after[new_date] == "Company day"
    assert len(after) == len(holidays)


def test_queue_shows_priority_status_and_sla_of_each_ticket_on_a_phone(
    page: Page, ivcisa, totp_clock
):
    sign_in_demo(page, ivcisa, "l1@ivcisa.example", totp_clock)
    page.set_viewport_size(PHONE)
    page.goto(ivcisa + "/queue/open/")
    rows = page.locator("table.tickets-table tbody tr")
    expect(rows.first.get_by_role("link").first).to_be_visible()
    assert_fits(page, "the queue")
    assert rows.count() >= 3
    headings = [h.strip() for h in page.locator("table.tickets-table thead th").all_text_contents()]
    columns = {name: headings.index(name) for name in ("Priority", "Status", "SLA")}
    for row in rows.all()[:3]:
        row.scroll_into_view_if_needed()
        for cell, index in columns.items():
            badge = row.locator("td").nth(index).locator("span").first
            expect(badge).to_be_visible()
            box = badge.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (cell, box)
            assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], (cell, box)
            scrolled = badge.evaluate(
                """el => { const found = [];
                  for (let a = el.parentElement; a; a = a.parentElement) {
                    const overflow = getComputedStyle(a).overflowX;
                    const scrolls = overflow === "auto" || overflow === "scroll";
                    if (scrolls && a.scrollWidth > a.clientWidth) found.push(a.className);
                  }
                  return found; }"""
            )
            assert scrolled == [], f"{cell} sits in a box scrolled sideways: {scrolled}"


def test_customer_pages_fit_a_phone_and_show_the_status_before_the_reply_form(page: Page, ivcisa):
    """In Spanish, whose words run longer than English ones."""
    sign_in_demo_in_spanish(page, ivcisa, "maria.lopez@andes-retail.example")
    page.set_viewport_size(PHONE)
    open_and_assert_fits(page, ivcisa, "/organization/members/")
    open_and_assert_fits(page, ivcisa, "/tickets/")

    page.get_by_role("link", name=re.compile(r"^IVC-\d+$")).first.click()
    reply = page.get_by_role("heading", name="Su respuesta")
    promise = page.get_by_text(
        re.compile("^(Responderemos a más tardar|Resolución objetivo a más tardar)")
    ).first
    status = page.get_by_role("heading", name="Estado")
    expect(reply).to_be_visible()
    expect(promise).to_be_visible()
    assert_fits(page, "the customer's ticket")
    reply_top = reply.bounding_box()["y"]
    assert status.bounding_box()["y"] < reply_top
    assert promise.bounding_box()["y"] + promise.bounding_box()["height"] < reply_top

    # On a laptop the status stands beside the conversation, level with its top.
    page.set_viewport_size(LAPTOP)
    assert_fits(page, "the customer's ticket")
    conversation = page.get_by_role("heading", name="Conversación").bounding_box()
    status_box = status.bounding_box()
    assert status_box["x"] > conversation["x"] + conversation["width"]
    assert status_box["y"] < reply.bounding_box()["y"]
