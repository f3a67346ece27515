"""The audit log page in a real Chromium: an admin finds who did what, and downloads it."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from hansei.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = os.environ.get("HANSEI_SCREENSHOTS", "")


def test_an_admin_filters_the_audit_log_and_downloads_it(
    live_server: Any, browser: Browser, ada: Any, alice: Any, tmp_path: Path
) -> None:
    from hansei.accounts.services import set_user_role

    set_user_role(actor=ada, user=alice, role="reviewer")
    context = browser.new_context(locale="en-US", timezone_id="UTC", accept_downloads=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_username").fill("ada")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Administration").click()
    page.locator(".admin-tabs").get_by_role("link", name="Audit log").click()

    table = page.locator(".audit-table")
    expect(table).to_contain_text("Role changed")
    expect(table).to_contain_text("member → reviewer")
    expect(table).to_contain_text("Signed in")
    expect(table).to_contain_text("127.0.0.1")

    page.get_by_label("Action").select_option("auth")
    page.get_by_role("button", name="Filter").click()
    expect(table).to_contain_text("Signed in")
    expect(table).not_to_contain_text("Role changed")
    if SCREENSHOTS:
        for width in (1440, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=f"{SCREENSHOTS}/audit-{width}.png", full_page=True)
            scroll = page.evaluate("document.documentElement.scrollWidth")
            assert scroll <= width, f"the page is {scroll}px wide at {width}px"
        page.set_viewport_size({"width": 1280, "height": 900})

    with page.expect_download() as waiting:
        page.get_by_role("link", name="Download as JSON lines").click()
    saved = tmp_path / "audit.jsonl"
    waiting.value.save_as(saved)
    records = [json.loads(line) for line in saved.read_text().splitlines()]
    assert records and {r["action"] for r in records} == {"auth.signed_in"}
    assert records[0]["actor"] == "ada" and records[0]["ip"] == "127.0.0.1"

    page.goto(f"{live_server.url}/audit/?action=audit")
    expect(table).to_contain_text("Audit log exported")
