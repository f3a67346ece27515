"""Import a chat log into a draft's timeline in a real Chromium: preview, names replaced by
roles, key events starred, and the postmortem page showing them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from hansei.postmortems.timeline.models import TimelineEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _chat_log(start: Any) -> str:
    def at(minutes: int) -> str:
        return (start + timedelta(minutes=minutes)).strftime("%Y-%m-%d %H:%M")

    return "\n".join(
        [
            f"[{at(-120)}] alice: lunch anyone?",  # outside the window
            f"[{at(2)}] pagerbot: ALERT checkout-api 5xx rate above 5%",
            f"[{at(5)}] alice: ack, looking at the checkout dashboards",
            f"[{at(9)}] bob: alice the gateway config was pushed at 10:02",
            f"[{at(12)}] alice: rolling back the gateway config",
            f"[{at(40)}] bob: error rate back to normal, thanks alice",
        ]
    )


def test_it_imports_a_chat_log_with_roles_and_key_events(
    live_server: Any, browser: Browser, login: Any, alice: Any, make_incident: Any
) -> None:
    from hansei.postmortems.document.services import create_postmortem

    start = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=3)
    incident = make_incident(
        started_at=start,
        detected_at=start + timedelta(minutes=2),
        acknowledged_at=start + timedelta(minutes=5),
        mitigated_at=start + timedelta(minutes=15),
        resolved_at=start + timedelta(minutes=45),
    )
    postmortem = create_postmortem(actor=alice, incident=incident)
    page = browser.new_context(locale="en-US", timezone_id="UTC").new_page()
    login(page, alice)
    page.goto(f"{live_server.url}/postmortems/{postmortem.pk}/")

    page.locator("#timeline").get_by_role("link", name="Import chat history…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import into the timeline")
    expect(page.locator("#import-form")).to_contain_text("Times without a time zone are read as")
    page.get_by_label("Or paste the text").fill(_chat_log(start))
    page.get_by_role("button", name="Preview").click()

    preview = page.locator("#import-preview")
    expect(preview).to_contain_text("5 messages within the window")
    expect(preview).to_contain_text("1 outside it left out")
    expect(preview.get_by_label("alice", exact=True)).to_have_value("the on-call engineer")
    preview.get_by_label("bob", exact=True).fill("the payments engineer")
    preview.get_by_label("Import line 2", exact=True).uncheck()  # the alert (input line 2)
    preview.get_by_label("Line 4 is a key event").check()
    preview.get_by_label("Line 5 is a key event").check()
    preview.get_by_role("button", name="Import the chosen lines").click()

    timeline = page.locator("#timeline")
    expect(page.get_by_text("4 entries imported.")).to_be_visible()
    expect(timeline).to_contain_text("the payments engineer: the on-call engineer the gateway")
    expect(timeline).to_contain_text("the on-call engineer: rolling back the gateway config")
    expect(timeline).not_to_contain_text("ack, looking at the checkout dashboards")  # not key
    expect(timeline).not_to_contain_text("alice")
    timeline.get_by_role("link", name="Show all entries").click()
    expect(timeline).to_contain_text("the on-call engineer: ack, looking at the checkout")
    expect(timeline).not_to_contain_text("ALERT checkout-api")

    imported = TimelineEntry.objects.filter(postmortem=postmortem, source__startswith="import")
    assert imported.count() == 4
    assert imported.filter(is_key_event=True).count() == 2
    assert not imported.filter(text__icontains="alice").exists()
    assert not imported.filter(text__icontains="bob").exists()
