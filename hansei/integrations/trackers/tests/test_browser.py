"""Trackers in a real Chromium: an admin sets up a team's tracker, the item's owner creates
its issue in one click, and the issue's closing comes back through the webhook."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, expect

from hansei.conftest import signed_in_page
from hansei.integrations.github.tests.fake import REPO, FakeGitHub, load
from hansei.integrations.trackers.models import TrackerConfig

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_set_up_a_tracker_create_an_issue_and_see_it_closed(
    live_server: Any, browser: Browser, fake_api: Any, tracker_token: str, ada: Any,
    alice: Any, item: Any, run_jobs: Any,
) -> None:  # fmt: skip
    github = FakeGitHub(fake_api)
    admin = signed_in_page(browser, live_server.url, "ada")
    admin.goto(f"{live_server.url}/actions/")
    admin.get_by_role("link", name="Trackers").click()
    admin.get_by_role("row", name="Payments").get_by_role("link", name="Set up").click()
    admin.get_by_role("link", name="GitHub Issues").click()
    admin.get_by_label("API address").fill(fake_api.url)
    admin.get_by_label("Token variable").fill("HANSEI_TRACKER_TEST_TOKEN")
    admin.get_by_label("Project").fill(REPO)
    admin.get_by_label("Labels on every issue").fill("postmortem")
    admin.get_by_role("button", name="Save").click()
    expect(admin.locator(".messages, [role=status]").first).to_contain_text("Tracker saved")
    config = TrackerConfig.objects.get()
    expect(admin.locator("#hook-url")).to_contain_text(
        f"/hooks/trackers/github/{config.webhook_token}/"
    )

    owner = signed_in_page(browser, live_server.url, "alice")
    owner.goto(f"{live_server.url}/actions/{item.pk}/edit/")
    owner.get_by_role("button", name="Create issue in GitHub Issues").click()
    panel = owner.locator("#tracker")
    expect(panel).to_contain_text("Creating the issue in GitHub Issues")
    run_jobs()  # the worker
    owner.reload()
    expect(panel.get_by_role("link", name=f"{REPO}#1")).to_be_visible()
    assert github.issues[1]["labels"] == [{"name": "postmortem"}, {"name": "priority: P1"}]

    # Closed in GitHub: the webhook brings it back.
    payload = load("issues_closed.json")
    payload["repository"]["full_name"] = REPO
    payload["issue"].update(number=1, state="closed", state_reason="completed")
    body = json.dumps(payload).encode()
    signature = hmac.new(config.webhook_secret.encode(), body, hashlib.sha256).hexdigest()
    answer = httpx.post(
        f"{live_server.url}/hooks/trackers/github/{config.webhook_token}/",
        content=body,
        headers={
            "Content-Type": "application/json",
            "X-GitHub-Event": "issues",
            "X-GitHub-Delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958",
            "X-Hub-Signature-256": f"sha256={signature}",
        },
    )
    assert answer.status_code == 200, answer.text
    owner.reload()
    expect(owner.get_by_label("Status")).to_have_value("done")
    expect(panel).to_contain_text("closed")

    # The admin reads it in the sync log.
    admin.reload()
    log = admin.locator("#sync-log")
    expect(log).to_contain_text("From the tracker")
    expect(log).to_contain_text("status: 'open' → 'done'")
