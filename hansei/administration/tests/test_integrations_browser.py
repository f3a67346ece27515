"""The integrations' pages in a real Chromium: an admin maps PagerDuty's P1 with the row editor,
saves with the keyboard, runs the test event and reads what Hansei would do, then sends it for
real and lands on the test incident. The pages fit a 390 px phone."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from hansei.conftest import check_widths, signed_in_page
from hansei.incidents.models import Incident
from hansei.integrations.models import Integration, Kind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# The elements wider than the screen, with the start of their markup: what to fix.


def test_an_admin_maps_a_priority_runs_the_test_event_and_sends_it_for_real(
    live_server: Any, browser: Browser, ada: Any, payments: Any, sev: Any, checkout: Any
) -> None:
    integration = Integration.objects.create(
        kind=Kind.PAGERDUTY, name="PagerDuty for payments", team=payments, default_severity=sev(3)
    )
    page = signed_in_page(browser, live_server.url, "ada")
    page.get_by_role("link", name="Administration").click()
    page.get_by_role("navigation", name="Administration").get_by_role(
        "link", name="Integrations"
    ).click()
    expect(page.locator("#integrations")).to_contain_text("Nothing received yet")

    page.get_by_role("link", name="PagerDuty for payments").click()
    expect(page.locator("#severity-hint")).to_contain_text("urgency (high, low)")
    page.get_by_label("Outside value (1)", exact=True).fill("P1")
    page.get_by_label("Hansei severity (1)", exact=True).select_option(label="SEV1")
    page.get_by_label("Outside service (1)", exact=True).fill("API Service")
    page.get_by_label("Hansei service (1)", exact=True).select_option(label="Checkout")
    page.get_by_label("Outside service (1)", exact=True).press("Enter")  # saves the form
    expect(page.locator(".flash-success")).to_contain_text("Saved “PagerDuty for payments”.")
    expect(page.get_by_label("Outside value (1)", exact=True)).to_have_value("P1")
    expect(page.get_by_label("Remove “P1”")).to_be_visible()

    page.get_by_role("button", name="Run a dry test").click()
    result = page.locator("#test-result")
    expect(result).to_contain_text("Opens a new incident.")
    expect(result.locator("#test-severity")).to_contain_text("SEV1")
    expect(result.locator("#test-severity")).to_contain_text("“P1” matches the row “P1”")
    expect(result.locator("#test-services")).to_contain_text("“API Service” → Checkout")
    expect(result.locator("#test-services")).to_contain_text("Not in the service mapping: PF9KMXH")
    assert not Incident.objects.exists()

    secret = page.locator("#hook-secret")
    expect(secret).to_be_hidden()
    page.get_by_text("Show the secret").click()
    expect(secret).to_have_value(integration.secret)
    check_widths(page, "integration-dry-run")

    page.get_by_role("button", name="Send it for real").click()
    expect(page.locator("h1")).to_contain_text("[Test] A little bump in the road")
    expect(page.locator(".flash-success")).to_contain_text("Sent for real")
    incident = Incident.objects.get()
    assert incident.severity.level == 1 and list(incident.services.all()) == [checkout]
    page.get_by_role("link", name="Administration").click()
    page.get_by_role("navigation", name="Administration").get_by_role(
        "link", name="Integrations"
    ).click()
    expect(page.locator("#integrations")).to_contain_text("Accepted")
    check_widths(page, "integrations")
    integration.refresh_from_db()
    assert integration.severity_mapping == {"P1": 1}
    assert integration.service_mapping == {"API Service": "checkout"}


def test_the_form_shows_what_was_refused_and_fits_a_phone(
    live_server: Any, browser: Browser, ada: Any, payments: Any, sev: Any
) -> None:
    page = signed_in_page(browser, live_server.url, "ada")
    page.goto(f"{live_server.url}/manage/integrations/new/")
    page.get_by_label("Name").fill("Opsgenie for payments")
    page.get_by_label("Sending tool").select_option(label="Opsgenie")
    page.get_by_label("Team").select_option(label="Payments")
    page.get_by_label("Outside value (1)", exact=True).fill("P1")
    page.get_by_label("Hansei severity (1)", exact=True).select_option(label="SEV1")
    page.get_by_label("Outside value (2)", exact=True).fill("p1")
    page.get_by_label("Hansei severity (2)", exact=True).select_option(label="SEV2")
    page.get_by_role("button", name="Create the integration").click()
    expect(page.locator("#severity-errors")).to_contain_text("“p1” is listed twice.")
    expect(page.locator("#severity-hint")).to_contain_text("P1 to P5")
    check_widths(page, "integration-refused")
    assert not Integration.objects.exists()
