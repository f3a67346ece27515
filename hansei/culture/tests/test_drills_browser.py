"""A Wheel of Misfortune drill in real Chromium: the game master spins the wheel and writes
the drill, two players join in their own browsers and follow, without reloading, what the
game master starts, reveals and corrects; they never see a card before it is revealed."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from hansei.conftest import check_widths, signed_in_page
from hansei.culture.drills.models import Drill, DrillPlayer
from hansei.culture.tests.drill_story import story_postmortem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_game_master_runs_a_drill_for_two_players(
    browser: Browser, servers: Any, make_incident: Any, make_postmortem: Any,
    alice: Any, bob: Any, charlie: Any, rita: Any,
) -> None:  # fmt: skip
    story_postmortem(make_incident, make_postmortem, alice, bob, charlie, rita)
    server = servers()
    base = server.url

    master = signed_in_page(browser, base, "rita")
    master.goto(f"{base}/culture/")
    master.get_by_role("link", name="Wheel of Misfortune").click()
    master.get_by_role("button", name="Spin").click()
    expect(master.locator("#wheel-result")).to_contain_text("Checkout outage")
    master.get_by_role("link", name="Write a drill from it").click()
    master.get_by_label("Game master").select_option(label="Rita")
    master.get_by_role("button", name="Write the drill").click()
    expect(master.get_by_role("heading", name="Drill: Checkout outage")).to_be_visible()
    drill = Drill.objects.get()
    expect(master.get_by_role("region", name="Answer key")).to_contain_text("pool size to 0")
    players_view = f"{base}/culture/drills/{drill.pk}/"

    players = []
    for username in ("bob", "charlie"):
        page = signed_in_page(browser, base, username)
        page.goto(players_view)
        expect(page.locator("#drill-board")).to_contain_text("has not started yet")
        page.get_by_role("button", name="Join as a player").click()
        page.wait_for_selector("#drill-board[data-live='on']")
        page.evaluate("() => { window.notReloaded = true; }")
        players.append(page)
    assert DrillPlayer.objects.filter(drill=drill).count() == 2
    master.reload()
    expect(master.get_by_role("region", name="Players")).to_contain_text("Charlie")
    check_widths(master, "drill-master")

    master.get_by_label("Time limit (minutes)").fill("50")
    master.get_by_role("button", name="Change").click()
    expect(master.get_by_label("Time limit (minutes)")).to_have_value("50")
    master.get_by_role("button", name="Start the drill").click()
    for page in players:
        expect(page.locator("#drill-board")).to_contain_text(
            "PagerDuty alerted the incident commander"
        )
    master.get_by_role("button", name="Reveal card 1").click()
    master.get_by_role("button", name="Diagnosis").click()
    for page in players:
        board = page.locator("#drill-board")
        expect(board).to_contain_text("The incident commander paged responder 2")
        expect(board).to_contain_text("Phase: Diagnosis")
        expect(board).not_to_contain_text("connection pool at 0")
        expect(board).not_to_contain_text("pool size to 0")
        expect(board.locator(".drill-timer")).to_have_text(re.compile(r"^(49|50):\d\d$"))
    check_widths(players[0], "drill-player")

    # The game master corrects a revealed card and adds one: the players see the correction
    # at once, never the new card.
    master.get_by_role("link", name="Correct the opening and cards").click()
    first = master.get_by_role("form", name="Card 1")
    first.get_by_label("What the players learn").fill(
        "The incident commander paged responder 2 from the database team, twice."
    )
    first.get_by_role("button", name="Save card 1").click()
    expect(master.locator(".flash")).to_contain_text("The card is saved.")
    added = master.locator("#new-card")
    added.get_by_label("Phase").select_option("mitigation")
    added.get_by_label("Minutes from the opening").fill("200")
    added.get_by_label("What the players learn").fill("The status page says all clear.")
    added.get_by_label("Reveal it when").fill("The players update the status page.")
    added.get_by_role("button", name="Add the card").click()
    expect(master.locator(".flash")).to_contain_text("The card is added.")
    last = master.get_by_role("form", name="Card 5")
    expect(last.get_by_label("What the players learn")).to_have_value(
        "The status page says all clear."
    )
    check_widths(master, "drill-edit")
    for page in players:
        board = page.locator("#drill-board")
        expect(board).to_contain_text("from the database team, twice.")
        expect(board).not_to_contain_text("status page says")
    master.once("dialog", lambda dialog: dialog.accept())
    master.get_by_role("button", name="Take card 5 off").click()
    expect(master.locator(".flash")).to_contain_text("The card is taken off.")
    expect(master.get_by_role("form", name="Card 5")).to_have_count(0)
    asking = master.locator("#new-question")
    asking.get_by_label("Phase").select_option("diagnosis")
    asking.get_by_label("Question").fill("Which dashboard shows the pool?")
    asking.get_by_role("button", name="Add the question").click()
    expect(master.locator(".flash")).to_contain_text("The question is added.")
    for page in players:
        expect(page.locator("#drill-board")).to_contain_text("Which dashboard shows the pool?")
    master.get_by_role("link", name="Back to the game").click()

    # The game master stops the clock for a discussion, then gives five minutes more.
    master.get_by_role("button", name="Pause the clock").click()
    for page in players:
        timer = page.locator("#drill-board .drill-timer")
        expect(page.locator("#drill-board")).to_contain_text("Clock paused")
        shown = timer.inner_text()
        page.wait_for_timeout(1500)
        assert timer.inner_text() == shown  # it stands still
    check_widths(master, "drill-master-paused")
    check_widths(players[1], "drill-player-paused")
    master.get_by_role("button", name="+5 min").click()
    master.get_by_role("button", name="Resume the clock").click()
    for page in players:
        board = page.locator("#drill-board")
        expect(board).not_to_contain_text("Clock paused")
        expect(board.locator(".drill-timer")).to_have_text(re.compile(r"^5[45]:\d\d$"))

    master.get_by_role("button", name="Finish the drill").click()
    master.get_by_label("Debrief notes").fill("Nobody looked at the **pool** metrics first.")
    master.get_by_role("button", name="Save the debrief").click()
    for page in players:
        expect(page.locator("#debrief-read strong")).to_have_text("pool")
        assert page.evaluate("() => window.notReloaded") is True
