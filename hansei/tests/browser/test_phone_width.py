"""No page is wider than a phone: every page people use, at a 390 px viewport, with long
unbroken strings where people type them (a URL pasted into a timeline entry, a title with a
stack trace), fits the screen; what is wide scrolls inside its own box."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser

from hansei.action_items.services import ActionItemInput, add_action_item
from hansei.conftest import signed_in_page
from hansei.culture.reading import services as reading
from hansei.postmortems.timeline.services import add_timeline_entry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The elements wider than the screen, with the start of their markup: what to fix.
CULPRITS = """() => [...document.querySelectorAll("body *")]
  .filter((e) => e.getBoundingClientRect().width > 391)
  .slice(0, 6)
  .map((e) => e.outerHTML.slice(0, 120))
  .join(" | ")"""
UNBROKEN = "https://grafana.example.com/d/checkout?" + "panel=latency&" * 40 + "x"


def reading_club(alice: Any, postmortem: Any) -> tuple[Any, Any]:
    """A list with a long outside reading, and a session under way with long words."""
    reading_list = reading.create_list(actor=alice, title="Classics " + "w" * 150)
    reading.add_reading(
        actor=alice, reading_list=reading_list, link=UNBROKEN[:990], title="S3 " + "t" * 250,
        note=UNBROKEN,
    )  # fmt: skip
    session = reading.schedule_session(
        actor=alice, title="Reading " + "r" * 180, location=UNBROKEN[:500],
        starts_at=timezone.now() - timedelta(minutes=5), facilitator=alice,
        readings=list(reading_list.readings.all()),
    )  # fmt: skip
    reading.add_comment(actor=alice, session=session, body=UNBROKEN)
    return reading_list, session


def test_every_page_fits_a_390_px_phone(
    live_server: Any, browser: Browser, alice: Any, ada: Any, make_postmortem: Any,
    make_incident: Any, checkout: Any,
) -> None:  # fmt: skip
    incident = make_incident(title="Checkout 500s " + "x" * 120, services=[checkout])
    postmortem = make_postmortem(incident=incident, title="Checkout " + "y" * 150)
    add_timeline_entry(
        actor=alice,
        postmortem=postmortem,
        occurred_at=incident.started_at + timedelta(minutes=5),
        text=UNBROKEN,
    )
    item = add_action_item(actor=alice, postmortem=postmortem, data=ActionItemInput(
        title="Cap retries " + "z" * 200, owner=alice,
        due_date=timezone.localdate() + timedelta(days=3)))  # fmt: skip
    reading_list, session = reading_club(alice, postmortem)
    pages = {
        "alice": [
            "/",
            "/incidents/",
            f"/incidents/{incident.pk}/",
            "/incidents/new/",
            "/postmortems/",
            f"/postmortems/{postmortem.pk}/",
            f"/postmortems/{postmortem.pk}/?view=read",
            f"/postmortems/{postmortem.pk}/customer/",
            f"/postmortems/{postmortem.pk}/history/",
            f"/postmortems/{postmortem.pk}/history/compare/?from=1&to=current",
            "/actions/?status=unfinished",
            f"/actions/{item.pk}/edit/",
            "/archive/?q=checkout",
            "/notifications/",
            "/notifications/settings/",
            "/accounts/settings/",
            "/incidents/policy/",
            "/trackers/",
            "/insights/",
            "/culture/",
            "/culture/hall-of-fame/",
            f"/culture/postmortems/{postmortem.pk}/",
            f"/culture/postmortems/{postmortem.pk}/nominate/",
            "/culture/pack/",
            f"/culture/pack/{timezone.localdate():%Y/%m}/",
            "/culture/leaders/",
            "/people/alice/",
            "/culture/reading/",
            "/culture/drills/",
            "/culture/reading/sessions/new/",
            f"/culture/reading/lists/{reading_list.pk}/",
            f"/culture/reading/sessions/{session.pk}/",
        ],
        "ada": [
            "/trackers/",
            f"/trackers/teams/{postmortem.team.slug}/",
            "/audit/",
            "/manage/",
            "/manage/people/",
            f"/manage/people/{alice.pk}/",
            "/manage/teams/",
            f"/manage/teams/{postmortem.team_id}/",
            "/manage/integrations/",
            "/manage/integrations/new/",
            "/manage/search/",
            "/postmortems/templates/",
            f"/postmortems/templates/{postmortem.template_id}/",
        ],
    }
    too_wide = []
    for username, paths in pages.items():
        page = signed_in_page(
            browser, live_server.url, username, viewport={"width": 390, "height": 844}
        )
        for path in paths:
            answer = page.goto(f"{live_server.url}{path}")
            assert answer is not None and answer.ok, f"{path}: {answer and answer.status}"
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 390:
                culprits = page.evaluate(CULPRITS)
                too_wide.append(f"{path} as {username}: {width} px ({culprits})")
    assert not too_wide, "\n".join(too_wide)


def test_the_top_bar_fits_every_width_for_an_admin_reading_japanese(
    live_server: Any, browser: Browser, ada: Any
) -> None:
    """An admin has one more link and Japanese labels are longer: at no width between a
    phone and a wide screen does the top bar push the page wider than the window, and where
    the search field shows, it has room to type in."""
    ada.language = "ja"
    ada.display_name = "Ada Lovelace-Byron of Hansei"
    ada.save()
    page = signed_in_page(browser, live_server.url, "ada")  # then in Japanese, as she chose
    too_wide = []
    for width in (390, 820, 900, 1120, 1260, 1261, 1280, 1360, 1361, 1440, 1480, 1580, 1581, 1920):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(f"{live_server.url}/")
        scroll = page.evaluate("document.documentElement.scrollWidth")
        search = page.locator("#nav-q")
        if scroll > width:
            too_wide.append(f"{width}px: {scroll}px ({page.evaluate(CULPRITS)})")
        if search.is_visible():
            box = search.bounding_box()
            assert box is not None and box["width"] >= 130, f"search {box} at {width}px"
    assert "管理" in (page.locator(".mainnav").text_content() or "")  # Japanese, as an admin
    assert not too_wide, "\n".join(too_wide)
