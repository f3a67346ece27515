"""Jira Cloud and Jira Data Center, both ways, against a local server speaking their REST
APIs (v3 and v2) and webhooks built from Atlassian's documented examples. Most tests run
once for each."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from hansei.action_items.services import ActionItemInput, update_action_item
from hansei.core.models import Job
from hansei.integrations.jira.client import adf_document
from hansei.integrations.jira.tests.fake import (
    ACCOUNT,
    CLOUD,
    PROJECT,
    SERVER,
    FakeJira,
    load,
    resolution,
    status,
)
from hansei.integrations.trackers.models import LinkState, TrackerEvent, TrackerLink
from hansei.integrations.trackers.registry import tracker_for
from hansei.integrations.trackers.services import link_issue, request_issue

pytestmark = pytest.mark.django_db

TITLE = "Add a circuit breaker to the card gateway client"


@pytest.fixture(params=[CLOUD, SERVER])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def jira(fake_api: Any, kind: str) -> FakeJira:
    return FakeJira(fake_api, kind)


@pytest.fixture
def config(configure: Callable[..., Any], fake_api: Any, kind: str) -> Any:
    return configure(
        kind,
        fake_api.url,
        project=PROJECT,
        account=ACCOUNT,
        issue_type="Task",
        labels=["postmortem", "from hansei"],
    )


def signed(
    config: Any, payload: Any, *, delivery: str = "", sign: bool = True
) -> tuple[bytes, dict[str, str]]:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = {
        "X-Atlassian-Webhook-Identifier": delivery or hashlib.sha256(body).hexdigest()[:12],
        "X-Atlassian-Webhook-Flow": "Primary",
    }
    if sign:
        digest = hmac.new(config.webhook_secret.encode(), body, hashlib.sha256).hexdigest()
        headers["X-Hub-Signature"] = f"sha256={digest}"
    return body, headers


def event(name: str, key: str = "PROJ-42", **fields: Any) -> dict[str, Any]:
    payload = load(name)
    payload["issue"]["key"] = key
    payload["issue"]["fields"].update(fields)
    return payload


def created(item: Any, alice: Any, run_jobs: Callable[[], int]) -> TrackerLink:
    request_issue(actor=alice, item=item)
    run_jobs()
    return TrackerLink.objects.get(item=item)


def change(item: Any, alice: Any, **values: Any) -> None:
    data = {"title": item.title, "owner": alice, "priority": "P1", "due_date": item.due_date}
    update_action_item(actor=alice, item=item, data=ActionItemInput(**{**data, **values}))


def texts(node: Any) -> list[dict[str, Any]]:
    """Every text node of an ADF document."""
    if node.get("type") == "text":
        return [node]
    return [found for child in node.get("content", []) for found in texts(child)]


# --- to Jira ---------------------------------------------------------------------------------


def test_an_item_becomes_an_issue_in_one_click(config, jira, fake_api, item, alice, run_jobs, kind):
    link = request_issue(actor=alice, item=item)
    assert link.state == LinkState.CREATING
    run_jobs()
    [sent] = fake_api.made("POST")
    assert sent.path == f"/rest/api/{jira.version}/issue"
    auth = sent.headers["Authorization"]
    assert auth.startswith("Basic ") if kind == CLOUD else auth == "Bearer tracker-token-for-tests"
    fields = sent.json["fields"]
    assert fields["project"] == {"key": "PROJ"}
    assert fields["issuetype"] == {"name": "Task"}
    assert fields["summary"] == TITLE
    assert fields["labels"] == ["postmortem", "from-hansei"]
    assert fields["priority"] == {"name": "High"}
    assert fields["duedate"] == item.due_date.isoformat()
    backlink = f"/postmortems/{item.postmortem_id}/"
    if kind == CLOUD:
        assert fields["description"]["type"] == "doc"
        links = [n for n in texts(fields["description"]) if n.get("marks")]
        assert any(backlink in n["marks"][0]["attrs"]["href"] for n in links)
    else:
        assert backlink in fields["description"]
    # The create answer only names the issue: it is read back.
    [read] = fake_api.made("GET")
    assert read.path == f"/rest/api/{jira.version}/issue/PROJ-42"
    assert "summary" in read.query and "updated" in read.query
    link.refresh_from_db()
    item.refresh_from_db()
    assert (link.state, link.key, link.remote_id) == (LinkState.LINKED, "PROJ-42", "PROJ-42")
    assert link.remote_state == "To Do"
    assert item.tracking_url == f"{fake_api.url}/browse/PROJ-42"
    assert TrackerEvent.objects.filter(action="create", outcome="accepted", item=item).exists()


def test_a_failed_read_after_creating_still_links_the_one_issue(
    config, jira, fake_api, item, alice, run_jobs
):
    jira.reads_down = 1
    link = created(item, alice, run_jobs)
    assert (link.state, link.remote_id) == (LinkState.LINKED, "PROJ-42")
    run_jobs()
    assert len(fake_api.made("POST")) == 1 and len(jira.issues) == 1


def test_a_change_in_hansei_goes_to_jira_by_a_transition(config, jira, item, alice, run_jobs):
    created(item, alice, run_jobs)
    change(item, alice, title="Breaker on the card gateway", status="done")
    run_jobs()
    [put] = jira.api.made("PUT")
    assert put.path.endswith("/issue/PROJ-42")
    assert put.json == {"fields": {"summary": "Breaker on the card gateway"}}
    # Done by the target's category: "Close Issue" leads to In Progress, "QA Review" to Closed.
    [moved] = jira.api.made("POST", f"/rest/api/{jira.version}/issue/PROJ-42/transitions")
    assert moved.json == {"transition": {"id": "711"}}
    assert jira.issues["PROJ-42"]["fields"]["status"]["name"] == "Closed"
    link = TrackerLink.objects.get(item=item)
    assert (link.synced["status"], link.remote_state) == ("done", "Closed")
    run_jobs()
    assert len(jira.api.made("PUT")) == 1  # sent once


def test_a_configured_state_is_preferred_to_any_of_its_category(
    config, jira, item, alice, run_jobs
):
    created(item, alice, run_jobs)
    jira.add_transition("41", "Drop it", to="Won't Do")
    change(item, alice, status="wont_do", wont_do_reason="The gateway is being replaced.")
    run_jobs()
    [moved] = jira.api.made("POST", f"/rest/api/{jira.version}/issue/PROJ-42/transitions")
    assert moved.json == {"transition": {"id": "41"}}
    issue = jira.issues["PROJ-42"]["fields"]
    assert (issue["status"]["name"], issue["resolution"]["name"]) == ("Won't Do", "Won't Do")
    assert TrackerLink.objects.get(item=item).remote_state == "Won't Do"


def test_due_dates_are_set_and_cleared_in_jira(config, jira, item, alice, run_jobs):
    created(item, alice, run_jobs)
    later = timezone.localdate() + timedelta(days=40)
    change(item, alice, due_date=later)
    run_jobs()
    change(item, alice, due_date=None)
    run_jobs()
    assert [put.json for put in jira.api.made("PUT")] == [
        {"fields": {"duedate": later.isoformat()}},
        {"fields": {"duedate": None}},
    ]
    assert jira.issues["PROJ-42"]["fields"]["duedate"] is None
    assert not jira.api.made("POST", f"/rest/api/{jira.version}/issue/PROJ-42/transitions")


def test_a_status_no_transition_leads_to_is_shown_and_not_retried(
    config, jira, item, alice, run_jobs
):
    created(item, alice, run_jobs)
    jira.transitions = [t for t in jira.transitions if t["to"]["name"] != "Closed"]
    change(item, alice, status="done")
    run_jobs()
    job = Job.objects.get(kind="trackers.push")
    assert job.failed
    link = TrackerLink.objects.get(item=item)
    assert "no transition of PROJ-42" in link.last_error
    assert TrackerEvent.objects.filter(action="update", outcome="gave_up").exists()
    assert jira.issues["PROJ-42"]["fields"]["status"]["name"] == "To Do"


def test_an_issue_already_in_the_wanted_state_is_not_moved(config, jira, item, alice, run_jobs):
    created(item, alice, run_jobs)
    jira.issues["PROJ-42"]["fields"]["status"] = status("Done", api=jira.api_url)
    change(item, alice, status="done")
    run_jobs()
    assert not jira.api.made("GET", f"/rest/api/{jira.version}/issue/PROJ-42/transitions")
    assert TrackerLink.objects.get(item=item).synced["status"] == "done"


def test_a_refused_token_is_not_retried(
    config, jira, item, alice, run_jobs, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("HANSEI_TRACKER_TEST_TOKEN", "a-revoked-token")
    link = created(item, alice, run_jobs)
    assert link.state == LinkState.FAILED and "401" in link.last_error
    assert not jira.issues


def test_a_tracker_that_is_down_delays_the_issue_and_never_loses_it(
    config, jira, fake_api, item, alice, run_jobs
):
    fake_api.stop()
    link = created(item, alice, run_jobs)
    assert link.state == LinkState.CREATING
    assert "could not connect" in link.last_error
    assert TrackerEvent.objects.filter(outcome="failed", action="create").count() == 1
    config.refresh_from_db()
    assert config.is_failing
    fake_api.start()
    Job.objects.filter(kind="trackers.create").update(run_after=timezone.now())
    run_jobs()
    link.refresh_from_db()
    assert (link.state, link.last_error) == (LinkState.LINKED, "")
    run_jobs()
    assert len(fake_api.made("POST")) == 1 and len(jira.issues) == 1
    config.refresh_from_db()
    assert not config.is_failing


# --- from Jira -------------------------------------------------------------------------------


def test_done_in_jira_closes_the_item_with_its_title_and_due_date(
    config, jira, item, alice, run_jobs, hook
):
    created(item, alice, run_jobs)
    due = timezone.localdate() + timedelta(days=60)
    payload = event("issue_updated.json", duedate=due.isoformat())
    body, headers = signed(config, payload)
    answer = hook(config, body, headers)
    assert answer.status_code == 200, answer.json()
    item.refresh_from_db()
    assert (item.status, item.title, item.due_date) == ("done", "I feel the need for speed", due)
    assert item.completed_at is not None
    assert TrackerLink.objects.get(item=item).remote_state == "Done"
    # Nothing goes back to Jira: the change came from there.
    run_jobs()
    assert not jira.api.made("PUT") and len(jira.api.made("POST")) == 1


@pytest.mark.parametrize(
    ("status_name", "resolution_name"), [("Won't Do", "Won't Do"), ("Done", "Won't Do")]
)
def test_wont_do_in_jira_is_wont_do_with_a_reason(
    config, jira, item, alice, run_jobs, hook, status_name, resolution_name
):
    created(item, alice, run_jobs)
    payload = event(
        "issue_updated.json", status=status(status_name), resolution=resolution(resolution_name)
    )
    assert hook(config, *signed(config, payload)).status_code == 200
    item.refresh_from_db()
    assert item.status == "wont_do"
    assert "Jira" in item.wont_do_reason
    assert TrackerLink.objects.get(item=item).remote_state == "Won't Do"


def test_in_progress_in_jira_starts_the_item(config, jira, item, alice, run_jobs, hook):
    created(item, alice, run_jobs)
    payload = event("issue_updated.json", status=status("In Progress"), resolution=None)
    assert hook(config, *signed(config, payload)).status_code == 200
    item.refresh_from_db()
    assert item.status == "in_progress"


def test_the_same_delivery_twice_is_a_duplicate(config, jira, item, alice, run_jobs, hook):
    created(item, alice, run_jobs)
    payload = event("issue_updated.json")
    assert hook(config, *signed(config, payload, delivery="wh-1")).status_code == 200
    # Jira's retry carries the same identifier (and may differ in its body).
    payload["timestamp"] += 60_000
    again = hook(config, *signed(config, payload, delivery="wh-1"))
    assert (again.status_code, again.json()["outcome"]) == (200, "duplicate")
    assert TrackerEvent.objects.filter(direction="in", outcome="accepted").count() == 1


def test_an_issue_deleted_in_jira_is_shown_on_its_link(config, jira, item, alice, run_jobs, hook):
    created(item, alice, run_jobs)
    payload = event("issue_updated.json")
    payload["webhookEvent"] = "jira:issue_deleted"
    del payload["changelog"]
    assert hook(config, *signed(config, payload)).status_code == 200
    link = TrackerLink.objects.get(item=item)
    assert link.remote_state == "deleted" and "deleted" in link.last_error
    item.refresh_from_db()
    assert item.status == "open"


def test_a_wrong_signature_is_refused_logged_and_changes_nothing(
    config, jira, item, alice, run_jobs, hook
):
    created(item, alice, run_jobs)
    for wrong in ("sha256=" + "0" * 64, "sha1=" + "0" * 40, "", "sha256"):
        body, headers = signed(config, event("issue_updated.json"))
        headers["X-Hub-Signature"] = wrong
        assert hook(config, body, headers).status_code == 401
    item.refresh_from_db()
    assert (item.status, item.title) == ("open", TITLE)
    logs = TrackerEvent.objects.filter(direction="in")
    assert {(log.outcome, log.status_code) for log in logs} == {("rejected", 401)}
    assert all(config.webhook_secret not in log.body_excerpt for log in logs)


def test_an_unsigned_delivery_is_refused_by_cloud_and_taken_from_data_center(
    config, jira, item, alice, run_jobs, hook, kind
):
    created(item, alice, run_jobs)
    answer = hook(config, *signed(config, event("issue_updated.json"), sign=False))
    item.refresh_from_db()
    if kind == CLOUD:
        assert answer.status_code == 401 and item.status == "open"
    else:
        assert answer.status_code == 200 and item.status == "done"


def test_a_webhook_touches_only_issues_of_its_own_project(
    config, jira, item, alice, run_jobs, hook
):
    created(item, alice, run_jobs)
    other = event("issue_updated.json", key="OTHER-42")
    other["issue"]["fields"]["project"]["key"] = "OTHER"
    unlinked = event("issue_updated.json", key="PROJ-99")
    comment = {"webhookEvent": "comment_created", "comment": {"id": "1"}}
    for payload in (other, unlinked, comment):
        answer = hook(config, *signed(config, payload))
        assert (answer.status_code, answer.json()["outcome"]) == (202, "ignored")
    # Signed with the secret, but sent to a URL no configuration has.
    body, headers = signed(config, event("issue_updated.json"))
    assert hook(config, body, headers, token="no-such-token").status_code == 404
    item.refresh_from_db()
    assert item.status == "open"


def issue_event(**issue: Any) -> bytes:
    return json.dumps({"webhookEvent": "jira:issue_updated", "issue": issue}).encode()


GOOD_FIELDS = {"summary": "Breaker", "status": status("Done"), "project": {"key": "PROJ"}}


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b"null",
        json.dumps({"webhookEvent": 7}).encode(),
        json.dumps({"webhookEvent": "jira:issue_updated", "issue": []}).encode(),
        issue_event(key="PROJ-42", fields=[]),
        issue_event(key=42, fields=GOOD_FIELDS),
        issue_event(key="not a key", fields=GOOD_FIELDS),
        issue_event(key="PROJ-42", fields={**GOOD_FIELDS, "summary": 7}),
        issue_event(key="PROJ-42", fields={**GOOD_FIELDS, "status": "Done"}),
        issue_event(key="PROJ-42", fields={"summary": "Breaker", "project": {"key": "PROJ"}}),
        issue_event(key="PROJ-42", fields={**GOOD_FIELDS, "duedate": "next week"}),
        issue_event(key="PROJ-42", fields={**GOOD_FIELDS, "updated": "yesterday"}),
        json.dumps({"a": "\ud800"}).encode(),
        b'{"a":' * 5000 + b"1" + b"}" * 5000,
    ],
)
def test_bad_payloads_get_a_4xx_are_logged_and_change_nothing(
    config, jira, item, alice, run_jobs, hook, body
):
    created(item, alice, run_jobs)
    answer = hook(config, *signed(config, body))
    assert 400 <= answer.status_code < 500, answer.content
    item.refresh_from_db()
    assert (item.status, item.title) == ("open", TITLE)
    assert TrackerEvent.objects.filter(direction="in", outcome="rejected").count() == 1


# --- linking by URL --------------------------------------------------------------------------


def test_link_an_existing_issue_by_its_url(config, jira, fake_api, item, alice, run_jobs):
    jira.add(42, summary="Breaker", status=status("Done"), resolution=resolution("Done"))
    for wrong in (
        "https://evil.example/browse/PROJ-42",
        f"{fake_api.url}/browse/OTHER-42",
        f"{fake_api.url}/projects/PROJ/issues/PROJ-42",
    ):
        with pytest.raises(ValidationError):
            link_issue(actor=alice, item=item, url=wrong)
    link = link_issue(actor=alice, item=item, url=f"{fake_api.url}/browse/proj-42")
    assert link.remote_id == "PROJ-42"
    run_jobs()
    item.refresh_from_db()
    # The issue was there first: its state and title are taken.
    assert (item.status, item.title) == ("done", "Breaker")
    link.refresh_from_db()
    assert (link.key, link.remote_state) == ("PROJ-42", "Done")


def test_issue_urls_of_the_site_and_project_only(config):
    ref = tracker_for(config.kind).ref_from_url
    config.base_url = "https://your-domain.atlassian.net"
    assert ref(config, "https://your-domain.atlassian.net/browse/PROJ-42") == "PROJ-42"
    assert ref(config, "https://your-domain.atlassian.net/browse/proj-42/?x=1") == "PROJ-42"
    assert ref(config, "https://your-domain.atlassian.net/browse/PROJ") is None
    assert ref(config, "https://your-domain.atlassian.net/browse/OPS-42") is None
    assert ref(config, "https://evil.example/browse/PROJ-42") is None
    assert ref(config, "javascript://your-domain.atlassian.net/browse/PROJ-42") is None
    assert ref(config, "http://[broken/browse/PROJ-42") is None
    # A Data Center under a path serves its pages there.
    config.base_url = "https://intranet.example.com/jira"
    assert ref(config, "https://intranet.example.com/jira/browse/PROJ-7") == "PROJ-7"
    assert ref(config, "https://intranet.example.com/browse/PROJ-7") is None


def test_descriptions_keep_paragraphs_lists_and_links():
    document = adf_document("First line.\nSecond line.\n\n- One\n- Two\n\nSee https://x.example/a.")
    assert document["type"] == "doc" and document["version"] == 1
    first, bullets, last = document["content"]
    assert [node["type"] for node in first["content"]] == ["text", "hardBreak", "text"]
    assert len(bullets["content"]) == 2 and bullets["type"] == "bulletList"
    assert last["content"][1] == {
        "type": "text",
        "text": "https://x.example/a",
        "marks": [{"type": "link", "attrs": {"href": "https://x.example/a"}}],
    }
    assert last["content"][2]["text"] == "."
