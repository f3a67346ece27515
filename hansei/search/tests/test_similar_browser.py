"""Similar incidents beside a draft, in a real Chromium: the panel loads after the page, says
why, lists the unfinished items, and carries one over in a click."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from hansei.action_items.models import CarriedItem
from hansei.conftest import check_widths, signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_writer_sees_similar_incidents_and_carries_an_item_over(
    live_server: Any, browser: Browser, publish: Any, make_postmortem: Any, make_incident: Any,
    checkout: Any,
) -> None:  # fmt: skip
    publish(
        "Checkout ran out of database connections",
        "The connection pool of the checkout database was exhausted at peak.",
        actions=["Size the connection pool from load tests"],
        services=[checkout],
    )
    draft = make_postmortem(
        title="Checkout connection pool exhausted again",
        incident=make_incident(services=[checkout], title="Database connection pool exhausted"),
    )

    page = signed_in_page(browser, live_server.url, "alice")
    page.goto(f"{live_server.url}/postmortems/{draft.pk}/")
    panel = page.locator("#similar-incidents")
    expect(panel).to_contain_text("Checkout ran out of database connections")
    expect(panel).to_contain_text("Same services: Checkout")
    expect(panel).to_contain_text("1 unfinished action item")
    panel.get_by_role(
        "button", name="Carry over “Size the connection pool from load tests”"
    ).click()
    expect(page.locator("#similar-incidents")).to_contain_text("Carried over")
    assert CarriedItem.objects.get(postmortem=draft).item.title.startswith("Size the connection")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/archive/similar/postmortem/{draft.pk}/")
    expect(page.locator("#similar-incidents")).to_contain_text("Carried over")
    check_widths(page, "similar-incidents")
