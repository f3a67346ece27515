"""@mention suggestions in the comment box, in a real Chromium: typing "@pr" lists the readers
of the postmortem whose names start so, the keyboard picks one, and the comment mentions them.
Set HANSEI_SCREENSHOTS to a directory to keep pictures of the open list."""

from __future__ import annotations

import os
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from hansei.accounts.models import User
from hansei.collab.comments.models import Comment
from hansei.conftest import person, signed_in_page
from hansei.notifications.models import Notification

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _named(username: str, team: Any, name: str, *, active: bool = True) -> Any:
    user = person(username, "member", team)
    User.objects.filter(pk=user.pk).update(display_name=name, is_active=active)
    return user


@pytest.fixture
def people(payments: Any, search_team: Any) -> None:
    _named("priya", payments, "Priya Natarajan")
    _named("prem", payments, "Prem Kumar")
    _named("pradeep", payments, "Pradeep Rao", active=False)  # has left
    _named("prakash", search_team, "Prakash Iyer")  # may not read Payments' draft


def _open(browser: Browser, base: str, postmortem: Any, width: int, height: int) -> Page:
    viewport = {"width": width, "height": height}
    page: Page = signed_in_page(browser, base, "bob", viewport=viewport)
    page.goto(f"{base}/postmortems/{postmortem.pk}/")
    expect(page.locator("#comment-panel")).to_be_visible()
    return page


def _suggestions(page: Page) -> Locator:
    return page.get_by_role("listbox", name="People to mention")


def test_typing_at_pr_suggests_readers_and_the_keyboard_picks_one(
    live_server: Any, browser: Browser, alice: Any, bob: Any, people: None, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    page = _open(browser, live_server.url, postmortem, 1280, 900)
    box = page.locator("#new-comment-body")
    expect(box).not_to_have_attribute("aria-expanded", "true")

    box.press_sequentially("Can you check the cache TTL, @pr")
    options = _suggestions(page).get_by_role("option")
    # Only active teammates: not Pradeep (gone), not Prakash (cannot read the draft).
    expect(options).to_have_text(["Prem Kumar@prem", "Priya Natarajan@priya"])
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(box).to_have_attribute("aria-activedescendant", options.nth(0).get_attribute("id") or "")
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")

    box.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", options.nth(1).get_attribute("id") or "")
    box.press("Enter")
    expect(_suggestions(page)).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).to_have_value("Can you check the cache TTL, @priya ")

    box.press_sequentially("and @pr")
    expect(options).to_have_count(2)
    box.press("Escape")
    expect(_suggestions(page)).to_be_hidden()
    expect(box).to_have_value("Can you check the cache TTL, @priya and @pr")
    box.press_sequentially("em?")  # Escape closed the list for this mention
    expect(_suggestions(page)).to_be_hidden()

    page.locator("#comment-panel").get_by_role("button", name="Comment", exact=True).click()
    comment = page.locator("#comment-panel .comment-body")
    expect(comment).to_have_text("Can you check the cache TTL, @priya and @prem?")
    saved = Comment.objects.get()
    assert sorted(u.username for u in saved.mentions.all()) == ["prem", "priya"]
    assert Notification.objects.filter(kind="mention", recipient__username="priya").exists()

    # A reply: Tab picks, the list also opens mid-text, and a click picks too.
    reply = page.locator(f"#reply-body-{saved.thread_id}")
    reply.press_sequentially("Thanks @al")
    expect(_suggestions(page).get_by_role("option")).to_have_text(["Alice@alice"])
    reply.press("Tab")
    expect(reply).to_have_value("Thanks @alice ")
    expect(reply).to_be_focused()
    reply.press_sequentially("and @priy")
    _suggestions(page).get_by_role("option", name="Priya Natarajan").click()
    expect(reply).to_have_value("Thanks @alice and @priya ")
    expect(reply).to_be_focused()


def test_no_one_who_cannot_read_the_postmortem_is_suggested(
    live_server: Any, browser: Browser, alice: Any, bob: Any, people: None, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    page = _open(browser, live_server.url, postmortem, 1280, 900)
    box = page.locator("#new-comment-body")

    # Nobody answers: Prakash may not read it and Pradeep has left, so no list opens.
    with page.expect_response(lambda r: "/mentionable?q=pra" in r.url) as answer:
        box.press_sequentially("@pra")
    assert answer.value.json() == []
    expect(_suggestions(page)).to_have_count(0)
    expect(box).not_to_have_attribute("aria-expanded", "true")


def test_a_reader_outside_the_team_gets_suggestions_on_a_published_postmortem(
    live_server: Any, browser: Browser, charlie: Any, people: None, published_postmortem: Any
) -> None:
    """Readers who do not open the live document (no editor script) are offered names too."""
    page: Page = signed_in_page(browser, live_server.url, "charlie")
    page.goto(f"{live_server.url}/postmortems/{published_postmortem.pk}/")
    box = page.locator("#new-comment-body")
    box.press_sequentially("Thank you @pri")
    expect(_suggestions(page).get_by_role("option")).to_have_text(["Priya Natarajan@priya"])
    box.press("Enter")
    expect(box).to_have_value("Thank you @priya ")


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (390, 844)])
def test_the_open_list_fits_the_page(
    live_server: Any,
    browser: Browser,
    alice: Any,
    bob: Any,
    people: None,
    make_postmortem: Any,
    width: int,
    height: int,
) -> None:
    postmortem = make_postmortem()
    page = _open(browser, live_server.url, postmortem, width, height)
    box = page.locator("#new-comment-body")
    box.scroll_into_view_if_needed()
    box.press_sequentially("Over to @p")
    listbox = _suggestions(page)
    expect(listbox.get_by_role("option")).to_have_count(2)

    area, shown = box.bounding_box(), listbox.bounding_box()
    assert area and shown
    left, right = shown["x"], shown["x"] + shown["width"]
    assert area["x"] - 1 <= left and right <= area["x"] + area["width"] + 1  # as wide at most
    assert shown["y"] >= area["y"] + area["height"]  # under the box, never over the text
    assert right <= width
    cut = "spans => spans.filter(s => s.scrollWidth > s.clientWidth + 1).length"
    assert listbox.locator("span").evaluate_all(cut) == 0
    if os.environ.get("HANSEI_SCREENSHOTS"):
        page.screenshot(path=f"{os.environ['HANSEI_SCREENSHOTS']}/mention-{width}.png")
