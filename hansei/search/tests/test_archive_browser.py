"""The archive in a real Chromium: a search with a typo offers a correction, a facet
narrows the results, the search is saved, listed and deleted; an admin adds a synonym that
the next search uses. Each page fits 1440 and 390 px."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from hansei.conftest import check_widths, signed_in_page
from hansei.search.models import SavedSearch, Synonym

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reader_corrects_narrows_and_saves_a_search(
    live_server: Any, browser: Browser, publish: Any, charlie: Any, search_team: Any
) -> None:
    publish("Kafka consumers lagged in checkout", "The kafka consumers lagged for an hour.")
    publish("Kafka rebalance storm", "The kafka consumers rebalanced all day.", actor=charlie,
            team=search_team)  # fmt: skip

    page = signed_in_page(browser, live_server.url, "charlie")
    page.goto(f"{live_server.url}/archive/")
    page.locator("#id_q").fill("kafak consumers")
    page.get_by_role("button", name="Search", exact=True).click()
    page.locator("#did-you-mean").get_by_role("link", name="kafka consumers").click()
    expect(page.locator("#archive-results-title")).to_contain_text("2 postmortems")

    page.locator(".facets").get_by_role("link", name="Search 1").click()
    expect(page.locator("#archive-results-title")).to_contain_text("1 postmortem")
    expect(page.locator(".results")).to_contain_text("Kafka rebalance storm")
    check_widths(page, "archive-facets")

    page.get_by_text("Save this search").click()
    page.get_by_label("Name").fill("Our kafka troubles")
    page.get_by_role("button", name="Save", exact=True).click()
    saved = page.locator(".saved-searches")
    expect(saved).to_contain_text("Our kafka troubles")
    assert SavedSearch.objects.get().filters == {"team": "search"}

    saved.get_by_role("button", name="Stop alerts for Our kafka troubles").click()
    expect(page.locator(".saved-searches")).to_contain_text("Alerts off")
    assert SavedSearch.objects.get().notify is False
    page.locator(".saved-searches").get_by_role("button", name="Delete Our kafka troubles").click()
    expect(page.locator(".saved-searches")).to_have_count(0)
    assert not SavedSearch.objects.exists()


def test_an_admin_adds_a_synonym_that_the_next_search_uses(
    live_server: Any, browser: Browser, publish: Any, ada: Any
) -> None:
    publish("Acquirer down", "The payment service provider refused every charge.")

    page = signed_in_page(browser, live_server.url, "ada")
    page.goto(f"{live_server.url}/manage/")
    page.locator(".admin-tabs").get_by_role("link", name="Search").click()
    page.get_by_label("Words and phrases searched as one").fill("PSP, payment service provider")
    page.get_by_role("button", name="Add").click()
    expect(page.locator("#synonyms")).to_contain_text("PSP, payment service provider")
    check_widths(page, "admin-synonyms")
    assert Synonym.objects.count() == 1

    page.goto(f"{live_server.url}/archive/?q=PSP")
    expect(page.locator(".results")).to_contain_text("Acquirer down")
