"""Other page flows in a real Chromium: policy, templates, amendments, tracking, settings."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from hansei.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(browser: Browser, base: str, username: str, locale: str = "en-US") -> Page:
    page = browser.new_context(locale=locale, timezone_id="Asia/Tokyo").new_page()
    page.goto(f"{base}/accounts/login/")
    expect(page.locator("#id_username")).to_be_focused()  # type straight away
    page.keyboard.type(username)
    page.locator("#id_password").fill(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator(".nav-user")).to_be_visible()
    page.keyboard.press("Tab")  # the first stop is the skip link: keyboard users start there
    expect(page.locator(".skip-link")).to_be_focused()
    return page


def test_an_admin_edits_the_policy_and_a_template(
    live_server: Any, browser: Browser, ada: Any, builtin_data: None
) -> None:
    from hansei.incidents.models import PostmortemPolicy
    from hansei.postmortems.template_library.models import Template

    page = _sign_in(browser, live_server.url, "ada")
    page.get_by_role("link", name="Policy").click()
    page.get_by_role("link", name="Edit policy").click()
    page.get_by_label("user-visible downtime of at least (minutes)").fill("10")
    page.get_by_label("Announcement recipients").fill("not an address")
    page.get_by_role("button", name="Save policy").click()
    expect(page.locator(".errorlist")).to_contain_text("Not an email address")
    page.get_by_label("Announcement recipients").fill("postmortems@example.com")
    page.get_by_role("button", name="Save policy").click()
    expect(page.locator("#policy-rules")).to_contain_text("10 minutes or more")
    assert PostmortemPolicy.current().downtime_minutes_threshold == 10

    page.goto(f"{live_server.url}/postmortems/templates/")
    page.get_by_role("link", name="New template").click()
    page.get_by_label("Name", exact=True).fill("Customer-facing outage")
    page.locator("#s0-title").fill("What customers saw")
    page.locator("#s1-title").fill("Follow-ups")
    page.locator("#s1-kind").select_option("action_items")
    page.get_by_role("button", name="Save template").click()
    expect(page.locator(".list")).to_contain_text("Customer-facing outage")
    template = Template.objects.get(name="Customer-facing outage")
    assert list(template.sections.values_list("title", flat=True)) == [
        "What customers saw",
        "Follow-ups",
    ]


def test_an_owner_amends_a_published_postmortem_and_tracks_an_action_item(
    live_server: Any, browser: Browser, published_postmortem: Any, alice: Any, bob: Any
) -> None:
    from hansei.action_items.models import ActionItem

    ActionItem.objects.create(
        postmortem=published_postmortem, title="Shed load at the edge", owner=bob, priority="P1"
    )
    page = _sign_in(browser, live_server.url, "bob")
    page.get_by_role("link", name="Action items").first.click()
    page.get_by_role("link", name="Update").click()
    page.get_by_label("Status").select_option("done")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".flash")).to_contain_text("Action item saved")
    assert ActionItem.objects.get().status == "done"

    page = _sign_in(browser, live_server.url, "alice")
    page.goto(f"{live_server.url}/postmortems/{published_postmortem.pk}/")
    page.get_by_role("button", name="Amend").click()
    expect(page.locator(".callout-info")).to_contain_text("Amendment in progress")
    # htmx (a deferred script) takes the Save over only once the page has loaded; before that
    # the form posts the whole page, which shows no per-section "Saved".
    page.wait_for_load_state()
    summary = page.locator("#section-summary")
    summary.get_by_role("textbox").fill("Corrected: 50 minutes, not 40.")
    summary.get_by_role("button", name="Save").click()
    expect(summary.locator(".save-state")).to_contain_text("Saved")
    page.get_by_role("link", name="Revisions", exact=True).click()
    expect(page.locator(".list")).to_contain_text("Revision 1")


def test_a_person_switches_the_interface_to_japanese_and_creates_a_token(
    live_server: Any, browser: Browser, alice: Any
) -> None:
    page = _sign_in(browser, live_server.url, "alice")
    page.locator(".nav-user").click()
    page.get_by_label("Token name").fill("CI export")
    page.get_by_role("button", name="Create token").click()
    expect(page.locator("#new-token")).to_contain_text("hansei_")
    page.get_by_label("Language").first.select_option("ja")
    page.get_by_role("button", name="Save").first.click()
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    alice.refresh_from_db()
    assert alice.language == "ja" and alice.api_tokens.count() == 1


def test_the_phone_menu_opens_and_links_work(
    live_server: Any, browser: Browser, alice: Any
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 800}, locale="en-US")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_username").fill("alice")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name="Incidents")).to_be_hidden()
    page.get_by_role("checkbox", name="Menu").click()
    page.get_by_role("link", name="Incidents").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Incidents")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page must not scroll sideways on a phone"
