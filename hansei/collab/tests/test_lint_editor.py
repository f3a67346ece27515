"""The blameless writing assistant in the live editor, in a real browser against real server
processes: findings underlined as people type, the rewrite on hover, dismissing with a reason."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest

from hansei.conftest import signed_in_page
from hansei.postmortems.document.models import Section

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("HANSEI_SCREENSHOTS", "")
SENTENCE = "Bob forgot to renew the certificate."
# The words under the lint underlines of the summary editor (one mark may be split in spans).
UNDERLINED = (
    "() => [...document.querySelectorAll('#section-summary .cm-lint')]"
    ".map((el) => el.textContent).join('')"
)


def _open(
    browser: Any, server: Any, user: Any, postmortem: Any, api: Any = None, **context: Any
) -> Any:
    page = signed_in_page(browser, server.url, user.username, **context)
    if api:
        page.route("**/api/v1/lint", api)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.errors = errors
    page.goto(f"{server.url}/postmortems/{postmortem.pk}/?view=live")  # readers too
    page.wait_for_selector("#section-summary .cm-content")
    return page


def _type_at_end(page: Any, text: str, key: str = "summary") -> None:
    page.locator(f"#section-{key} .cm-content").focus()
    page.keyboard.press("Control+End")
    page.keyboard.type(text)


def _next_request(page: Any, held: list[Any]) -> Any:
    """The oldest request the stand-in API holds, once the page sent one."""
    for _ in range(50):
        if held:
            return held.pop(0)
        page.wait_for_timeout(100)
    raise AssertionError("the text was not sent")


def _lint_runs(page: Any) -> int:
    """How many checks the editor has finished (lint.js counts them on the live root)."""
    return int(page.evaluate("() => document.getElementById('collab-root').dataset.lintRuns || 0"))


def _wait_for_lint_runs(page: Any, count: int) -> None:
    page.wait_for_function(
        "n => Number(document.getElementById('collab-root').dataset.lintRuns || 0) >= n", arg=count
    )


def _empty_summary(postmortem: Any) -> None:
    Section.objects.filter(postmortem=postmortem, key="summary").update(body="")


def test_a_blameful_sentence_is_underlined_with_its_rewrite_and_dismissed_with_a_reason(
    browser: Any, make_postmortem: Any, alice: Any, servers: Any
) -> None:
    from hansei.postmortems.writing_check.models import LintDismissal

    postmortem = make_postmortem()
    _empty_summary(postmortem)
    server = servers()
    page = _open(browser, server, alice, postmortem)

    _type_at_end(page, SENTENCE)
    page.wait_for_function(f"() => ({UNDERLINED})().includes('Bob')")
    underlined = page.evaluate(UNDERLINED)
    assert "forgot" in underlined and "certificate" not in underlined.split("forgot")[0]

    page.locator("#section-summary .cm-lint").first.hover()
    tooltip = page.locator("#section-summary .cm-lint-tooltip")
    tooltip.wait_for()
    suggestion = tooltip.locator(".cm-lint-suggestion")
    assert suggestion.inner_text().startswith("Suggestion:")
    assert "certificate was not renewed" in suggestion.inner_text()
    assert tooltip.locator(".cm-lint-why").inner_text().startswith("Why:")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/lint-tooltip.png", full_page=False)

    # Dismissing needs a reason.
    tooltip.get_by_role("button", name="Dismiss").click()
    assert not LintDismissal.objects.exists()
    tooltip.get_by_label("Reason for dismissing").fill("Bob is the certificate robot's name")
    page.mouse.move(5, 5)  # the pointer leaving does not close a tooltip being written in
    tooltip.get_by_role("button", name="Dismiss").click()
    page.wait_for_function(f"() => ({UNDERLINED})() === ''")
    assert tooltip.count() == 0
    dismissal = LintDismissal.objects.get(postmortem=postmortem)
    assert dismissal.reason == "Bob is the certificate robot's name"
    assert dismissal.section_key == "summary"
    assert dismissal.dismissed_by == alice
    assert "Bob" in dismissal.text

    # The panel beside the text lists it with the reason.
    panel = page.locator("#lint-panel")
    panel.locator("#lint-dismissed").filter(has_text="certificate robot").wait_for(state="attached")

    # The panel follows the text; dismissing there takes the underline away in the editor.
    _type_at_end(page, " Then Alice broke the deploy.")
    page.wait_for_function(f"() => ({UNDERLINED})().includes('Alice')")
    assert "Bob" not in page.evaluate(UNDERLINED)  # still dismissed, linted again
    finding = panel.locator(".lint-finding[data-section='summary']:not(.is-resolved)").filter(
        has_text="Alice broke"
    )
    finding.wait_for(timeout=15000)
    finding.locator("details.lint-dismiss summary").click()
    finding.get_by_role("textbox").fill("A quote from the chat log")
    finding.get_by_role("button", name="Dismiss").click()
    page.wait_for_function(f"() => !({UNDERLINED})().includes('Alice')")
    assert LintDismissal.objects.filter(reason="A quote from the chat log").exists()
    assert page.errors == []


def test_a_reader_sees_the_underline_and_the_rewrite_but_no_dismiss_form(
    browser: Any, make_postmortem: Any, alice: Any, rita: Any, servers: Any
) -> None:
    from hansei.reviews.models import Review

    postmortem = make_postmortem()
    Section.objects.filter(postmortem=postmortem, key="summary").update(body=SENTENCE)
    Review.objects.create(postmortem=postmortem, reviewer=rita, round=1, requested_by=alice)
    server = servers()
    phone = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
    page = _open(browser, server, rita, postmortem, **phone)
    page.wait_for_selector("#collab-status[data-state='readonly']")
    page.wait_for_function(f"() => ({UNDERLINED})().includes('Bob')")
    # No hover on a phone: a tap on the words opens the tooltip.
    page.locator("#section-summary .cm-lint").first.tap()
    tooltip = page.locator("#section-summary .cm-lint-tooltip")
    tooltip.wait_for()
    assert "Suggestion:" in tooltip.inner_text()
    assert tooltip.locator("form").count() == 0
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/lint-phone.png", full_page=False)
    page.keyboard.press("Escape")
    tooltip.wait_for(state="detached")
    # The keyboard reaches it too: F8 opens the finding under (or after) the cursor.
    page.locator("#section-summary .cm-content").focus()
    page.keyboard.press("Control+End")
    page.keyboard.press("F8")
    tooltip.wait_for()
    assert tooltip.locator(".cm-lint-message").inner_text()
    page.keyboard.press("Escape")
    tooltip.wait_for(state="detached")
    assert page.errors == []


def test_late_answers_follow_the_text_and_a_missing_api_leaves_no_underlines(
    browser: Any, make_postmortem: Any, alice: Any, servers: Any
) -> None:
    """Against a stand-in API: a finding computed for older text is moved by the edits made
    since; an answer to an older request is dropped; a server without the API is fine."""
    postmortem = make_postmortem()
    _empty_summary(postmortem)
    server = servers()
    held: list[Any] = []

    def hold(route: Any) -> None:
        if json.loads(route.request.post_data)["section"] == "summary":
            held.append(route)
        else:
            route.fulfill(json={"lang": "en", "findings": []})

    page = _open(browser, server, alice, postmortem, api=hold)
    _type_at_end(page, SENTENCE)
    route = _next_request(page, held)
    sent = json.loads(route.request.post_data)
    assert sent["text"] == SENTENCE and sent["section"] == "summary" and sent["lang"] == "auto"
    assert sent["postmortem"] == postmortem.pk
    # While that request is out, text is typed before the words.
    page.evaluate(
        "() => window.hanseiCollab.editors.get('summary')"
        ".dispatch({changes: {from: 0, insert: 'At 09:12, '}})"
    )
    start, end = 0, len("Bob forgot to renew")
    finding = {
        "rule": "blame-person",
        "severity": "error",
        "message": "A person is named as the cause of a failure.",
        "explanation": "Systems, not people.",
        "suggestion": "The certificate was not renewed.",
        "start": start,
        "end": end,
        "start_utf16": start,
        "end_utf16": end,
        "text": "Bob forgot to renew",
        "fingerprint": "f1",
        "section": "summary",
        "dismissed": False,
        "dismissal": None,
    }
    route.fulfill(json={"lang": "en", "findings": [finding]})
    page.wait_for_function(f"() => ({UNDERLINED})() === 'Bob forgot to renew'")

    # The next request (for the new text) gets an answer, then the one after it is answered
    # late with nothing: the newer request's answer wins, whatever the order.
    older = _next_request(page, held)
    _type_at_end(page, " Again.")
    newer = _next_request(page, held)
    text = json.loads(newer.request.post_data)["text"]
    at = text.index("Bob forgot")
    newer.fulfill(
        json={
            "lang": "en",
            "findings": [
                {**finding, "start_utf16": at, "end_utf16": at + 3, "text": "Bob", "start": 0}
            ],
        }
    )
    page.wait_for_function(f"() => ({UNDERLINED})() === 'Bob'")
    settled = _lint_runs(page)
    older.fulfill(json={"lang": "en", "findings": []})
    _wait_for_lint_runs(page, settled + 1)  # the editor has handled the stale answer
    assert page.evaluate(UNDERLINED) == "Bob"

    # No API on the server: the underlines go, nothing breaks, and it is not asked again.
    page.unroute("**/api/v1/lint")
    asked: list[str] = []

    def missing(route: Any) -> None:
        asked.append(route.request.url)
        route.fulfill(status=404, body="Not found")

    page.route("**/api/v1/lint", missing)
    _type_at_end(page, " Once more.")
    page.wait_for_function(f"() => ({UNDERLINED})() === ''")
    settled = _lint_runs(page)
    _type_at_end(page, " And again.")
    _wait_for_lint_runs(page, settled + 1)  # the edit was checked, without asking the API
    assert len(asked) == 1
    assert [e for e in page.errors if "404" not in e] == []
