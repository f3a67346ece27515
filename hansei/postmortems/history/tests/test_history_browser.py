"""The draft's history in a real Chromium: open it, compare two versions, restore a section."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Dialog, Page, expect

from hansei.conftest import signed_in_page
from hansei.postmortems.document.models import Section
from hansei.postmortems.history.models import Version, VersionReason

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ORIGINAL = "Payments failed for 50 minutes after a config push."


def _sign_in(browser: Browser, base: str, username: str) -> Page:
    page: Page = signed_in_page(browser, base, username)
    return page


def test_a_writer_compares_two_versions_and_restores_a_section(
    live_server: Any, browser: Browser, alice: Any, make_postmortem: Any
) -> None:
    from hansei.postmortems.document.services import update_section
    from hansei.postmortems.history.services import record_version

    postmortem = make_postmortem(complete=False)
    summary = Section.objects.get(postmortem=postmortem, key="summary")
    update_section(actor=alice, section=summary, body="Payments failed after a deploy.")
    record_version(postmortem=postmortem, reason=VersionReason.EDITED)

    page = _sign_in(browser, live_server.url, "alice")
    page.goto(f"{live_server.url}/postmortems/{postmortem.pk}/")
    page.get_by_role("link", name="Versions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Version history")

    # Pick the two versions with the keyboard: arrows move within each radio group.
    page.get_by_label("From version 1").focus()
    page.keyboard.press("Space")
    expect(page.get_by_label("From version 1")).to_be_checked()
    page.get_by_label("To version 2").check()
    page.get_by_role("button", name="Compare selected").last.click()

    changed = page.locator("#diff-section-summary")
    expect(changed.locator("del")).to_have_text([" for 50 minutes", "config push"])
    expect(changed.locator("ins")).to_have_text(["deploy"])
    expect(page.locator("#unchanged-sections")).to_contain_text("11 sections unchanged")

    page.get_by_role("link", name="Version history").click()
    page.get_by_role("link", name="Version 1", exact=True).click()
    questions: list[str] = []

    def confirm(dialog: Dialog) -> None:
        questions.append(dialog.message)
        dialog.accept()

    page.once("dialog", confirm)
    page.locator("#section-summary").get_by_role("button", name="Restore this section").click()

    expect(page.locator(".flash-success")).to_have_text("Restored “Summary” from version 1.")
    expect(page.locator("#body-summary")).to_have_value(ORIGINAL)
    assert questions == ["Replace the current text of “Summary” with version 1?"]
    summary.refresh_from_db()
    assert summary.body == ORIGINAL
    latest = Version.objects.filter(postmortem=postmortem).order_by("-number").first()
    assert latest is not None and latest.reason == VersionReason.RESTORED
