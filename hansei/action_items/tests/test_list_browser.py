"""The action items page in a real Chromium: filter across teams, pick items, change them
at once."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from hansei.action_items.models import ActionItem
from hansei.action_items.services import ActionItemInput, add_action_item
from hansei.conftest import signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_filter_and_bulk_update_the_action_items(
    live_server: Any, browser: Browser, alice: Any, bob: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem(title="Checkout outage")
    for title, priority in [
        ("Add a breaker", "P2"),
        ("Cap retries", "P2"),
        ("Page on errors", "P0"),
    ]:
        data = ActionItemInput(title=title, owner=bob, priority=priority)
        add_action_item(actor=alice, postmortem=postmortem, data=data)
    page = signed_in_page(browser, live_server.url, "alice")
    page.goto(f"{live_server.url}/actions/?show=open")
    expect(page.get_by_role("heading", name="3 action items")).to_be_visible()

    page.get_by_text("Filter", exact=True).click()
    page.locator("form.filter-grid").get_by_label("Priority").select_option("P2")
    page.get_by_role("button", name="Apply", exact=True).click()
    expect(page.get_by_role("heading", name="2 action items")).to_be_visible()
    expect(page.locator("tbody").first).not_to_contain_text("Page on errors")

    page.get_by_label("Select “Add a breaker”").check()
    page.get_by_label("Select “Cap retries”").check()
    bulk = page.locator("#bulk-form")
    bulk.get_by_label("Priority").select_option("P1")
    bulk.get_by_label("Owner").select_option(label="Alice")
    bulk.get_by_role("button", name="Apply to selected").click()
    expect(page.get_by_text("2 action items updated.")).to_be_visible()
    # Back on the same filter: nothing is P2 any more.
    expect(page.get_by_role("heading", name="0 action items")).to_be_visible()
    changed = ActionItem.objects.filter(title__in=["Add a breaker", "Cap retries"])
    assert {(i.priority, i.owner_id) for i in changed} == {("P1", alice.pk)}
    assert ActionItem.objects.get(title="Page on errors").priority == "P0"
