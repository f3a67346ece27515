"""The whole lifecycle, clicked through in a real Chromium as the people who do it.

record incident → "required" with reasons → edit the draft → submit → reviewer requests
changes → fix → approve → publish → email at the SMTP server → found in the archive.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from hansei.conftest import PASSWORD, message_text
from hansei.core.jobs import run_pending
from hansei.postmortems.document.models import Postmortem, Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(browser: Browser, base: str, username: str) -> Page:
    page = browser.new_context(locale="en-US", timezone_id="UTC").new_page()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")
    return page


def _local(minutes_ago: int) -> str:
    return (timezone.now() - timedelta(minutes=minutes_ago)).strftime("%Y-%m-%dT%H:%M")


def _record_incident(page: Page, base: str) -> None:
    page.goto(f"{base}/incidents/new/")
    page.get_by_label("Title", exact=True).fill("Card payments declined after gateway config push")
    page.get_by_label("Severity", exact=True).select_option(label="SEV2")
    page.get_by_label("Team", exact=True).select_option(label="Payments")
    page.get_by_label("Summary", exact=True).fill(
        "A config push to the payment gateway declined cards."
    )
    page.get_by_label("Started", exact=True).fill(_local(180))
    page.get_by_label("Detected", exact=True).fill(_local(170))
    page.get_by_label("Acknowledged", exact=True).fill(_local(165))
    page.get_by_label("Mitigated", exact=True).fill(_local(140))
    page.get_by_label("Resolved", exact=True).fill(_local(120))
    page.get_by_label("User-visible downtime (minutes)").fill("40")
    page.get_by_label("On-call intervention").select_option(label="Rollback")
    page.get_by_role("button", name="Record incident").click()


def _write_draft(page: Page) -> None:
    # htmx (a deferred script) listens for typing only once the page has loaded; the status
    # badge is there before that.
    page.wait_for_load_state()
    summary = page.locator("#section-summary")
    summary.get_by_role("textbox").fill("Cards were **declined** for 40 minutes.")
    # The preview is rendered by the server after a pause in typing: slower on a busy machine.
    expect(page.locator("#preview-summary strong")).to_have_text("declined", timeout=15000)
    summary.get_by_role("button", name="Save").click()
    expect(summary.locator(".save-state")).to_contain_text("Saved")

    for key, text in (
        ("root_causes", "The gateway accepted an invalid merchant profile."),
        ("trigger", "A merchant profile with an empty currency was pushed."),
        ("resolution", "The gateway config was rolled back."),
        ("detection", "The decline-rate alert paged the on-call after 4 minutes."),
    ):
        section = page.locator(f"#section-{key}")
        section.get_by_role("textbox").fill(text)
        section.get_by_role("button", name="Save").click()
        expect(section.locator(".save-state")).to_contain_text("Saved")

    timeline = page.locator("#timeline")
    timeline.get_by_label("What happened").fill("Rolled the gateway config back")
    timeline.get_by_role("checkbox", name="Key event").check()
    timeline.get_by_role("button", name="Add entry").click()
    expect(page.locator("#timeline")).to_contain_text("Rolled the gateway config back")

    page.get_by_text("Add an action item").click()
    items = page.locator("#action-items")
    items.get_by_label("Action").fill("Validate merchant profiles before the gateway loads them")
    items.get_by_label("Priority").select_option("P1")
    items.get_by_role("button", name="Add action item").click()
    expect(page.locator("#action-items table")).to_contain_text("Validate merchant profiles")


def _submit(page: Page) -> None:
    page.get_by_role("link", name="Submit for review").click()
    page.get_by_label("Rita").check()
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator("#pm-status")).to_have_text("In review")


def test_it_walks_the_whole_lifecycle_in_a_browser(
    live_server: Any,
    browser: Browser,
    alice: Any,
    rita: Any,
    sev: Any,
    smtp_server: Any,
    settings: Any,
) -> None:
    from hansei.incidents.models import PostmortemPolicy

    PostmortemPolicy.objects.filter(pk=1).update(announcement_recipients="eng-all@example.com")
    base = live_server.url
    author = _sign_in(browser, base, "alice")
    _record_incident(author, base)
    decision = author.locator("#decision")
    expect(decision).to_contain_text("A postmortem is required")
    expect(decision.locator("[data-reason=severity]")).to_contain_text("SEV2")
    expect(decision.locator("[data-reason=downtime]")).to_contain_text("40 min")
    expect(decision.locator("[data-reason=intervention]")).to_contain_text("Rollback")

    author.get_by_role("button", name="Create draft").click()
    expect(author.locator("#pm-status")).to_have_text("Draft")
    draft = author.url
    # Submitting with required sections empty is refused, naming them.
    author.get_by_role("link", name="Submit for review").click()
    author.get_by_label("Rita").check()
    author.get_by_role("button", name="Submit for review").click()
    expect(author.locator(".errorlist")).to_contain_text("“Root causes”")
    author.goto(draft)
    _write_draft(author)
    _submit(author)
    # A typo seen just after submitting: take it back, no reviewer needed.
    author.get_by_role("button", name="Withdraw from review").click()
    expect(author.locator("#pm-status")).to_have_text("Draft")
    _submit(author)

    reviewer = _sign_in(browser, base, "rita")
    reviewer.locator("#reviews").get_by_role("link").first.click()
    reviewer.get_by_label("Your review").fill(
        "The root cause stops at the gateway: why was it valid?"
    )
    reviewer.get_by_role("button", name="Request changes").click()
    expect(reviewer.locator("#pm-status")).to_have_text("Draft")

    author.reload()
    expect(author.locator("#changes-requested")).to_contain_text("why was it valid?")
    roots = author.locator("#section-root_causes")
    roots.get_by_role("textbox").fill(
        "The gateway accepted an invalid merchant profile because the schema allowed nulls."
    )
    roots.get_by_role("button", name="Save").click()
    expect(roots.locator(".save-state")).to_contain_text("Saved")
    _submit(author)

    reviewer.goto(f"{base}/")
    reviewer.locator("#reviews").get_by_role("link").first.click()
    for box in reviewer.locator("#review-form input[type=checkbox]").all():
        box.check()
    reviewer.get_by_role("button", name="Approve").click()
    expect(reviewer.locator("#pm-status")).to_have_text("Approved")

    author.reload()
    # Asked in the page, naming who will be told.
    author.get_by_text("Publish…").click()
    confirm = author.locator("#publish-confirm")
    expect(confirm).to_contain_text("eng-all@example.com")
    expect(confirm).to_contain_text("The Payments team")
    confirm.get_by_role("button", name="Publish now").click()
    expect(author.locator("#pm-status")).to_have_text("Published")

    postmortem = Postmortem.objects.get()
    assert postmortem.status == Status.PUBLISHED
    assert postmortem.revisions.count() == 1

    run_pending()  # what `hansei worker` (or the worker thread of `hansei serve`) does
    announcements = [m for m in smtp_server.messages if m["To"] == "eng-all@example.com"]
    assert len(announcements) == 1
    assert "Card payments declined" in announcements[0]["Subject"]
    assert f"/postmortems/{postmortem.pk}/" in message_text(announcements[0])

    author.goto(f"{base}/archive/?q=nulls")
    result = author.locator(".result").first
    expect(result).to_contain_text("Card payments declined after gateway config push")
    expect(result.locator("mark").first).to_have_text("nulls")
