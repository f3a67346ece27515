"""A reading club session in a real Chromium: a list is filled, a session scheduled from it,
a colleague says they come and joins the discussion, and after the session the facilitator
keeps the notes and records who was there."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from hansei.conftest import check_widths, signed_in_page
from hansei.culture.reading.models import Participation, ReadingSession
from hansei.notifications.models import Notification, NotificationKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reading_club_session(
    live_server: Any, browser: Browser, publish: Any, alice: Any, bob: Any
) -> None:
    ours = publish("Checkout ran out of database connections")
    base = live_server.url

    alice_page = signed_in_page(browser, base, "alice")
    alice_page.goto(f"{base}/culture/")
    alice_page.get_by_role("link", name="Reading club").click()
    alice_page.get_by_role("link", name="New reading list").click()
    alice_page.get_by_label("Title").fill("Connection pools")
    alice_page.get_by_role("button", name="Make the list").click()
    alice_page.get_by_label("Postmortem or link").fill(f"#{ours.pk}")
    alice_page.get_by_role("button", name="Add to the list").click()
    expect(alice_page.locator(".flash-success")).to_contain_text("Added to the list.")
    alice_page.get_by_label("Postmortem or link").fill("https://aws.amazon.com/message/41926/")
    alice_page.get_by_role("button", name="Add to the list").click()
    expect(alice_page.locator("#id_title_errors")).to_contain_text("Give the outside postmortem")
    alice_page.get_by_label("Title (outside postmortems)").fill("Amazon S3, February 2017")
    alice_page.get_by_role("button", name="Add to the list").click()
    readings = alice_page.get_by_role("region", name="Readings")
    expect(readings).to_contain_text("Checkout ran out of database connections")
    expect(readings).to_contain_text("Amazon S3, February 2017")
    check_widths(alice_page, "reading-list")

    alice_page.goto(f"{base}/culture/reading/")
    alice_page.get_by_role("link", name="Schedule a session").click()
    alice_page.get_by_label("Title").fill("Pools and thundering herds")
    starts = timezone.localtime() + timedelta(days=2)
    alice_page.get_by_label("Starts at").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    alice_page.get_by_label("Where").fill("https://meet.example.org/pools")
    alice_page.get_by_label("Connection pools · Amazon S3, February 2017").check()
    alice_page.get_by_label("Connection pools · Checkout ran out of database connections").check()
    check_widths(alice_page, "reading-session-form")
    alice_page.get_by_role("button", name="Schedule", exact=True).click()
    expect(alice_page.locator("h1")).to_contain_text("Pools and thundering herds")
    session = ReadingSession.objects.get()
    assert session.readings.count() == 2
    assert Notification.objects.filter(recipient=bob, kind=NotificationKind.READING).exists()

    bob_page = signed_in_page(browser, base, "bob")
    bob_page.goto(f"{base}/notifications/")
    bob_page.get_by_role("link", name="Alice scheduled the reading club session").first.click()
    expect(bob_page.locator("h1")).to_contain_text("Pools and thundering herds")
    bob_page.get_by_role("button", name="I'm coming").click()
    expect(bob_page.get_by_role("region", name="Who is coming")).to_contain_text("Bob")
    bob_page.get_by_label("Your comment").fill("Why did the **retries** not back off?")
    bob_page.get_by_role("button", name="Comment").click()
    discussion = bob_page.get_by_role("region", name="Discussion")
    expect(discussion.locator("strong")).to_have_text("retries")
    assert Participation.objects.get(person=bob).going

    # The session took place.
    ReadingSession.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - timedelta(minutes=70)
    )
    alice_page.reload()
    alice_page.get_by_role("textbox", name="Notes").fill(
        "Backoff needs **jitter**: our pool had none."
    )
    alice_page.get_by_role("button", name="Save the notes").click()
    expect(alice_page.locator("#notes .prose strong")).to_have_text("jitter")
    alice_page.get_by_role("region", name="Attendance").get_by_label("Bob").check()
    alice_page.get_by_role("button", name="Record attendance").click()
    expect(alice_page.locator(".flash-success")).to_contain_text("Attendance is recorded.")
    assert Participation.objects.get(person=bob).attended
    check_widths(alice_page, "reading-session")

    bob_page.reload()
    expect(bob_page.locator("#notes")).to_contain_text("our pool had none")
    expect(bob_page.get_by_role("region", name="Attendance")).to_contain_text("Bob")
    bob_page.goto(f"{base}/culture/reading/")
    expect(bob_page.get_by_role("region", name="Past sessions")).to_contain_text(
        "Pools and thundering herds"
    )
    check_widths(bob_page, "reading-club")
