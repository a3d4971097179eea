"""A manager reads the SLA report: filters it to one plan, follows the breached number to
the tickets behind it, downloads the report as CSV, and every chart draws without errors."""

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import sign_in
from tests.tickets.factories import TicketTypeFactory
from tests.tickets.reports.test_report_pages import seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_filters_drills_down_and_downloads_the_report(page: Page, portal, acme):
    kind = TicketTypeFactory(tenant=acme.tenant, name="Networking", slug="networking")
    scenario = seed(acme, kind)  # February 2026: Gold and Silver, met and breached targets
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    url = portal("acme")

    sign_in(page, url, acme.manager.email)
    page.goto(url + "/reports/sla/")
    expect(page.get_by_role("heading", level=1)).to_have_text("SLA report")
    page.get_by_label("Period", exact=True).select_option(label="Custom dates")
    page.get_by_label("First day").fill("2026-02-01")
    page.get_by_label("Last day").fill("2026-02-28")
    page.get_by_label("Support plan", exact=True).select_option(label="Gold")
    page.get_by_role("button", name="Show the report").click()

    expect(page.get_by_text("Custom dates: 1 February 2026 to 28 February 2026")).to_be_visible()
    first_response = page.locator("tr.report-total[data-metric=first_response]")
    expect(first_response).to_contain_text("50.0")
    breakdown = page.locator("tbody.report-row")
    expect(breakdown).to_have_count(1)
    expect(breakdown).to_contain_text("Gold")
    charts = page.locator("svg[role=img]")
    expect(charts).to_have_count(4)
    for index in range(4):
        expect(charts.nth(index)).to_be_visible()
    page.get_by_text("Show the numbers").first.click()
    expect(page.locator("details[open] table").first).to_be_visible()

    # The report's CSV: the same totals as the page.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the report (CSV)").click()
    download = download_info.value
    assert download.suggested_filename == "sla-report_2026-02-01_2026-02-28.csv"
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    header, *lines = list(csv.reader(io.StringIO(text)))
    assert header[:6] == ["Support plan", "Key", "Metric", "Targets", "Met", "Breached"]
    assert lines[-2][:6] == ["Total", "", "First response", "2", "1", "1"]
    assert lines[-1][:6] == ["Total", "", "Resolution", "2", "1", "1"]
    assert [line[0] for line in lines[:-2]] == ["Gold", "Gold"]

    # The breached first response: the slow ticket, and only it.
    first_response.get_by_role("link").nth(2).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tickets of the SLA report")
    rows = page.locator("tr.report-ticket")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(scenario.slow.reference)
    expect(rows.first).to_contain_text("Slow answer")
    expect(rows.first).to_contain_text("4 business hours")
    expect(rows.first).to_contain_text("Breached")
    expect(page.get_by_text(scenario.fast.reference)).to_have_count(0)
    rows.first.get_by_role("link", name=scenario.slow.reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Slow answer")
    assert problems == []
