"""The notification pages in a real Chromium: following a postmortem from its page, choosing
what reaches you where, following a team, and the unsubscribe link of an e-mail."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, expect

from hansei.conftest import signed_in_page
from hansei.notifications.models import Preference, Subscription
from hansei.notifications.reasons import Reason
from hansei.notifications.unsubscribe import token_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_teammate_follows_a_postmortem_chooses_her_channels_and_follows_a_team(
    live_server: Any, browser: Browser, alice: Any, bob: Any, charlie: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    page = signed_in_page(browser, live_server.url, "bob")
    page.goto(f"{live_server.url}/postmortems/{postmortem.pk}/")

    page.locator(".page-actions").get_by_role("button", name="Follow").click()
    following = page.locator(".page-actions").get_by_role("button", name="Following")
    expect(following).to_have_attribute("aria-pressed", "true")
    assert Subscription.objects.get(user=bob).postmortem_id == postmortem.pk

    page.goto(f"{live_server.url}/notifications/")
    page.get_by_role("link", name="Notification settings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notification settings")
    expect(page.locator("#following")).to_contain_text(postmortem.title)
    email = page.get_by_label("Mentions of you: Email")
    expect(email).to_be_checked()
    email.focus()
    page.keyboard.press("Space")  # the grid is keyboard-usable
    expect(email).not_to_be_checked()
    page.locator("#preferences").get_by_role("button", name="Save").click()
    expect(page.locator(".messages, [role=status]").first).to_contain_text("saved")
    expect(page.get_by_label("Mentions of you: Email")).not_to_be_checked()
    assert not Preference.objects.get(user=bob, kind="mention", channel="email").enabled

    follow = page.locator("#following")
    follow.get_by_role("button", name="Follow", exact=True).click()
    expect(page.locator(".errorlist").first).to_contain_text("Choose one team")
    page.get_by_label("Team", exact=True).select_option(label="Search")
    page.locator("#following").get_by_role("button", name="Follow", exact=True).click()
    expect(page.locator("#following")).to_contain_text("Search")

    page.locator(
        f"#subscription-{Subscription.objects.get(user=bob, postmortem=postmortem).pk}"
    ).get_by_role("button", name="Unfollow").click()
    expect(page.locator("#following")).not_to_contain_text(postmortem.title)
    assert [s.target_kind for s in Subscription.objects.filter(user=bob)] == ["team"]


def test_the_unsubscribe_link_of_an_email_asks_then_stops_it(
    live_server: Any, browser: Browser, bob: Any
) -> None:
    token = token_for(bob, kind="published", reason=Reason("member", "Payments"))
    page = browser.new_page()  # a mail client's browser: not signed in

    page.goto(live_server.url + reverse("notifications:unsubscribe", args=[token]))
    expect(page.locator(".unsubscribe")).to_contain_text("Published and amended")
    assert not Preference.objects.exists()
    page.get_by_role("button", name="Unsubscribe").click()

    expect(page.get_by_role("status")).to_contain_text("gets no more e-mails")
    assert not Preference.objects.get(user=bob, kind="published", channel="email").enabled
