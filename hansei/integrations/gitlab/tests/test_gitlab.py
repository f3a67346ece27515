"""GitLab Issues, both ways, against a local server speaking GitLab's REST API and issue hooks
copied from GitLab's documentation (``payloads/README.md`` says which and how)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from hansei.action_items.services import ActionItemInput, update_action_item
from hansei.conftest import person
from hansei.core.models import Job
from hansei.integrations.gitlab.client import GitLab
from hansei.integrations.gitlab.tests.fake import PROJECT, FakeGitLab, load
from hansei.integrations.trackers.models import LinkState, TrackerEvent, TrackerLink
from hansei.integrations.trackers.services import link_issue, request_issue

pytestmark = pytest.mark.django_db

ENCODED = "gitlab-org%2Fgitlab-test"
TITLE = "Add a circuit breaker to the card gateway client"


@pytest.fixture
def gitlab(fake_api: Any) -> FakeGitLab:
    return FakeGitLab(fake_api)


@pytest.fixture
def config(configure: Callable[..., Any], fake_api: Any) -> Any:
    return configure("gitlab", fake_api.url, project=PROJECT, labels=["postmortem"])


def delivered(
    config: Any, payload: Any, *, event: str = "Issue Hook", **headers: str
) -> tuple[bytes, dict[str, str]]:
    """A delivery as GitLab sends it: the secret token as it is, a fresh event UUID."""
    sent = {
        "X-Gitlab-Token": config.webhook_secret,
        "X-Gitlab-Event": event,
        "X-Gitlab-Event-UUID": str(uuid.uuid4()),
        **headers,
    }
    return json.dumps(payload).encode(), sent


def event(name: str, item: Any, **attributes: Any) -> dict[str, Any]:
    """A documented hook about issue 23, agreeing with ``item`` but for ``attributes``."""
    payload = load(name)
    payload["object_attributes"].update(
        iid=23,
        title=item.title,
        due_date=item.due_date.isoformat() if item.due_date else None,
        updated_at=timezone.now().isoformat(),
    )
    payload["object_attributes"].update(attributes)
    payload["assignees"] = [{"name": "Alice A.", "username": "alice"}]
    return payload


def wont_do_label() -> dict[str, Any]:
    label = dict(load("issue_close.json")["labels"][0])
    label.update(id=207, title="Won't do", description="Decided against")
    return label


def created(item: Any, alice: Any, run_jobs: Callable[[], int]) -> TrackerLink:
    request_issue(actor=alice, item=item)
    run_jobs()
    return TrackerLink.objects.get(item=item)


def test_an_item_becomes_an_issue_in_one_click(config, gitlab, fake_api, item, alice, run_jobs):
    link = request_issue(actor=alice, item=item)
    assert link.state == LinkState.CREATING
    run_jobs()
    [sent] = fake_api.made("POST")
    assert sent.path == f"/api/v4/projects/{ENCODED}/issues"
    assert sent.headers["PRIVATE-TOKEN"] == "tracker-token-for-tests"
    assert sent.json["title"] == item.title
    assert sent.json["labels"] == "postmortem,priority::2"
    assert sent.json["due_date"] == item.due_date.isoformat()
    assert f"/postmortems/{item.postmortem_id}/" in sent.json["description"]
    link.refresh_from_db()
    item.refresh_from_db()
    assert (link.state, link.key, link.remote_id) == (LinkState.LINKED, f"{PROJECT}#23", "23")
    assert link.remote_state == "opened"
    assert item.tracking_url == f"{fake_api.url}/{PROJECT}/-/issues/23"
    assert gitlab.issues[23]["labels"] == ["postmortem", "priority::2"]
    assert TrackerEvent.objects.filter(action="create", outcome="accepted", item=item).exists()


def test_closing_the_issue_closes_the_item_once(config, gitlab, item, alice, run_jobs, hook):
    created(item, alice, run_jobs)
    body, headers = delivered(config, event("issue_close.json", item))
    answer = hook(config, body, headers)
    assert answer.status_code == 200, answer.json()
    item.refresh_from_db()
    assert item.status == "done" and item.completed_at is not None
    assert TrackerLink.objects.get(item=item).remote_state == "closed"
    # GitLab sending the same delivery again (the same event UUID) changes nothing.
    again = hook(config, body, headers)
    assert (again.status_code, again.json()["outcome"]) == (200, "duplicate")
    assert TrackerEvent.objects.filter(direction="in", outcome="accepted").count() == 1
    # Nothing goes back to GitLab: the change came from there.
    run_jobs()
    assert not gitlab.api.made("PUT")
    # Reopened in GitLab: open again.
    reopened = event("issue_open.json", item, action="reopen")
    assert hook(config, *delivered(config, reopened)).status_code == 200
    item.refresh_from_db()
    assert item.status == "open"


def test_closed_with_a_wont_do_label_is_wont_do(config, gitlab, item, alice, run_jobs, hook):
    created(item, alice, run_jobs)
    payload = event("issue_close.json", item, labels=[wont_do_label()])
    payload["labels"] = [wont_do_label()]
    answer = hook(config, *delivered(config, payload))
    assert answer.status_code == 200, answer.json()
    item.refresh_from_db()
    assert item.status == "wont_do"
    assert "GitLab" in item.wont_do_reason
    assert TrackerLink.objects.get(item=item).remote_state == "Won't do"


def test_an_open_issue_with_a_wont_do_label_stays_open(config, gitlab, item, alice, run_jobs, hook):
    created(item, alice, run_jobs)
    payload = event("issue_update.json", item, labels=[wont_do_label()])
    assert hook(config, *delivered(config, payload)).status_code == 200
    item.refresh_from_db()
    assert item.status == "open"


def test_title_due_date_and_assignee_edited_in_gitlab_come_back(
    config, gitlab, item, alice, bob, run_jobs, hook
):
    link = created(item, alice, run_jobs)
    due = timezone.localdate() + timedelta(days=45)
    payload = event(
        "issue_update.json",
        item,
        title="New API: create/update/delete files",
        due_date=due.isoformat(),
        # As GitLab's job queue writes times.
        updated_at="2026-12-04 09:30:00 UTC",
    )
    payload["assignees"] = [{"name": "Bob B.", "username": "bob", "avatar_url": None}]
    answer = hook(config, *delivered(config, payload))
    assert answer.status_code == 200, answer.json()
    item.refresh_from_db()
    assert (item.title, item.due_date, item.owner) == (
        "New API: create/update/delete files",
        due,
        bob,
    )
    link.refresh_from_db()
    assert link.remote_updated_at == datetime(2026, 12, 4, 9, 30, tzinfo=UTC)
    assert link.synced["assignee"] == "bob"
    run_jobs()
    assert not gitlab.api.made("PUT")


def test_an_assignee_is_matched_only_when_one_user_has_that_name(
    config, gitlab, item, alice, bob, payments, run_jobs, hook
):
    created(item, alice, run_jobs)
    namesake = person("robert", "member", payments)
    namesake.display_name = "Bob"
    namesake.save()
    payload = event("issue_update.json", item)
    payload["assignees"] = [{"name": "Bob B.", "username": "bob", "avatar_url": None}]
    assert hook(config, *delivered(config, payload)).status_code == 200
    item.refresh_from_db()
    assert item.owner == alice


def test_a_due_date_cleared_in_gitlab_is_cleared_in_hansei(
    config, gitlab, item, alice, run_jobs, hook
):
    created(item, alice, run_jobs)
    payload = event("issue_update.json", item, due_date=None)
    assert hook(config, *delivered(config, payload)).status_code == 200
    item.refresh_from_db()
    assert item.due_date is None


def test_a_change_in_hansei_goes_to_gitlab(config, gitlab, item, alice, run_jobs):
    created(item, alice, run_jobs)
    due = item.due_date + timedelta(days=7)
    data = ActionItemInput(
        title="Breaker on the card gateway", owner=alice, priority="P1", due_date=due, status="done"
    )
    update_action_item(actor=alice, item=item, data=data)
    run_jobs()
    [put] = gitlab.api.made("PUT")
    assert put.path == f"/api/v4/projects/{ENCODED}/issues/23"
    assert put.headers["PRIVATE-TOKEN"] == "tracker-token-for-tests"
    assert put.json == {
        "title": "Breaker on the card gateway",
        "due_date": due.isoformat(),
        "state_event": "close",
        "remove_labels": "won't do",
    }
    assert gitlab.issues[23]["state"] == "closed"
    link = TrackerLink.objects.get(item=item)
    assert (link.synced["status"], link.remote_state) == ("done", "closed")
    run_jobs()
    assert len(gitlab.api.made("PUT")) == 1  # sent once


def test_wont_do_in_hansei_closes_the_issue_with_the_label(
    config, gitlab, item, alice, run_jobs, hook
):
    created(item, alice, run_jobs)
    data = ActionItemInput(
        title=item.title,
        owner=alice,
        priority="P1",
        due_date=None,
        status="wont_do",
        wont_do_reason="The gateway is being replaced.",
    )
    update_action_item(actor=alice, item=item, data=data)
    run_jobs()
    [put] = gitlab.api.made("PUT")
    assert put.json == {"due_date": None, "state_event": "close", "add_labels": "won't do"}
    issue = gitlab.issues[23]
    assert (issue["state"], issue["due_date"]) == ("closed", None)
    assert "won't do" in issue["labels"]
    assert TrackerLink.objects.get(item=item).remote_state == "won't do"
    # GitLab's hook about that close reads as won't do: nothing flips to done.
    label = {**wont_do_label(), "title": "won't do"}
    payload = event("issue_close.json", item, labels=[label], due_date=None)
    assert hook(config, *delivered(config, payload)).status_code == 200
    item.refresh_from_db()
    assert (item.status, item.wont_do_reason) == ("wont_do", "The gateway is being replaced.")
    # Open again in Hansei: reopened, and no longer labelled won't do.
    data = ActionItemInput(title=item.title, owner=alice, priority="P1", status="open")
    update_action_item(actor=alice, item=item, data=data)
    run_jobs()
    assert gitlab.api.made("PUT")[-1].json["state_event"] == "reopen"
    assert (gitlab.issues[23]["state"], gitlab.issues[23]["labels"]) == (
        "opened",
        ["postmortem", "priority::2"],
    )


def test_a_wrong_token_is_refused_logged_and_changes_nothing(
    config, gitlab, item, alice, run_jobs, hook
):
    created(item, alice, run_jobs)
    body, headers = delivered(config, event("issue_close.json", item))
    headers["X-Gitlab-Token"] = "not-the-secret"
    assert hook(config, body, headers).status_code == 401
    del headers["X-Gitlab-Token"]
    assert hook(config, body, headers).status_code == 401
    item.refresh_from_db()
    assert item.status == "open"
    logs = TrackerEvent.objects.filter(direction="in")
    assert [(log.outcome, log.status_code) for log in logs] == [("rejected", 401)] * 2
    assert all(config.webhook_secret not in log.body_excerpt for log in logs)


def test_a_webhook_touches_only_issues_of_its_own_project(
    config, gitlab, item, alice, run_jobs, hook
):
    created(item, alice, run_jobs)
    # Another project's issue 23: not this item, even with the right token.
    payload = event("issue_close.json", item)
    payload["project"]["path_with_namespace"] = "someone-else/other-project"
    answer = hook(config, *delivered(config, payload))
    assert (answer.status_code, answer.json()["outcome"]) == (202, "ignored")
    # An issue no item is linked to.
    answer = hook(config, *delivered(config, event("issue_close.json", item, iid=99)))
    assert answer.json()["outcome"] == "ignored"
    # Another kind of event.
    note = {"object_kind": "note", "project": {"path_with_namespace": PROJECT}}
    answer = hook(config, *delivered(config, note, event="Note Hook"))
    assert (answer.status_code, answer.json()["outcome"]) == (202, "ignored")
    item.refresh_from_db()
    assert item.status == "open"


def test_a_confidential_issue_hook_is_read_like_any_other(
    config, gitlab, item, alice, run_jobs, hook
):
    created(item, alice, run_jobs)
    payload = event("issue_close.json", item, confidential=True)
    answer = hook(config, *delivered(config, payload, event="Confidential Issue Hook"))
    assert answer.status_code == 200, answer.json()
    item.refresh_from_db()
    assert item.status == "done"


def test_deliveries_are_told_apart_by_gitlabs_keys(
    config, gitlab, item, alice, run_jobs, hook, make_postmortem
):
    from hansei.action_items.services import add_action_item

    created(item, alice, run_jobs)
    other = add_action_item(
        actor=alice,
        postmortem=item.postmortem,
        data=ActionItemInput(title="Alert on gateway errors", owner=alice, priority="P1"),
    )
    created(other, alice, run_jobs)  # issue 24
    # One bulk edit closing both: one event UUID, two deliveries.
    shared = str(uuid.uuid4())
    for about, iid in ((item, 23), (other, 24)):
        payload = event("issue_close.json", about, iid=iid)
        answer = hook(config, *delivered(config, payload, **{"X-Gitlab-Event-UUID": shared}))
        assert answer.json()["outcome"] == "accepted"
    # An Idempotency-Key names a delivery whatever its body.
    payload = event("issue_open.json", item, action="reopen")
    key = {"Idempotency-Key": str(uuid.uuid4())}
    assert hook(config, *delivered(config, payload, **key)).json()["outcome"] == "accepted"
    payload["object_attributes"]["updated_at"] = timezone.now().isoformat()
    assert hook(config, *delivered(config, payload, **key)).json()["outcome"] == "duplicate"


def issue_hook(**attributes: Any) -> bytes:
    attributes = {"iid": 23, "title": TITLE, "state": "closed", **attributes}
    payload = {
        "object_kind": "issue",
        "project": {"path_with_namespace": PROJECT},
        "object_attributes": attributes,
    }
    return json.dumps(payload).encode()


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b"null",
        json.dumps(
            {
                "object_kind": "issue",
                "object_attributes": [],
                "project": {"path_with_namespace": PROJECT},
            }
        ).encode(),
        json.dumps({"object_kind": "issue", "object_attributes": {"iid": 23}}).encode(),
        issue_hook(iid="23"),
        issue_hook(iid=True),
        issue_hook(title=42),
        issue_hook(state=None),
        issue_hook(labels="Won't do"),
        issue_hook(due_date="next week"),
        json.dumps({"a": "\ud800"}).encode(),
        b'{"a":' * 5000 + b"1" + b"}" * 5000,
    ],
)
def test_bad_payloads_get_a_4xx_are_logged_and_change_nothing(
    config, gitlab, item, alice, run_jobs, hook, body
):
    created(item, alice, run_jobs)
    headers = {"X-Gitlab-Token": config.webhook_secret, "X-Gitlab-Event": "Issue Hook"}
    answer = hook(config, body, headers)
    assert 400 <= answer.status_code < 500, answer.content
    item.refresh_from_db()
    assert (item.status, item.title) == ("open", TITLE)
    assert TrackerEvent.objects.filter(direction="in", outcome="rejected").count() == 1


def test_a_tracker_that_is_down_delays_the_issue_and_never_loses_it(
    config, gitlab, fake_api, item, alice, run_jobs
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
    assert list(gitlab.issues) == [23]
    run_jobs()
    assert len(fake_api.made("POST")) == 1
    config.refresh_from_db()
    assert not config.is_failing


def test_a_token_gitlab_refuses_is_not_retried(config, gitlab, item, alice, run_jobs, monkeypatch):
    monkeypatch.setenv("HANSEI_TRACKER_TEST_TOKEN", "a-revoked-token")
    request_issue(actor=alice, item=item)
    run_jobs()
    assert Job.objects.get(kind="trackers.create").failed
    link = TrackerLink.objects.get(item=item)
    assert link.state == LinkState.FAILED and "401" in link.last_error
    assert not gitlab.issues


def test_issue_urls_on_gitlab_com_and_on_a_self_managed_instance(config):
    ref = GitLab().ref_from_url
    config.base_url = "https://gitlab.com"
    assert ref(config, f"https://gitlab.com/{PROJECT}/-/issues/23") == "23"
    assert ref(config, f"https://gitlab.com/{PROJECT.upper()}/-/issues/23/") == "23"
    assert ref(config, f"https://gitlab.com/{PROJECT}/issues/23") == "23"  # the older form
    assert ref(config, f"https://gitlab.com/{PROJECT}/-/work_items/23") == "23"
    assert ref(config, f"https://gitlab.com/{PROJECT}/-/merge_requests/23") is None
    assert ref(config, "https://gitlab.com/gitlab-org/other/-/issues/23") is None
    assert ref(config, f"https://gitlab.com/{PROJECT}/sub/-/issues/23") is None
    assert ref(config, f"https://evil.example/{PROJECT}/-/issues/23") is None
    assert ref(config, f"javascript://gitlab.com/{PROJECT}/-/issues/23") is None
    config.project = "acme/platform/payments/gateway"  # subgroups
    assert ref(config, "https://gitlab.com/acme/platform/payments/gateway/-/issues/5") == "5"
    assert ref(config, "https://gitlab.com/acme/platform/gateway/-/issues/5") is None
    config.base_url = "https://code.example.com/gitlab"  # under a relative root
    assert (
        ref(config, "https://code.example.com/gitlab/acme/platform/payments/gateway/-/issues/5")
        == "5"
    )
    assert ref(config, "https://code.example.com/acme/platform/payments/gateway/-/issues/5") is None
    assert ref(config, "https://gitlab.com/acme/platform/payments/gateway/-/issues/5") is None


def test_link_an_existing_issue_by_its_url(config, gitlab, fake_api, item, alice, run_jobs):
    gitlab.issues[7] = gitlab.issue(
        7, title="Breaker", state="closed", due_date=None, labels=["postmortem"]
    )
    with pytest.raises(ValidationError):
        link_issue(actor=alice, item=item, url=f"{fake_api.url}/other/project/-/issues/7")
    with pytest.raises(ValidationError):
        link_issue(actor=alice, item=item, url=f"https://gitlab.com/{PROJECT}/-/issues/7")
    # The stand-in serves its pages where its API is, like a self-managed GitLab.
    link = link_issue(actor=alice, item=item, url=f"{fake_api.url}/{PROJECT}/-/issues/7")
    assert link.remote_id == "7"
    run_jobs()
    [fetched] = fake_api.made("GET")
    assert fetched.path == f"/api/v4/projects/{ENCODED}/issues/7"
    item.refresh_from_db()
    # The issue was there first: its state, title and (no) due date are taken.
    assert (item.status, item.title, item.due_date) == ("done", "Breaker", None)
    link.refresh_from_db()
    assert link.key == f"{PROJECT}#7"


def test_the_documented_answers_read_as_issues(config):
    gitlab = GitLab()
    created_issue = gitlab.issue_from(config, load("create_issue_response.json"))
    assert (created_issue.key, created_issue.state, created_issue.category) == (
        f"{PROJECT}#23",
        "opened",
        "open",
    )
    assert created_issue.assignee is None and created_issue.due_date is None
    fetched = gitlab.issue_from(config, load("get_issue_response.json"))
    assert (fetched.state, fetched.category, fetched.due_date) == (
        "closed",
        "done",
        date(2016, 7, 22),
    )
    assert fetched.assignee is not None and fetched.assignee.name == "lennie"
    assert fetched.url == "http://gitlab.example.com/gitlab-org/gitlab-test/-/issues/23"
    hooked = gitlab.parse_webhook(
        config, {"X-Gitlab-Event": "Issue Hook"}, load("issue_update.json")
    )
    assert hooked.event_type == "issue.update"
    assert hooked.event_id == ""  # no key: the body's hash is used
    assert hooked.issue is not None and hooked.issue.assignee is not None
    assert (hooked.issue.assignee.name, hooked.issue.remote_id) == ("user2", "23")
