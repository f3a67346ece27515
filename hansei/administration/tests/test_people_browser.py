"""The admin pages in a real Chromium: an admin invites a person, who joins through the
e-mailed link; the admin makes them a team's lead; each page fits 1440 and 390 px."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import Browser, expect

from hansei.conftest import check_widths, signed_in_page
from hansei.core.jobs import run_pending

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_invites_a_person_who_joins_and_becomes_a_team_lead(
    live_server: Any, browser: Browser, ada: Any, payments: Any, alice: Any
) -> None:
    admin = signed_in_page(browser, live_server.url, "ada")
    admin.get_by_role("link", name="Administration").click()
    expect(admin.locator(".admin-tabs")).to_be_visible()
    check_widths(admin, "admin-index")
    admin.locator(".admin-tabs").get_by_role("link", name="People").click()
    admin.get_by_label("E-mail address").fill("zoe@example.com")
    admin.get_by_label("Role", exact=True).select_option("member")
    admin.get_by_label("Payments").check()
    admin.get_by_role("button", name="Send the invitation").click()
    expect(admin.locator("#pending-invitations")).to_contain_text("zoe@example.com")
    check_widths(admin, "admin-people")

    run_pending()  # the worker sends the e-mail
    link = re.search(r"https?://\S+", mail.outbox[-1].body)
    assert link is not None
    newcomer = browser.new_context(locale="en-US").new_page()
    newcomer.goto(live_server.url + urlsplit(link.group(0)).path)
    newcomer.get_by_label("User name").fill("zoe")
    newcomer.get_by_label("Your name as others see it").fill("Zoë Kim")
    newcomer.get_by_label("Password", exact=True).fill("a-long-new-passphrase-42")
    newcomer.get_by_label("Password, again").fill("a-long-new-passphrase-42")
    newcomer.get_by_role("button", name="Create my account").click()
    expect(newcomer.locator(".nav-user")).to_have_text("Zoë Kim")

    admin.locator(".admin-tabs").get_by_role("link", name="Teams").click()
    expect(admin.get_by_role("link", name="Payments")).to_be_visible()
    check_widths(admin, "admin-teams")
    admin.get_by_role("link", name="Payments").click()
    admin.get_by_role("checkbox", name="Lead: Zoë Kim").check()
    admin.get_by_role("button", name="Save").click()
    expect(admin.get_by_role("checkbox", name="Lead: Zoë Kim")).to_be_checked()
    check_widths(admin, "admin-team")

    admin.locator(".admin-tabs").get_by_role("link", name="People").click()
    admin.get_by_role("link", name="Zoë Kim").click()
    admin.get_by_label("Role").select_option("reviewer")
    admin.get_by_role("button", name="Save").click()
    expect(admin.get_by_label("Role")).to_have_value("reviewer")
    check_widths(admin, "admin-person")
