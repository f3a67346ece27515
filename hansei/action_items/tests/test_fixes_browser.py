"""Carrying an item over and seeing a fix that did not hold, in a real Chromium."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from hansei.action_items.models import ActionItem, CarriedItem
from hansei.action_items.services import ActionItemInput, add_action_item
from hansei.conftest import signed_in_page
from hansei.postmortems.analysis.models import ContributingFactorCategory
from hansei.postmortems.analysis.services import add_contributing_factor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_writer_carries_an_item_over_and_is_asked_why_a_fix_did_not_hold(
    live_server: Any, browser: Browser, alice: Any, make_postmortem: Any, make_incident: Any,
    checkout: Any,
) -> None:  # fmt: skip
    capacity = ContributingFactorCategory.objects.get_or_create(name="Capacity")[0]
    earlier = make_postmortem(title="Pool exhausted", incident=make_incident(services=[checkout]))
    open_item = add_action_item(actor=alice, postmortem=earlier, data=ActionItemInput(
        title="Add a retry budget", priority="P1"))  # fmt: skip
    fix = add_action_item(actor=alice, postmortem=earlier, data=ActionItemInput(
        title="Size the pool from load tests", status="done",
        factors=[capacity], services=[checkout]))  # fmt: skip
    ActionItem.objects.filter(pk=fix.pk).update(completed_at=timezone.now() - timedelta(days=9))
    again = make_postmortem(title="Pool exhausted again", incident=make_incident(
        services=[checkout], title="Again"))  # fmt: skip
    add_contributing_factor(actor=alice, postmortem=again, category=capacity, description="Pool")

    page = signed_in_page(browser, live_server.url, "alice")
    page.goto(f"{live_server.url}/postmortems/{again.pk}/")
    callout = page.locator("#fixes-not-held")
    expect(callout).to_contain_text("Fixes that did not hold")
    expect(callout).to_contain_text("Size the pool from load tests")
    expect(callout.get_by_role("link", name="Pool exhausted")).to_be_visible()

    panel = page.locator("#action-items")
    panel.get_by_text("Carry over an open item").click()
    panel.get_by_label("Open item of an earlier postmortem").select_option(
        label="P1 · Add a retry budget (Pool exhausted)"
    )
    panel.get_by_role("button", name="Carry over").click()
    carried = page.locator("#carried-items")
    expect(carried).to_contain_text("Add a retry budget")
    assert CarriedItem.objects.get().item == open_item
    carried.get_by_role("button", name="Drop").click()
    expect(page.locator("#carried-items")).to_have_count(0)
    assert not CarriedItem.objects.exists()

    # The earlier postmortem links back to where its fix recurred.
    page.goto(f"{live_server.url}/postmortems/{earlier.pk}/")
    row = page.locator("#action-items tr", has_text="Size the pool from load tests")
    expect(row).to_contain_text("Recurred despite fix")
    expect(row.get_by_role("link", name="Pool exhausted again")).to_be_visible()
