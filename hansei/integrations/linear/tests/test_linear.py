"""Linear, both ways, against a local server speaking Linear's GraphQL API and webhooks built
from the payloads in ``payloads/`` (see its README for where each shape comes from)."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from hansei.action_items.services import ActionItemInput, update_action_item
from hansei.core.models import Job
from hansei.integrations.linear.client import Linear
from hansei.integrations.linear.tests.fake import TEAM, FakeLinear, load
from hansei.integrations.trackers.models import LinkState, TrackerEvent, TrackerLink
from hansei.integrations.trackers.services import link_issue, request_issue

pytestmark = pytest.mark.django_db

KEY = "ENG-123"  # the first issue the stand-in creates
ITEM_TITLE = "Add a circuit breaker to the card gateway client"


@pytest.fixture
def linear(fake_api: Any) -> FakeLinear:
    return FakeLinear(fake_api)


@pytest.fixture
def config(configure: Callable[..., Any], fake_api: Any) -> Any:
    return configure("linear", fake_api.url, project="ENG")


def now_ms() -> int:
    return int(time.time() * 1000)


def signed(config: Any, payload: Any, *, delivery: bool = True) -> tuple[bytes, dict[str, str]]:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    digest = hmac.new(config.webhook_secret.encode(), body, hashlib.sha256).hexdigest()
    headers = {"Linear-Signature": digest, "Linear-Event": "Issue"}
    if delivery:
        headers["Linear-Delivery"] = str(uuid.uuid4())
    return body, headers


def event(linear: FakeLinear, name: str, key: str = KEY, **changes: Any) -> dict[str, Any]:
    """A delivery of ``name`` (a payload file) about ``key`` as the stand-in has it after
    ``changes`` made in Linear, sent just now."""
    issue = linear.issues[key]
    issue.update(changes)
    payload = copy.deepcopy(load(name))
    payload["data"].update(
        {
            field: copy.deepcopy(issue[field])
            for field in ("id", "identifier", "url", "title", "dueDate", "state", "assignee")
        },
        stateId=issue["state"]["id"],
        updatedAt=issue["updatedAt"],
        team={**TEAM, "name": "Engineering"},
    )
    payload["url"] = issue["url"]
    payload["webhookTimestamp"] = now_ms()
    return payload


def created(item: Any, alice: Any, run_jobs: Callable[[], int]) -> TrackerLink:
    request_issue(actor=alice, item=item)
    run_jobs()
    return TrackerLink.objects.get(item=item)


def change(item: Any, alice: Any, **fields: Any) -> None:
    values = {
        "title": item.title,
        "owner": alice,
        "priority": item.priority,
        "due_date": item.due_date,
        **fields,
    }
    update_action_item(actor=alice, item=item, data=ActionItemInput(**values))


# --- to Linear ---------------------------------------------------------------------------


def test_an_item_becomes_an_issue_in_one_click(config, linear, fake_api, item, alice, run_jobs):
    link = request_issue(actor=alice, item=item)
    assert link.state == LinkState.CREATING
    run_jobs()
    assert linear.calls("teams") == [{"key": "ENG"}]
    [sent] = linear.calls("issueCreate")
    fields = sent["input"]
    assert fields["teamId"] == TEAM["id"]
    assert fields["title"] == item.title
    assert f"/postmortems/{item.postmortem_id}/" in fields["description"]
    assert fields["priority"] == 2  # P1 → High
    assert fields["dueDate"] == item.due_date.isoformat()
    assert {r.headers["Authorization"] for r in fake_api.requests} == {"tracker-token-for-tests"}
    link.refresh_from_db()
    item.refresh_from_db()
    assert (link.state, link.key, link.remote_id) == (LinkState.LINKED, KEY, KEY)
    assert link.remote_state == "Todo"
    assert item.tracking_url == f"https://linear.app/acme/issue/{KEY}/an-issue"
    assert TrackerEvent.objects.filter(action="create", outcome="accepted", item=item).exists()


def test_an_oauth_token_is_sent_as_a_bearer_token(
    config, fake_api, item, alice, run_jobs, monkeypatch
):
    monkeypatch.setenv("HANSEI_TRACKER_TEST_TOKEN", "lin_oauth_0123abcd")
    linear = FakeLinear(fake_api, authorization="Bearer lin_oauth_0123abcd")
    assert created(item, alice, run_jobs).state == LinkState.LINKED
    assert list(linear.issues) == [KEY]


def test_a_team_key_linear_does_not_know_fails_and_says_so(
    configure, fake_api, linear, item, alice, run_jobs
):
    configure("linear", fake_api.url, project="NOPE")
    link = created(item, alice, run_jobs)
    assert link.state == LinkState.FAILED
    assert "no team with the key NOPE" in link.last_error
    assert not linear.issues


def test_the_team_key_is_matched_whatever_its_case(
    configure, fake_api, linear, item, alice, run_jobs, hook
):
    config = configure("linear", fake_api.url, project="eng")
    assert created(item, alice, run_jobs).remote_id == KEY
    payload = event(linear, "issue_update.json", state=linear.state("Done"))
    assert hook(config, *signed(config, payload)).status_code == 200
    item.refresh_from_db()
    assert item.status == "done"


@pytest.mark.parametrize(
    ("status", "state"),
    [("done", "Done"), ("wont_do", "Canceled"), ("in_progress", "In Progress")],
)
def test_a_change_in_hansei_goes_to_linear(config, linear, item, alice, run_jobs, status, state):
    created(item, alice, run_jobs)
    later = item.due_date + timedelta(days=7)
    change(
        item,
        alice,
        title="Breaker on the card gateway",
        due_date=later,
        status=status,
        wont_do_reason="Replaced by the new gateway." if status == "wont_do" else "",
    )
    run_jobs()
    assert linear.calls("workflowStates") == [{"key": "ENG"}]
    [update] = linear.calls("issueUpdate")
    assert update == {
        "id": KEY,
        "input": {
            "title": "Breaker on the card gateway",
            "dueDate": later.isoformat(),
            "stateId": linear.state(state)["id"],
        },
    }
    assert linear.issues[KEY]["state"]["name"] == state
    link = TrackerLink.objects.get(item=item)
    assert (link.synced["status"], link.remote_state) == (status, state)
    run_jobs()
    assert len(linear.calls("issueUpdate")) == 1  # sent once


def test_reopening_moves_the_issue_to_the_first_unstarted_state(
    config, linear, item, alice, run_jobs
):
    created(item, alice, run_jobs)
    change(item, alice, status="done")
    run_jobs()
    change(item, alice, status="open")
    run_jobs()
    assert [u["input"] for u in linear.calls("issueUpdate")] == [
        {"stateId": linear.state("Done")["id"]},
        {"stateId": linear.state("Todo")["id"]},  # not Triage or Backlog
    ]


def test_the_configured_done_state_comes_first(configure, fake_api, linear, item, alice, run_jobs):
    configure("linear", fake_api.url, project="ENG", done_states=["Released", "Done"])
    created(item, alice, run_jobs)
    change(item, alice, status="done")
    run_jobs()
    [update] = linear.calls("issueUpdate")
    assert update["input"] == {"stateId": linear.state("Released")["id"]}


def test_a_cleared_due_date_is_cleared_in_linear(config, linear, item, alice, run_jobs):
    created(item, alice, run_jobs)
    change(item, alice, due_date=None)
    run_jobs()
    [update] = linear.calls("issueUpdate")
    assert update == {"id": KEY, "input": {"dueDate": None}}
    assert linear.issues[KEY]["dueDate"] is None


# --- from Linear -------------------------------------------------------------------------


def test_completing_the_issue_completes_the_item(config, linear, item, alice, run_jobs, hook):
    created(item, alice, run_jobs)
    payload = event(linear, "issue_update.json", state=linear.state("Done"))
    body, headers = signed(config, payload)
    answer = hook(config, body, headers)
    assert answer.status_code == 200, answer.json()
    item.refresh_from_db()
    assert item.status == "done" and item.completed_at is not None
    # The same delivery again changes nothing and says so.
    again = hook(config, body, headers)
    assert again.json()["outcome"] == "duplicate"
    assert TrackerEvent.objects.filter(direction="in", outcome="accepted").count() == 1
    # Nothing goes back to Linear: the change came from there.
    run_jobs()
    assert not linear.calls("issueUpdate")


@pytest.mark.parametrize("state", ["Canceled", "Duplicate"])
def test_a_canceled_or_duplicate_issue_is_wont_do_with_a_reason(
    config, linear, item, alice, run_jobs, hook, state
):
    created(item, alice, run_jobs)
    payload = event(linear, "issue_update.json", state=linear.state(state))
    assert hook(config, *signed(config, payload)).status_code == 200
    item.refresh_from_db()
    assert item.status == "wont_do"
    assert "Linear" in item.wont_do_reason


def test_a_started_issue_is_in_progress(config, linear, item, alice, run_jobs, hook):
    created(item, alice, run_jobs)
    payload = event(linear, "issue_update.json", state=linear.state("In Review"))
    assert hook(config, *signed(config, payload)).status_code == 200
    item.refresh_from_db()
    assert item.status == "in_progress"


def test_title_due_date_and_assignee_edited_in_linear_come_back(
    config, linear, item, alice, bob, run_jobs, hook
):
    created(item, alice, run_jobs)
    due = (timezone.localdate() + timedelta(days=45)).isoformat()
    bob_in_linear = {"id": "2e6eea91", "name": "Bob Example", "email": bob.email}
    payload = event(
        linear,
        "issue_update.json",
        title="Circuit breaker for the gateway",
        dueDate=due,
        assignee=bob_in_linear,
    )
    answer = hook(config, *signed(config, payload))
    assert answer.status_code == 200, answer.json()
    item.refresh_from_db()
    assert item.title == "Circuit breaker for the gateway"
    assert item.due_date.isoformat() == due
    assert item.owner == bob
    assert item.status == "open"
    # A due date removed in Linear is removed in Hansei.
    cleared = event(linear, "issue_update.json", dueDate=None)
    assert hook(config, *signed(config, cleared)).status_code == 200
    item.refresh_from_db()
    assert item.due_date is None
    run_jobs()
    assert not linear.calls("issueUpdate")


def test_a_webhook_without_a_delivery_id_is_still_handled_once(
    config, linear, item, alice, run_jobs, hook
):
    created(item, alice, run_jobs)
    payload = event(linear, "issue_update.json", state=linear.state("Done"))
    assert hook(config, *signed(config, payload, delivery=False)).status_code == 200
    # Linear sends it again a little later: a new webhookTimestamp, the same event.
    payload["webhookTimestamp"] = now_ms() + 1000
    again = hook(config, *signed(config, payload, delivery=False))
    assert again.json()["outcome"] == "duplicate"


def test_a_removed_issue_is_shown_and_leaves_the_item_as_it_is(
    config, linear, item, alice, run_jobs, hook
):
    created(item, alice, run_jobs)
    payload = event(linear, "issue_remove.json", state=linear.state("Done"))
    assert hook(config, *signed(config, payload)).status_code == 200
    link = TrackerLink.objects.get(item=item)
    assert link.remote_state == "deleted" and "deleted" in link.last_error
    item.refresh_from_db()
    assert item.status == "open"


def test_a_wrong_signature_is_refused_logged_and_changes_nothing(
    config, linear, item, alice, run_jobs, hook
):
    created(item, alice, run_jobs)
    body, headers = signed(config, event(linear, "issue_update.json", state=linear.state("Done")))
    headers["Linear-Signature"] = "0" * 64
    answer = hook(config, body, headers)
    assert answer.status_code == 401
    del headers["Linear-Signature"]
    assert hook(config, body, headers).status_code == 401
    item.refresh_from_db()
    assert item.status == "open"
    logs = TrackerEvent.objects.filter(direction="in")
    assert [(e.outcome, e.status_code) for e in logs] == [("rejected", 401)] * 2
    assert all(config.webhook_secret not in e.body_excerpt for e in logs)


@pytest.mark.parametrize("away", [-120, 120, None])
def test_a_stale_or_undated_delivery_is_refused(config, linear, item, alice, run_jobs, hook, away):
    created(item, alice, run_jobs)
    payload = event(linear, "issue_update.json", state=linear.state("Done"))
    if away is None:
        del payload["webhookTimestamp"]
    else:
        payload["webhookTimestamp"] = now_ms() + away * 1000
    answer = hook(config, *signed(config, payload))
    assert answer.status_code == 400
    assert "webhookTimestamp" in answer.json()["detail"]
    item.refresh_from_db()
    assert item.status == "open"
    log = TrackerEvent.objects.get(direction="in")
    assert (log.outcome, log.status_code) == ("rejected", 400)


def test_a_delivery_within_the_minute_is_taken(config, linear, item, alice, run_jobs, hook):
    created(item, alice, run_jobs)
    payload = event(linear, "issue_update.json", state=linear.state("Done"))
    payload["webhookTimestamp"] = now_ms() - 45_000
    assert hook(config, *signed(config, payload)).status_code == 200


def test_a_webhook_touches_only_items_of_its_own_team(config, linear, item, alice, run_jobs, hook):
    created(item, alice, run_jobs)
    # Another team's issue, even with a good signature.
    payload = event(linear, "issue_update.json", state=linear.state("Done"))
    payload["data"].update(identifier="OPS-123", team={"id": "x", "key": "OPS", "name": "Ops"})
    answer = hook(config, *signed(config, payload))
    assert answer.status_code == 202 and answer.json()["outcome"] == "ignored"
    # Without the team object, the identifier says which team.
    del payload["data"]["team"]
    assert hook(config, *signed(config, payload)).json()["outcome"] == "ignored"
    # An issue of the team no item is linked to.
    linear.issues["ENG-999"] = linear.issue(999)
    payload = event(linear, "issue_update.json", "ENG-999", state=linear.state("Done"))
    assert hook(config, *signed(config, payload)).json()["outcome"] == "ignored"
    # Something other than an issue.
    comment = {"type": "Comment", "action": "create", "data": {"id": "c1", "body": "Hi"}}
    answer = hook(config, *signed(config, {**comment, "webhookTimestamp": now_ms()}))
    assert answer.status_code == 202 and answer.json()["outcome"] == "ignored"
    item.refresh_from_db()
    assert item.status == "open"


def issue_body(*, sent: Any = None, **data: Any) -> bytes:
    payload = load("issue_update.json")
    payload["data"].update(data)
    payload["webhookTimestamp"] = now_ms() if sent is None else sent
    return json.dumps(payload).encode()


BAD_BODIES: dict[str, Callable[[], bytes]] = {
    "not JSON": lambda: b"not json",
    "a list": lambda: b"[]",
    "data as a list": lambda: json.dumps(
        {"type": "Issue", "action": "update", "data": [], "webhookTimestamp": now_ms()}
    ).encode(),
    "a number as the title": lambda: issue_body(title=42),
    "an object as the state's name": lambda: issue_body(state={"name": {"x": 1}, "type": "x"}),
    "not an identifier": lambda: issue_body(identifier="ENG123"),
    "a due date that is not one": lambda: issue_body(dueDate="soon"),
    "the time as text": lambda: issue_body(sent=str(now_ms())),
    "a lone surrogate": lambda: issue_body(title="\ud800"),
    "deep nesting": lambda: b'{"a":' * 5000 + b"1" + b"}" * 5000,
}


@pytest.mark.parametrize("make_body", BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_bad_payloads_get_a_4xx_are_logged_and_change_nothing(
    config, linear, item, alice, run_jobs, hook, make_body
):
    created(item, alice, run_jobs)
    answer = hook(config, *signed(config, make_body()))
    assert 400 <= answer.status_code < 500, answer.content
    item.refresh_from_db()
    assert (item.status, item.title) == ("open", ITEM_TITLE)
    assert TrackerEvent.objects.filter(direction="in", outcome="rejected").count() == 1


# --- failures ----------------------------------------------------------------------------


def test_a_graphql_error_is_shown_and_not_retried(config, linear, item, alice, run_jobs):
    linear.errors.append(
        {"message": "Argument Validation Error", "extensions": {"code": "INVALID_INPUT"}}
    )
    link = created(item, alice, run_jobs)
    job = Job.objects.get(kind="trackers.create")
    assert job.failed
    assert link.state == LinkState.FAILED
    assert "Argument Validation Error" in link.last_error
    log = TrackerEvent.objects.get(action="create")
    assert log.outcome == "gave_up" and "INVALID_INPUT" in log.detail
    assert not linear.issues


def test_a_rate_limit_is_retried_later(config, linear, item, alice, run_jobs):
    linear.errors.append({"message": "Rate limit exceeded", "extensions": {"code": "RATELIMITED"}})
    link = created(item, alice, run_jobs)
    job = Job.objects.get(kind="trackers.create")
    assert not job.failed and job.run_after > timezone.now()
    assert link.state == LinkState.CREATING and "Rate limit exceeded" in link.last_error
    assert TrackerEvent.objects.get(action="create").outcome == "failed"
    Job.objects.filter(pk=job.pk).update(run_after=timezone.now())
    run_jobs()
    link.refresh_from_db()
    assert link.state == LinkState.LINKED and link.last_error == ""
    assert list(linear.issues) == [KEY]


def test_linear_that_is_down_delays_the_issue_and_never_loses_it(
    config, linear, fake_api, item, alice, run_jobs
):
    fake_api.stop()
    request_issue(actor=alice, item=item)
    run_jobs()
    link = TrackerLink.objects.get(item=item)
    assert link.state == LinkState.CREATING
    assert "could not connect" in link.last_error
    assert TrackerEvent.objects.filter(outcome="failed", action="create").count() == 1
    config.refresh_from_db()
    assert config.is_failing
    # Back up; the queue tries again when its backoff ends, and the issue is made once.
    fake_api.start()
    Job.objects.filter(kind="trackers.create").update(run_after=timezone.now())
    run_jobs()
    link.refresh_from_db()
    assert link.state == LinkState.LINKED and link.last_error == ""
    assert list(linear.issues) == [KEY]
    run_jobs()
    assert len(linear.calls("issueCreate")) == 1
    config.refresh_from_db()
    assert not config.is_failing


def test_a_missing_token_variable_says_which(config, linear, item, alice, run_jobs, monkeypatch):
    monkeypatch.delenv("HANSEI_TRACKER_TEST_TOKEN")
    link = created(item, alice, run_jobs)
    assert link.state == LinkState.FAILED
    assert "HANSEI_TRACKER_TEST_TOKEN is not set" in link.last_error


# --- linking an issue that exists --------------------------------------------------------


def test_issue_urls_on_linear_app(config):
    config.base_url = "https://api.linear.app"
    ref = Linear().ref_from_url
    assert ref(config, "https://linear.app/acme/issue/ENG-123/checkout-fails") == "ENG-123"
    assert ref(config, "https://linear.app/acme/issue/ENG-123") == "ENG-123"
    assert ref(config, "https://linear.app/acme/issue/eng-123/") == "ENG-123"
    assert ref(config, "https://linear.app/acme/issue/OPS-123/checkout-fails") is None
    assert ref(config, "https://linear.app/acme/issue/ENGX-123") is None
    assert ref(config, "https://linear.app/acme/project/ENG-123") is None
    assert ref(config, "https://evil.example/acme/issue/ENG-123") is None
    assert ref(config, "javascript://linear.app/acme/issue/ENG-123") is None
    config.project = "eng"
    assert ref(config, "https://linear.app/acme/issue/ENG-7/x") == "ENG-7"


def test_link_an_existing_issue_by_its_url(config, linear, fake_api, item, alice, run_jobs, hook):
    linear.issues["ENG-130"] = linear.issue(130, title="Breaker", state=linear.state("Done"))
    with pytest.raises(ValidationError):
        link_issue(actor=alice, item=item, url=f"{fake_api.url}/acme/issue/OPS-130/breaker")
    with pytest.raises(ValidationError):
        link_issue(actor=alice, item=item, url="https://github.com/acme/issue/ENG-130")
    # The stand-in serves its pages where its API is.
    link = link_issue(actor=alice, item=item, url=f"{fake_api.url}/acme/issue/ENG-130/breaker")
    assert link.remote_id == "ENG-130"
    run_jobs()
    assert linear.calls("issue") == [{"id": "ENG-130"}]
    item.refresh_from_db()
    # The issue was there first: its state and title are taken.
    assert (item.status, item.title) == ("done", "Breaker")
    # Its webhooks, which name it by its identifier too, reach the item.
    payload = event(linear, "issue_update.json", "ENG-130", title="Breaker, again")
    assert hook(config, *signed(config, payload)).status_code == 200
    item.refresh_from_db()
    assert item.title == "Breaker, again"


def test_conflicting_edits_the_later_one_wins(config, linear, item, alice, run_jobs, hook):
    link = created(item, alice, run_jobs)
    change(item, alice, title="Hansei's title")  # push queued, not yet sent
    link.refresh_from_db()
    # Linear's edit happened earlier than Hansei's: Hansei's is kept and sent.
    earlier = (link.local_changed_at - timedelta(minutes=5)).isoformat()
    payload = event(linear, "issue_update.json", title="Linear's title", updatedAt=earlier)
    assert hook(config, *signed(config, payload)).status_code == 200
    item.refresh_from_db()
    assert item.title == "Hansei's title"
    run_jobs()
    assert linear.issues[KEY]["title"] == "Hansei's title"
    # A later edit in Linear wins over an earlier one in Hansei.
    change(item, alice, title="Hansei again")
    later = (timezone.now() + timedelta(minutes=1)).isoformat()
    payload = event(linear, "issue_update.json", title="Linear later", updatedAt=later)
    assert hook(config, *signed(config, payload)).status_code == 200
    item.refresh_from_db()
    assert item.title == "Linear later"
    log = TrackerEvent.objects.filter(direction="in", outcome="accepted").first()
    assert "conflict" in log.detail
