"""The meeting pack and the leaders' view in a real Chromium: a team lead opens this month's
pack, goes to the previous month, downloads its PDF and opens the leaders' view."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect
from pypdf import PdfReader

from hansei.conftest import check_widths, signed_in_page
from hansei.culture.awards.months import month_of, previous_month

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reading_the_pack_going_back_a_month_and_downloading_it(
    live_server: Any, browser: Browser, publish: Any, alice: Any, tmp_path: Path
) -> None:
    this_month = month_of(timezone.now())
    last_month = previous_month(this_month)
    publish("Checkout ran out of database connections")
    earlier = timezone.make_aware(
        timezone.datetime.combine(last_month + timedelta(days=9), timezone.datetime.min.time())
    )
    publish("Search index switch failed", at=earlier)
    publish("Signing keys leaked", restricted=True, at=earlier)
    base = live_server.url

    page = signed_in_page(browser, base, "alice")
    page.goto(f"{base}/culture/pack/{this_month.year}/{this_month.month}/")
    entries = page.locator(".pack-entry")
    expect(entries).to_have_count(1)
    expect(entries.first).to_contain_text("Checkout ran out of database connections")
    check_widths(page, "culture-pack")

    page.locator("a[rel=prev]").first.click()
    expect(page).to_have_url(f"{base}/culture/pack/{last_month.year}/{last_month.month}/")
    expect(page.locator(".pack-entry")).to_have_count(1)
    expect(page.locator(".pack-entry").first).to_contain_text("Search index switch failed")
    expect(page.locator("main")).not_to_contain_text("Signing keys leaked")
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == f"meeting-pack-{last_month:%Y-%m}.pdf"
    text = " ".join(p.extract_text() for p in PdfReader(saved).pages)
    assert "Search index switch failed" in text.replace("\n", " ")
    assert "Signing keys leaked" not in text

    page.goto(f"{base}/culture/")
    page.get_by_role("link", name="Leaders' view").click()
    expect(page.get_by_role("heading", name="Leaders' view")).to_be_visible()
    learned = page.locator("#learned-title").locator("..").locator("..")
    expect(learned).to_contain_text("Checkout ran out of database connections")
    check_widths(page, "culture-leaders")
