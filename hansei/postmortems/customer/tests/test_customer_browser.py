"""The customer version in a real Chromium: a writer starts it from the postmortem, the
external check catches a promise, a second person approves, the report is published, a
customer with no account reads it, and the writer revokes the address."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from hansei.conftest import check_widths, signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_customer_report_is_written_approved_published_and_revoked(
    live_server: Any, browser: Browser, published_postmortem: Any, alice: Any, rita: Any
) -> None:
    pm = published_postmortem
    page = signed_in_page(browser, live_server.url, "alice")
    page.goto(f"{live_server.url}/postmortems/{pm.pk}/")
    page.get_by_role("link", name="Customer version").click()
    expect(page.get_by_label("Customer incident report")).to_be_checked()
    page.get_by_role("button", name="Start the customer version").click()

    expect(page.get_by_label("Title customers see")).to_have_value(pm.title)
    page.get_by_label("What we are doing to prevent it").fill(
        "We fixed the configuration check. This will never happen again."
    )
    page.get_by_role("button", name="Save").click()
    finding = page.locator("#customer-prevention .finding-error")
    expect(finding).to_contain_text("never happen again")
    check_widths(page, "customer-report")

    page.get_by_label("What we are doing to prevent it").fill(
        "We now check every configuration change before it reaches production."
    )
    page.get_by_label("How we resolved it").fill("We restored the previous configuration.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#customer-prevention .finding")).to_have_count(0)
    page.get_by_role("button", name="Ask for approval").click()
    expect(page.locator("#customer-status")).to_have_text("Awaiting approval")
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)  # not their own

    reviewer = signed_in_page(browser, live_server.url, "rita")
    reviewer.goto(f"{live_server.url}/postmortems/{pm.pk}/customer/")
    reviewer.get_by_role("button", name="Approve").click()
    expect(reviewer.locator("#customer-status")).to_have_text("Approved")

    page.reload()
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("#customer-status")).to_have_text("Published")
    address = page.get_by_label("Anyone with this address reads the latest published revision:")
    public_url = address.input_value()
    assert "/reports/" in public_url
    path = public_url[public_url.index("/reports/") :]

    customer = browser.new_context(locale="en-US").new_page()  # no account, no session
    customer.goto(f"{live_server.url}{path}")
    expect(customer.get_by_role("heading", level=1)).to_have_text(pm.title)
    expect(customer.locator("main")).to_contain_text("We now check every configuration change")
    expect(customer.locator("nav")).to_have_count(0)  # nothing of Hansei's navigation
    check_widths(customer, "customer-public")

    page.get_by_role("button", name="Revoke the address").click()
    expect(page.get_by_role("button", name="Make a new public address")).to_be_visible()
    answer = customer.goto(f"{live_server.url}{path}")
    assert answer is not None and answer.status == 404
