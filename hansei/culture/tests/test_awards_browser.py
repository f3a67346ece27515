"""Postmortem of the month and kudos in a real Chromium: a reader nominates from the
postmortem, an admin opens the vote, another person votes and moves the vote, and the
writer is thanked from the same panel."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from hansei.conftest import check_widths, signed_in_page
from hansei.culture.awards.models import Nomination, Vote
from hansei.culture.kudos.models import Kudos

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_nominating_voting_and_thanking(
    live_server: Any, browser: Browser, publish: Any, alice: Any, bob: Any, ada: Any
) -> None:
    first = publish("Checkout ran out of database connections")
    second = publish("Search index switch failed")
    base = live_server.url

    bob_page = signed_in_page(browser, base, "bob")
    bob_page.goto(f"{base}/postmortems/{first.pk}/")
    bob_page.locator("#kudos").get_by_role(
        "link", name="Nominate for postmortem of the month"
    ).click()
    expect(bob_page.get_by_label("Why it deserves it")).to_have_attribute("required", "")
    bob_page.get_by_label("Why it deserves it").fill("Its timeline shows how detection lagged.")
    bob_page.get_by_role("button", name="Nominate").click()
    expect(bob_page.locator("#round")).to_contain_text("Checkout ran out of database connections")
    expect(bob_page.locator("#round")).to_contain_text("Its timeline shows how detection lagged.")
    nomination = Nomination.objects.get()
    bob_page.goto(f"{base}/culture/postmortems/{second.pk}/nominate/")
    bob_page.get_by_label("Why it deserves it").fill("A clear root cause.")
    bob_page.get_by_role("button", name="Nominate").click()
    expect(bob_page.locator("#round")).to_contain_text("Search index switch failed")

    admin = signed_in_page(browser, base, "ada")
    admin.goto(f"{base}/culture/")
    admin.get_by_role("link", name=timezone.localdate().strftime("%B %Y")).click()
    now = timezone.localtime()
    admin.get_by_label("Voting opens").fill((now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    admin.get_by_label("Voting closes").fill((now + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    admin.get_by_role("button", name="Change the window").click()
    expect(admin.locator(".flash-success")).to_contain_text("The voting window is changed.")

    voter = signed_in_page(browser, base, "alice")
    voter.goto(f"{base}/culture/")
    expect(voter.locator("#award-title").locator("..").locator("..")).to_contain_text("Voting open")
    voter.goto(f"{base}/culture/awards/{now.year}/{now.month}/")
    voter.get_by_role("button", name="Vote for “Search index switch failed”").click()
    expect(voter.locator(f"#nomination-{nomination.pk + 1}")).to_contain_text("Your vote")
    voter.get_by_role(
        "button", name="Move my vote to “Checkout ran out of database connections”"
    ).click()
    expect(voter.locator(f"#nomination-{nomination.pk}")).to_contain_text("Your vote")
    expect(voter.locator("#round")).to_contain_text("1 person has voted")
    assert list(Vote.objects.values_list("voter", "nomination")) == [(alice.pk, nomination.pk)]
    check_widths(voter, "culture-round")

    bob_page.goto(f"{base}/postmortems/{first.pk}/")
    panel = bob_page.locator("#kudos")
    expect(panel).to_contain_text("Nominated for postmortem of the month")
    panel.get_by_text("Thank someone").click()
    panel.get_by_label("Thank").select_option(label="Alice")
    panel.get_by_label("Message").fill("The timeline made the lag obvious.")
    panel.get_by_role("button", name="Send kudos").click()
    expect(bob_page.locator("#kudos")).to_contain_text("The timeline made the lag obvious.")
    assert Kudos.objects.get().receiver == alice

    voter.goto(f"{base}/people/alice/")
    expect(voter.locator("#person-kudos-title").locator("..").locator("..")).to_contain_text(
        "The timeline made the lag obvious."
    )
    check_widths(voter, "culture-person")
    voter.goto(f"{base}/culture/")
    check_widths(voter, "culture-programs")
