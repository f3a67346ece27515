"""Process feedback in a real Chromium: a reviewer follows the inbox to the survey, answers
anonymously with the keyboard-usable scale, and finds the results page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from hansei.conftest import check_widths, signed_in_page
from hansei.culture.feedback.models import Survey, SurveyAnswer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_answering_the_process_survey_anonymously(
    live_server: Any, browser: Browser, publish: Any, rita: Any
) -> None:
    publish("Checkout ran out of database connections")
    base = live_server.url

    page = signed_in_page(browser, base, "rita")
    page.goto(f"{base}/notifications/")
    page.get_by_role("link", name="How did the postmortem process go for").first.click()
    expect(page.get_by_role("heading", name="How did the process go?")).to_be_visible()
    check_widths(page, "culture-survey")
    page.get_by_role("group", name="Did the postmortem process help?").get_by_label("4").check()
    page.get_by_role("group", name="How much toil did it cost you?").get_by_label("2").check()
    tools = page.get_by_role("group", name="Were the tools adequate?")
    tools.get_by_label("5 · fully").check()
    page.get_by_label("What would you change?").fill("Pre-fill the timeline from chat.")
    page.get_by_label("Answer anonymously").check()
    page.get_by_role("button", name="Send my answer").click()

    expect(page.locator(".flash-success")).to_contain_text("counts when the survey closes")
    expect(page.locator("main")).to_contain_text("their answers count once they close")
    Survey.objects.update(closes_at=timezone.now() - timedelta(minutes=1))
    page.reload()
    expect(page.locator("table")).to_contain_text("1 of 2 (50%)")
    expect(page.locator("table")).to_contain_text("fewer than 3 answers")
    answer = SurveyAnswer.objects.get()
    assert (answer.respondent, answer.helped, answer.toil, answer.tools) == (None, 4, 2, 5)
    check_widths(page, "culture-feedback")
