"""Trackers through the API: a team's settings and log, and an item's issue."""

from __future__ import annotations

import pytest

from hansei.accounts.tests.test_api import ApiClient
from hansei.integrations.trackers.models import LinkState, TrackerConfig, TrackerLink

pytestmark = pytest.mark.django_db

BODY = {
    "kind": "gitlab",
    "base_url": "https://gitlab.example.com",
    "token_variable": "HANSEI_TRACKER_GITLAB",
    "project": "payments/checkout",
    "done_states": ["closed"],
    "wont_do_states": ["won't do"],
    "priority_mapping": {"P0": "priority::1"},
    "labels": ["postmortem"],
    "auto_create": "on_publish",
}


def test_admins_set_up_and_leads_adjust_a_team_tracker(ada, alice, bob, payments):
    admin = ApiClient(ada)
    answer = admin.put(f"/teams/{payments.slug}/tracker", BODY)
    assert answer.status_code == 200, answer.json()
    config = TrackerConfig.objects.get()
    assert answer.json()["webhook_url"].endswith(f"/hooks/trackers/gitlab/{config.webhook_token}/")
    lead = ApiClient(alice)
    assert lead.get(f"/teams/{payments.slug}/tracker").json()["labels"] == ["postmortem"]
    assert (
        lead.put(f"/teams/{payments.slug}/tracker", {**BODY, "labels": ["pm"]}).status_code == 200
    )
    moved = {**BODY, "base_url": "https://attacker.example"}
    assert lead.put(f"/teams/{payments.slug}/tracker", moved).status_code == 403
    assert TrackerConfig.objects.get().base_url == "https://gitlab.example.com"
    member = ApiClient(bob)
    assert member.get(f"/teams/{payments.slug}/tracker").status_code == 404
    assert member.get(f"/teams/{payments.slug}/tracker/events").status_code == 404


@pytest.mark.parametrize(
    "change",
    [
        {"kind": "bugzilla"},
        {"token_variable": "HANSEI_SECRET_KEY"},
        {"base_url": "file:///etc/passwd"},
        {"priority_mapping": {"P9": "x"}},
        {"labels": "postmortem"},
        {"labels": [None]},
        {"done_states": []},
        {"project": "\ud800"},
        {"auto_create": "always"},
        {"labels": ["x"] * 51},
    ],
)
def test_bad_settings_get_a_4xx_and_change_nothing(ada, payments, change):
    answer = ApiClient(ada).put(f"/teams/{payments.slug}/tracker", {**BODY, **change})
    assert 400 <= answer.status_code < 500, answer.content
    assert not TrackerConfig.objects.exists()


def test_an_items_issue_through_the_api(alice, charlie, item, configure, fake_api):
    configure("github", fake_api.url, project="octo-org/octo-repo")
    api = ApiClient(alice)
    assert api.get(f"/action-items/{item.pk}/tracker-issue").status_code == 404
    answer = api.post(f"/action-items/{item.pk}/tracker-issue", {})
    assert answer.status_code == 202 and answer.json()["state"] == "creating"
    assert api.post(f"/action-items/{item.pk}/tracker-issue", {}).status_code == 409
    assert api.delete(f"/action-items/{item.pk}/tracker-issue").status_code == 204
    bad = api.post(f"/action-items/{item.pk}/tracker-issue", {"url": "https://example.com/1"})
    assert bad.status_code == 400 and "url" in bad.json()["errors"]
    linked = api.post(
        f"/action-items/{item.pk}/tracker-issue",
        {"url": f"{fake_api.url}/octo-org/octo-repo/issues/12"},
    )
    assert linked.status_code == 202 and linked.json()["state"] == LinkState.LINKED
    assert TrackerLink.objects.get().remote_id == "12"
    assert ApiClient(charlie).post(f"/action-items/{item.pk}/tracker-issue", {}).status_code == 404
