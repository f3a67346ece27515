"""The comment panel in a real Chromium: a comment on the whole postmortem with a mention, a
reply, resolve and reopen, all swapped in place by htmx; the mentioned person's inbox."""

from __future__ import annotations

import os
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from hansei.collab.comments.models import CommentThread, ThreadStatus
from hansei.conftest import signed_in_page
from hansei.notifications.models import Notification

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(browser: Browser, base: str, username: str) -> Page:
    page: Page = signed_in_page(browser, base, username, viewport={"width": 1280, "height": 900})
    return page


def _panel_page(page: Page, base: str, postmortem: Any) -> Page:
    """The postmortem page if it shows the panel already, else the panel's own page."""
    page.goto(f"{base}/postmortems/{postmortem.pk}/")
    if page.locator("#comment-panel").count() == 0:
        page.goto(f"{base}/postmortems/{postmortem.pk}/comments/")
    return page


def test_a_teammate_discusses_the_postmortem_and_the_mentioned_person_sees_it(
    live_server: Any, browser: Browser, alice: Any, bob: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    page = _panel_page(_sign_in(browser, live_server.url, "bob"), live_server.url, postmortem)
    panel = page.locator("#comment-panel")
    expect(panel.locator(".count")).to_have_text("0 open")

    # Cancel forgets a selection the editor put in the form (the editor is not needed here).
    page.evaluate(
        """() => {
          const form = document.getElementById("new-comment-form");
          form.elements.section_key.value = "trigger";
          form.elements.quote.value = "config push";
          const preview = form.querySelector("[data-quote-preview]");
          preview.textContent = "config push";
          preview.hidden = false;
        }"""
    )
    panel.get_by_role("button", name="Cancel").click()
    expect(panel.locator("[data-quote-preview]")).to_be_hidden()
    assert page.evaluate("document.getElementById('new-comment-form').elements.quote.value") == ""

    panel.get_by_label("New comment").fill("Is the cache **TTL** documented anywhere, @alice?")
    panel.get_by_role("button", name="Comment", exact=True).click()

    thread = page.locator("#comment-panel .thread")
    expect(thread).to_have_count(1)
    expect(thread.locator(".comment-body strong")).to_have_text("TTL")
    expect(thread).to_contain_text("On the whole postmortem")
    expect(page.locator("#comment-panel .count")).to_have_text("1 open")
    expect(page.locator("#new-comment-body")).to_have_value("")
    [saved] = CommentThread.objects.all()
    assert saved.section_key == "" and saved.created_by == bob
    assert Notification.objects.get(kind="mention").recipient == alice
    if os.environ.get("HANSEI_SCREENSHOTS"):
        panel.screenshot(path=f"{os.environ['HANSEI_SCREENSHOTS']}/comment-panel.png")

    page = _panel_page(_sign_in(browser, live_server.url, "alice"), live_server.url, postmortem)
    expect(page.locator("#inbox-link")).to_contain_text("1 unread")
    thread = page.locator(f"#thread-{saved.pk}")
    thread.get_by_label("Reply").fill("It is now, in the runbook.")
    thread.get_by_role("button", name="Reply").click()
    expect(page.locator(f"#thread-{saved.pk} .comment")).to_have_count(2)
    page.locator(f"#thread-{saved.pk}").get_by_role("button", name="Resolve").click()
    expect(page.locator("#comment-panel .count")).to_have_text("0 open")
    expect(page.locator("#comment-panel .thread")).to_have_count(0)
    saved.refresh_from_db()
    assert saved.status == ThreadStatus.RESOLVED and saved.resolved_by == alice

    page.locator("#comment-panel").get_by_role("link", name="Resolved").click()
    resolved = page.locator(f"#thread-{saved.pk}")
    expect(resolved).to_have_attribute("data-status", "resolved")
    expect(resolved).to_contain_text("Resolved by Alice")
    resolved.get_by_role("button", name="Reopen").click()
    expect(page.locator("#comment-panel .count")).to_have_text("1 open")
    saved.refresh_from_db()
    assert saved.status == ThreadStatus.OPEN

    page.locator("#inbox-link").click()
    expect(page.locator("#inbox")).to_contain_text("Bob mentioned you on")
    page.get_by_role("button", name="Mark as read").click()
    expect(page.locator("#inbox")).to_contain_text("0 unread")
    expect(page.locator("#inbox-link .badge")).to_have_count(0)
