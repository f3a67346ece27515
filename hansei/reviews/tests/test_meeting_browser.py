"""A review meeting in a real Chromium: scheduled from the postmortem's page, listed there,
changed and cancelled, by keyboard-reachable controls."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from hansei.conftest import signed_in_page
from hansei.reviews.models import ReviewMeeting
from hansei.reviews.services import submit_for_review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_writer_schedules_changes_and_cancels_a_review_meeting(
    live_server: Any, browser: Browser, alice: Any, bob: Any, rita: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])
    start = (timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT10:00")  # the browser: UTC
    page = signed_in_page(browser, live_server.url, "bob")
    page.goto(f"{live_server.url}/postmortems/{postmortem.pk}/")

    card = page.locator("#meeting-notes")
    card.get_by_text("Schedule a review meeting").click()
    card.get_by_label("Starts at").fill(start)
    card.get_by_label("Duration (minutes)").fill("45")
    card.get_by_label("Where").fill("https://meet.example.com/checkout-review")
    card.get_by_label("Agenda").fill("Timeline, then the action items.")
    # The owner and the reviewer are invited by default.
    expect(card.get_by_label("Alice")).to_be_checked()
    expect(card.get_by_label("Rita")).to_be_checked()
    card.get_by_role("button", name="Schedule and send invitations").click()

    meeting = page.locator(".meeting").first
    expect(meeting).to_contain_text("10:00–10:45")
    expect(meeting).to_contain_text("Alice, Rita")
    expect(meeting).to_contain_text("Timeline, then the action items.")
    expect(meeting.get_by_role("link", name="Add to calendar")).to_be_visible()

    meeting.get_by_role("link", name="Change").click()
    page.get_by_label("Where").fill("Room Kyoto")
    page.get_by_label("Rita").uncheck()
    page.get_by_role("button", name="Save and send the new version").click()
    meeting = page.locator(".meeting").first
    expect(meeting).to_contain_text("Room Kyoto")
    expect(meeting).not_to_contain_text("Rita")

    page.once("dialog", lambda dialog: dialog.accept())
    meeting.get_by_role("button", name="Cancel meeting").click()
    expect(page.locator(".meeting").first.locator(".badge")).to_have_text("Cancelled")
    saved = ReviewMeeting.objects.get()
    assert saved.is_cancelled and saved.sequence == 2
