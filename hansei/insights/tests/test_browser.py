"""The dashboard in a real Chromium: a member opens Insights from the top bar, chooses March
2025 and one service, reads a chart's numbers as a table and downloads the same figure as
CSV. The page fits a wide screen and a phone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from hansei.conftest import check_widths, signed_in_page
from hansei.insights.tests.world import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_filters_the_dashboard_reads_a_table_and_downloads_the_csv(
    live_server: Any, browser: Browser, world: World, tmp_path: Path
) -> None:
    page = signed_in_page(
        browser, live_server.url, "alice", viewport={"width": 1280, "height": 900},
        accept_downloads=True,
    )  # fmt: skip
    page.locator(".mainnav").get_by_role("link", name="Insights").click()
    expect(page.get_by_role("heading", name="Insights", level=1)).to_be_visible()
    expect(page.locator("#figure-incidents .empty")).to_be_visible()  # nothing lately

    page.get_by_label("From", exact=True).fill("2025-03-01")
    page.get_by_label("To", exact=True).fill("2025-03-31")
    page.get_by_label("Service", exact=True).select_option(label="Ledger")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**service=ledger**")

    figure = page.locator("#figure-incidents")
    chart = figure.get_by_role("img", name="Incidents over time")
    expect(chart).to_be_visible()
    figure.get_by_text("Show as table").click()
    table = figure.get_by_role("table")
    expect(table).to_be_visible()
    # I2 (5 March) and I3 (12 March) affected the ledger.
    expect(table.get_by_role("row")).to_have_count(7)  # the header and six weeks
    expect(table.get_by_role("row", name="03/03/2025 1")).to_be_visible()
    expect(table.get_by_role("row", name="03/10/2025 1")).to_be_visible()
    expect(page.locator("#figure-response-times .callout-warning")).to_contain_text(
        "Only 2 incidents: too few to compare"
    )
    check_widths(page, "insights")

    with page.expect_download() as waiting:
        figure.get_by_role("link", name="CSV").click()
    saved = tmp_path / "incidents.csv"
    waiting.value.save_as(saved)
    assert waiting.value.suggested_filename == "hansei-incidents-2025-03-01-2025-03-31.csv"
    assert saved.read_text(encoding="utf-8-sig").splitlines() == [
        "period_start,incidents",
        "2025-02-24,0",
        "2025-03-03,1",
        "2025-03-10,1",
        "2025-03-17,0",
        "2025-03-24,0",
        "2025-03-31,0",
    ]
