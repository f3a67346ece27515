"""The structured analysis in a real Chromium: impact figures, a contributing factor, a 5-whys
chain copied into the root causes, and a second incident linked to the postmortem."""

from __future__ import annotations

import os
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from hansei.conftest import signed_in_page
from hansei.postmortems.analysis.models import ContributingFactor, PostmortemImpact, WhyChain

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(browser: Browser, base: str, username: str) -> Page:
    page: Page = signed_in_page(browser, base, username, viewport={"width": 1280, "height": 900})
    return page


def _screenshot(page: Page, name: str) -> None:
    """Set HANSEI_SCREENSHOTS=dir to look at the page."""
    folder = os.environ.get("HANSEI_SCREENSHOTS")
    if folder:
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)
        for part in ("incidents", "impact-figures", "why-chains", "factors"):
            page.locator(f"#{part}").screenshot(path=f"{folder}/{name}-{part}.png")


def test_a_writer_records_impact_factors_and_five_whys(
    live_server: Any, browser: Browser, alice: Any, make_postmortem: Any, make_incident: Any
) -> None:
    postmortem = make_postmortem(complete=False)
    other = make_incident(title="Refund API timed out")
    page = _sign_in(browser, live_server.url, "alice")
    page.goto(f"{live_server.url}/postmortems/{postmortem.pk}/")

    impact = page.locator("#impact-figures")
    expect(impact.get_by_label("User-visible impact (minutes)")).to_have_value("50")
    impact.get_by_label("Affected").fill("12000")
    impact.get_by_label("Unit").select_option("accounts")
    impact.get_by_label("Requests failed (%)").fill("12.5")
    impact.get_by_label("Revenue impact").fill("4200")  # without a currency: refused
    impact.get_by_role("button", name="Save figures").click()
    expect(page.locator("#impact-figures .errorlist")).to_contain_text("currency")
    assert not PostmortemImpact.objects.filter(postmortem=postmortem).exists()
    impact = page.locator("#impact-figures")
    expect(impact.get_by_label("Affected")).to_have_value("12000")
    impact.get_by_label("Support tickets").fill("31")
    impact.get_by_label("Currency").fill("eur")
    impact.get_by_role("button", name="Save figures").click()
    expect(page.locator("#impact-figures .save-state")).to_contain_text("Saved")
    figures = page.locator("#impact-figures .figures")
    expect(figures).to_contain_text("12,000")
    expect(figures).to_contain_text("12.5 %")
    expect(figures).to_contain_text("EUR")

    factors = page.locator("#factors")
    factors.get_by_label("Category").select_option(label="Monitoring gap")
    factors.get_by_label("Factor").fill("No alert on the gateway's decline rate")
    factors.get_by_role("button", name="Add factor").click()
    expect(page.locator("#factors .list")).to_contain_text("decline rate")
    expect(page.locator("#factors h3")).to_have_text("Monitoring gap")

    whys = page.locator("#why-chains")
    whys.get_by_label("Problem").fill("Card payments were declined")
    whys.get_by_role("button", name="Start a chain").click()
    for answer in [
        "The gateway loaded an invalid merchant profile",
        "The profile was pushed without validation",
        "The deploy tool has no schema check for gateway configs",
    ]:
        page.locator("#why-chains input[name=answer]").fill(answer)
        page.locator("#why-chains").get_by_role("button", name="Add why").click()
        expect(page.locator("#why-chains ol")).to_contain_text(answer)
    expect(page.locator("#why-chains ol > li")).to_have_count(3)
    page.locator("#why-chains").get_by_role("button", name="Copy into “Root causes”").click()
    expect(page.locator("#why-chains .save-state")).to_contain_text("Copied")
    roots = page.locator("#body-root_causes")
    expect(roots).to_have_value(
        "**5 whys:** Card payments were declined\n\n"
        "1. Why? The gateway loaded an invalid merchant profile\n"
        "2. Why? The profile was pushed without validation\n"
        "3. Why? The deploy tool has no schema check for gateway configs\n"
    )
    expect(page.locator("#preview-root_causes")).to_contain_text("no schema check")

    page.locator("#incidents").get_by_label("Related incident").select_option(str(other.pk))
    page.locator("#incidents").get_by_role("button", name="Link incident").click()
    expect(page.locator("#incidents h2")).to_have_text("Incidents (2)")
    expect(page.locator("#incidents")).to_contain_text("Refund API timed out")
    page.locator("#incidents summary", has_text="How these are measured").click()
    expect(page.locator("#metric-definitions")).to_contain_text("acknowledged − detected")
    _screenshot(page, "analysis")

    chain = WhyChain.objects.get(postmortem=postmortem)
    assert len(chain.whys) == 3
    assert ContributingFactor.objects.get(postmortem=postmortem).category is not None
    impact_row = PostmortemImpact.objects.get(postmortem=postmortem)
    assert (impact_row.affected_count, impact_row.revenue_currency) == (12000, "EUR")
    assert "no schema check" in postmortem.sections.get(key="root_causes").body
