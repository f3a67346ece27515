"""A team's tracker page, the sync log, and an item's issue panel: who may do what, and that
bad input gets a form error, never a 500."""

from __future__ import annotations

from typing import Any

import pytest

from hansei.conftest import person
from hansei.integrations.trackers.models import LinkState, TrackerConfig, TrackerLink

pytestmark = pytest.mark.django_db

FORM = {
    "kind": "github",
    "base_url": "https://api.github.com",
    "token_variable": "HANSEI_TRACKER_GITHUB_TOKEN",
    "project": "octo-org/octo-repo",
    "account": "",
    "issue_type": "",
    "p0": "priority: P0",
    "p1": "",
    "p2": "",
    "p3": "",
    "labels": "postmortem, follow-up",
    "done_states": "closed",
    "wont_do_states": "not_planned, duplicate",
    "auto_create": "manual",
    "webhook_secret": "",
    "is_active": "on",
}


def signed_in(client: Any, user: Any) -> Any:
    client.force_login(user)
    return client


def test_an_admin_sets_up_a_team_tracker(client, ada, payments):
    signed_in(client, ada)
    page = client.get("/trackers/")
    assert page.status_code == 200 and b"Payments" in page.content
    answer = client.post(f"/trackers/teams/{payments.slug}/", FORM)
    assert answer.status_code == 302
    config = TrackerConfig.objects.get(team=payments)
    assert config.labels == ["postmortem", "follow-up"]
    assert config.priority_mapping == {"P0": "priority: P0"}
    assert config.wont_do_states == ["not_planned", "duplicate"]
    page = client.get(f"/trackers/teams/{payments.slug}/")
    assert f"/hooks/trackers/github/{config.webhook_token}/".encode() in page.content
    assert config.webhook_secret.encode() in page.content


def test_a_lead_changes_the_mapping_but_not_the_connection(client, alice, ada, payments):
    signed_in(client, ada)
    client.post(f"/trackers/teams/{payments.slug}/", FORM)
    client.logout()
    signed_in(client, alice)  # lead of payments
    changed = {**FORM, "labels": "incident", "base_url": "https://attacker.example"}
    answer = client.post(f"/trackers/teams/{payments.slug}/", changed)
    assert answer.status_code == 302  # the disabled field keeps its value
    config = TrackerConfig.objects.get(team=payments)
    assert config.labels == ["incident"]
    assert config.base_url == "https://api.github.com"


def test_a_lead_cannot_set_up_the_connection_for_a_new_tracker(client, alice, payments):
    signed_in(client, alice)
    answer = client.post(f"/trackers/teams/{payments.slug}/", FORM)
    assert answer.status_code == 403
    assert not TrackerConfig.objects.exists()


def test_members_and_other_leads_are_refused(client, bob, payments, search_team):
    signed_in(client, bob)
    assert client.get("/trackers/").status_code == 403
    assert client.get(f"/trackers/teams/{payments.slug}/").status_code == 403
    other = person("olga", "member", search_team, lead=True)
    client.logout()
    signed_in(client, other)
    assert client.get(f"/trackers/teams/{payments.slug}/").status_code == 403
    assert client.get(f"/trackers/teams/{search_team.slug}/").status_code == 200


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("token_variable", "HANSEI_SECRET_KEY"),
        ("token_variable", "DATABASE_URL"),
        ("token_variable", "HANSEI_TRACKER_x y"),
        ("base_url", "ftp://example.com"),
        ("base_url", "not a url"),
        ("project", "   "),
        ("done_states", ""),
        ("kind", "bugzilla"),
        ("labels", ",".join(["x"] * 60)),
        ("labels", "a" * 101),
        ("p0", "x" * 101),
        ("auto_create", "always"),
        ("project", "OPS%00"),
    ],
)
def test_bad_settings_get_a_form_error(client, ada, payments, field, value):
    from urllib.parse import urlencode

    signed_in(client, ada)
    body = urlencode({**FORM, field: "@"}).replace("%40", value)
    answer = client.post(
        f"/trackers/teams/{payments.slug}/", body, content_type="application/x-www-form-urlencoded"
    )
    assert answer.status_code == 400, answer.content[:300]
    assert not TrackerConfig.objects.exists()


def test_a_lone_surrogate_never_reaches_the_database(client, ada, payments):
    from urllib.parse import urlencode

    signed_in(client, ada)
    body = urlencode({**FORM, "project": "@"}).replace("%40", "%ED%A0%80")
    form = "application/x-www-form-urlencoded"
    answer = client.post(f"/trackers/teams/{payments.slug}/", body, content_type=form)
    assert answer.status_code in (302, 400)
    for config in TrackerConfig.objects.all():
        config.project.encode("utf-8")  # storable text: the bytes were read as U+FFFD


def test_jira_cloud_needs_the_account(client, ada, payments):
    signed_in(client, ada)
    jira = {
        **FORM,
        "kind": "jira_cloud",
        "base_url": "https://acme.atlassian.net",
        "project": "OPS",
    }
    assert client.post(f"/trackers/teams/{payments.slug}/", jira).status_code == 400
    jira["account"] = "bot@acme.example"
    assert client.post(f"/trackers/teams/{payments.slug}/", jira).status_code == 302


def test_the_item_page_offers_to_create_or_link_and_shows_the_issue(
    client, alice, item, configure, fake_api
):
    signed_in(client, alice)
    page = client.get(f"/actions/{item.pk}/edit/")
    assert b"Create issue in" not in page.content  # no tracker yet
    configure("github", fake_api.url, project="octo-org/octo-repo")
    page = client.get(f"/actions/{item.pk}/edit/")
    assert b"Create issue in GitHub Issues" in page.content
    answer = client.post(f"/trackers/items/{item.pk}/create/")
    assert answer.status_code == 302 and answer["Location"].endswith("#tracker")
    assert TrackerLink.objects.get(item=item).state == LinkState.CREATING
    page = client.get(f"/actions/{item.pk}/edit/")
    assert b"Creating the issue in GitHub Issues" in page.content
    # A second click says why it does nothing.
    client.post(f"/trackers/items/{item.pk}/create/")
    page = client.get(f"/actions/{item.pk}/edit/")
    assert b"already has a tracker issue" in page.content


def test_linking_a_wrong_address_says_so(client, alice, item, configure, fake_api):
    configure("github", fake_api.url, project="octo-org/octo-repo")
    signed_in(client, alice)
    for body in ["url=https://example.com/x", "url=", "url=" + "x" * 600, "url=%ED%A0%80", ""]:
        form = "application/x-www-form-urlencoded"
        client.post(f"/trackers/items/{item.pk}/link/", body, content_type=form)
        assert not TrackerLink.objects.filter(item=item).exists()
    page = client.get(f"/actions/{item.pk}/edit/")
    assert b"Paste the address of an issue of octo-org/octo-repo" in page.content


def test_people_who_cannot_update_the_item_cannot_touch_its_issue(
    client, charlie, item, configure, fake_api
):
    configure("github", fake_api.url, project="octo-org/octo-repo")
    signed_in(client, charlie)  # another team: cannot see the draft's item
    for action in ("create", "link", "unlink"):
        answer = client.post(f"/trackers/items/{item.pk}/{action}/", {"url": "x"})
        assert answer.status_code == 404
    assert not TrackerLink.objects.exists()


def test_the_sync_log_is_shown_to_the_team_lead(
    client, alice, ada, payments, configure, fake_api, hook
):
    config = configure("github", fake_api.url, project="octo-org/octo-repo")
    hook(config, b"{}", {"X-Hub-Signature-256": "sha256=wrong"})
    signed_in(client, alice)
    page = client.get(f"/trackers/teams/{payments.slug}/")
    assert b"Bad signature or token." in page.content
