"""The Content-Security-Policy in a real Chromium: it blocks what is injected, and the pages
that Hansei does not write itself (administration, API documentation) still work under it.

Every browser test fails on any violation (see ``browser`` in hansei/conftest.py); the test
that injects markup on purpose checks its violations and clears them."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from hansei.conftest import signed_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INJECTED = (
    "<script>window.injectedScript = true;</script>"
    '<img id="injected-handler" src="data:," onload="window.injectedHandler = true">'
    '<p id="injected-style" style="display: none">Injected</p>'
    '<a id="injected-link" href="javascript:window.injectedLink = true">Injected link</a>'
)


def _inject(route: Route) -> None:
    """The server's real answer (and so its real policy), with markup added to its body."""
    response = route.fetch()
    route.fulfill(response=response, body=response.text().replace("</main>", INJECTED + "</main>"))


def test_the_policy_blocks_an_injected_inline_script_handler_and_style(
    live_server: Any, browser: Browser, csp_violations: list[str]
) -> None:
    page: Page = browser.new_context().new_page()
    page.route(f"{live_server.url}/accounts/login/", _inject)

    page.goto(f"{live_server.url}/accounts/login/")
    # Hansei's own scripts ran, configured for the policy ...
    page.wait_for_function("() => window.htmx && document.cookie.includes('hansei_tz=')")
    assert page.evaluate("[htmx.config.allowEval, htmx.config.includeIndicatorStyles]") == [
        False,
        False,
    ]
    # ... the injected ones did not, nor did the injected style apply.
    expect(page.locator("#injected-style")).to_be_visible()
    page.locator("#injected-link").click()
    page.wait_for_function("() => document.readyState === 'complete'")
    assert page.evaluate(
        "[window.injectedScript, window.injectedHandler, window.injectedLink]"
    ) == [None, None, None]
    blocked = {v.split(" ")[0] for v in csp_violations if not v.startswith("console:")}
    assert {"script-src-elem", "script-src-attr", "style-src-attr"} <= blocked, csp_violations
    # Expected here (any other test fails on them). Close the page first: a report of the
    # last load may still be on its way, and must not land after the list is cleared.
    page.context.close()
    csp_violations.clear()


def test_the_administration_site_works_under_the_policy(
    live_server: Any, browser: Browser, ada: Any, alice: Any
) -> None:
    page = signed_in_page(browser, live_server.url, "ada")
    page.goto(f"{live_server.url}/admin/")
    expect(page.locator("#site-name")).to_be_visible()
    page.goto(f"{live_server.url}/admin/accounts/user/")
    page.locator("#searchbar").fill("alice")
    page.keyboard.press("Enter")
    expect(page.locator("#result_list")).to_contain_text("alice")
    # The admin's scripts run: the action bar counts the selected rows. (People have no
    # bulk action: they are deactivated, never deleted; teams have one.)
    page.goto(f"{live_server.url}/admin/accounts/team/")
    page.locator("input.action-select").first.check()
    expect(page.locator(".action-counter")).to_contain_text("1 of 1 selected")
    page.goto(f"{live_server.url}/admin/accounts/team/add/")
    page.locator("#id_name").press_sequentially("Site Reliability")
    expect(page.locator("#id_slug")).to_have_value("site-reliability")  # the admin's script
    page.locator("input[type=submit][name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("Site Reliability")


def test_the_api_documentation_works_under_the_policy(
    live_server: Any, browser: Browser, alice: Any
) -> None:
    page = signed_in_page(browser, live_server.url, "alice")
    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Hansei API")
    expect(page.locator(".opblock").first).to_be_visible()


def test_the_footer_language_applies_at_once_without_an_inline_handler(
    live_server: Any, browser: Browser
) -> None:
    page = browser.new_context().new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.wait_for_function("() => document.cookie.includes('hansei_tz=')")  # app.js has run

    page.locator("#lang-select").select_option("ja")

    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.locator("#lang-select")).to_have_value("ja")
