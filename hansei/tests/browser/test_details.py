"""Smaller page flows in a real Chromium: editing an incident, asking for a postmortem, the
details of a draft, editing a timeline entry, review meeting notes, revisions, archive filters."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from hansei.conftest import signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(browser: Browser, base: str, username: str) -> Page:
    page: Page = signed_in_page(browser, base, username)
    return page


def test_a_teammate_edits_an_incident_and_another_asks_for_a_postmortem(
    live_server: Any, browser: Browser, alice: Any, bob: Any, make_incident: Any, sev: Any
) -> None:
    incident = make_incident(
        title="Slow search suggestions",
        severity=sev(4),
        downtime_minutes=None,
        mitigated_at=None,
        resolved_at=None,
        acknowledged_at=None,
    )
    page = _sign_in(browser, live_server.url, "alice")
    page.goto(f"{live_server.url}/incidents/{incident.pk}/")
    expect(page.locator("#decision")).to_contain_text("No postmortem required")
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Acknowledged", exact=True).fill("2001-01-01T00:00")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".errorlist").first).to_contain_text("cannot be before")
    page.get_by_label("Title", exact=True).fill("Search suggestions slow for EU users")
    page.get_by_label("Acknowledged", exact=True).fill("")
    page.get_by_role("button", name="Save changes").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Search suggestions slow for EU users")

    page = _sign_in(browser, live_server.url, "bob")
    page.goto(f"{live_server.url}/incidents/{incident.pk}/")
    page.get_by_label("Why is a postmortem worth it?").fill("Third time this month")
    page.get_by_role("button", name="Request a postmortem").click()
    expect(page.locator("#decision")).to_contain_text("A postmortem was requested")
    expect(page.locator("#decision")).to_contain_text("Third time this month")
    page.get_by_role("button", name="Create draft").click()
    expect(page.locator("#pm-status")).to_have_text("Draft")


def test_an_owner_edits_details_a_timeline_entry_and_meeting_notes(
    live_server: Any, browser: Browser, alice: Any, bob: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    page = _sign_in(browser, live_server.url, "alice")
    page.goto(f"{live_server.url}/postmortems/{postmortem.pk}/")

    page.get_by_role("link", name="Details").click()
    page.get_by_label("Due date").fill("2001-01-01")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".errorlist").first).to_contain_text("cannot be in the past")
    page.get_by_label("Due date").fill("2099-06-30")
    page.get_by_label("Owner").select_option(label="Bob")
    page.get_by_label("Restricted: only the team, its reviewers and admins can read it").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".badge-restricted").first).to_be_visible()
    postmortem.refresh_from_db()
    assert postmortem.owner == bob and postmortem.restricted

    page.locator("#timeline").get_by_role("link", name="Edit").first.click()
    page.get_by_label("What happened").fill("Error rate crossed 5% on checkout")
    page.get_by_label("Kind").select_option("detection")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#timeline")).to_contain_text("Error rate crossed 5% on checkout")

    page.get_by_text("Record meeting notes").click()
    notes = page.locator("#meeting-notes")
    notes.get_by_label("Attendees").fill("Alice, Bob, Rita")
    notes.get_by_label("Notes").fill("Agreed the retry budget is the **main** fix.")
    notes.get_by_role("button", name="Save notes").click()
    expect(page.locator("#meeting-notes .prose strong")).to_have_text("main")


def test_a_reader_opens_a_revision_and_filters_the_archive(
    live_server: Any, browser: Browser, published_postmortem: Any, charlie: Any
) -> None:
    page = _sign_in(browser, live_server.url, "charlie")
    page.get_by_role("link", name="Archive").click()
    expect(page.locator(".result")).to_have_count(1)
    page.get_by_label("Severity").select_option("SEV1")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".result")).to_have_count(0)
    page.get_by_label("Severity").select_option("SEV2")
    page.get_by_role("button", name="Search").click()
    page.locator(".result a").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(published_postmortem.title)
    page.get_by_role("link", name="Revisions", exact=True).click()
    page.get_by_role("link", name="Revision 1").click()
    expect(page.locator("#section-summary")).to_contain_text("config push")
    with page.expect_download() as download:
        page.goto(f"{live_server.url}/postmortems/{published_postmortem.pk}/")
        page.get_by_text("Export", exact=True).click()  # the menu, then its first format
        page.get_by_role("link", name="Markdown").click()
    assert download.value.suggested_filename == f"postmortem-{published_postmortem.pk}.md"
