"""The reading view in a browser: contents that take you to a section, a permalink per
section, the export menu, a phone layout, and a print that keeps the document only.

Set HANSEI_SCREENSHOTS to a directory to keep pictures at 1440 and 390 px."""

from __future__ import annotations

import os
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from hansei.conftest import signed_in_page
from hansei.postmortems.document.services import publish_postmortem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("HANSEI_SCREENSHOTS", "")


@pytest.mark.parametrize("width", [1440, 390])
def test_a_reader_reads_navigates_and_prints_a_published_postmortem(
    live_server: Any, browser: Browser, approved_postmortem: Any, alice: Any, charlie: Any,
    width: int,
) -> None:  # fmt: skip
    postmortem = approved_postmortem
    # Written before it was approved (an approved draft cannot change).
    postmortem.sections.filter(key="resolution").update(
        body="Rolled back **v2024.11.3**.\n\n" + "More detail. " * 200
    )
    publish_postmortem(actor=alice, postmortem=postmortem)
    page = signed_in_page(
        browser, live_server.url, "charlie", viewport={"width": width, "height": 900}
    )
    page.goto(f"{live_server.url}/postmortems/{postmortem.pk}/")
    expect(page.locator("h1#doc-title")).to_have_text(postmortem.title)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    expect(page.locator("#section-resolution strong")).to_have_text("v2024.11.3")
    assert page.locator(".doc textarea, .cm-editor, #lint-panel").count() == 0
    if width < 1100:  # the contents fold into the document on a phone
        page.get_by_text("Contents", exact=True).first.click()
        contents = page.locator(".doc-toc-mobile")
    else:
        contents = page.locator(".doc-aside .toc")
    contents.get_by_role("link", name="Resolution").click()
    page.wait_for_url("**#section-resolution")
    assert (
        page.evaluate("document.querySelector('#section-resolution').getBoundingClientRect().top")
        < 300
    )
    # The permalink is the section's address.
    link = page.locator("#section-resolution .permalink")
    assert link.get_attribute("href") == "#section-resolution"
    # The export menu opens with the keyboard.
    page.locator(".menu > summary").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Markdown")).to_be_visible()
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/reading-{width}.png", full_page=True)
    page.emulate_media(media="print")
    for hidden in (".topbar", ".doc-aside", ".page-actions", "#comment-panel"):
        expect(page.locator(hidden).first).to_be_hidden()
    expect(page.locator("#section-resolution")).to_be_visible()
    expect(page.locator(".doc-print-source")).to_be_visible()
