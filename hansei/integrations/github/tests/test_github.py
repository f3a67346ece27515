"""GitHub Issues, both ways, against a local server speaking GitHub's REST API and webhooks
copied from GitHub's documentation."""

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
from hansei.integrations.github.tests.fake import REPO, FakeGitHub, load
from hansei.integrations.trackers.models import LinkState, TrackerEvent, TrackerLink
from hansei.integrations.trackers.services import link_issue, request_issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def github(fake_api: Any) -> FakeGitHub:
    return FakeGitHub(fake_api)


@pytest.fixture
def config(configure: Callable[..., Any], fake_api: Any) -> Any:
    return configure("github", fake_api.url, project=REPO, labels=["postmortem"])


def signed(config: Any, payload: Any) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(payload).encode()
    digest = hmac.new(config.webhook_secret.encode(), body, hashlib.sha256).hexdigest()
    return body, {
        "X-Hub-Signature-256": f"sha256={digest}",
        "X-GitHub-Event": "issues",
        "X-GitHub-Delivery": f"delivery-{hashlib.sha256(body).hexdigest()[:12]}",
    }


def event(name: str, number: int, **issue: Any) -> dict[str, Any]:
    payload = load(name)
    payload["repository"]["full_name"] = REPO
    payload["issue"]["number"] = number
    payload["issue"].update(issue)
    return payload


def created(item: Any, alice: Any, run_jobs: Callable[[], int]) -> TrackerLink:
    request_issue(actor=alice, item=item)
    run_jobs()
    return TrackerLink.objects.get(item=item)


def test_an_item_becomes_an_issue_in_one_click(config, github, fake_api, item, alice, run_jobs):
    link = request_issue(actor=alice, item=item)
    assert link.state == LinkState.CREATING
    run_jobs()
    [sent] = fake_api.made("POST")
    assert sent.path == f"/repos/{REPO}/issues"
    assert sent.headers["Authorization"] == "Bearer tracker-token-for-tests"
    assert sent.json["title"] == item.title
    assert sent.json["labels"] == ["postmortem", "priority: P1"]
    assert f"/postmortems/{item.postmortem_id}/" in sent.json["body"]
    link.refresh_from_db()
    item.refresh_from_db()
    assert (link.state, link.key, link.remote_id) == (LinkState.LINKED, f"{REPO}#1", "1")
    assert item.tracking_url == f"https://github.com/{REPO}/issues/1"
    assert TrackerEvent.objects.filter(action="create", outcome="accepted", item=item).exists()


def test_a_second_click_creates_no_second_issue(config, github, item, alice, run_jobs):
    from hansei.core.errors import InvalidState

    created(item, alice, run_jobs)
    with pytest.raises(InvalidState):
        request_issue(actor=alice, item=item)
    assert len(github.issues) == 1


def test_closing_the_issue_closes_the_item(config, github, item, alice, run_jobs, hook):
    created(item, alice, run_jobs)
    body, headers = signed(config, event("issues_closed.json", 1, state_reason="completed"))
    answer = hook(config, body, headers)
    assert answer.status_code == 200, answer.json()
    item.refresh_from_db()
    assert item.status == "done" and item.completed_at is not None
    # The same delivery again changes nothing and says so.
    again = hook(config, body, headers)
    assert again.json()["outcome"] == "duplicate"
    assert TrackerEvent.objects.filter(direction="in", outcome="accepted").count() == 1
    # Nothing goes back to GitHub: the change came from there.
    run_jobs()
    assert not github.api.made("PATCH")


def test_closed_as_not_planned_is_wont_do_with_a_reason(
    config, github, item, alice, run_jobs, hook
):
    created(item, alice, run_jobs)
    payload = event("issues_closed_not_planned.json", 1, state_reason="not_planned")
    answer = hook(config, *signed(config, payload))
    assert answer.status_code == 200
    item.refresh_from_db()
    assert item.status == "wont_do"
    assert "GitHub" in item.wont_do_reason


def test_a_title_edited_in_github_comes_back(config, github, item, alice, run_jobs, hook):
    created(item, alice, run_jobs)
    payload = event("issues_edited.json", 1, title="Circuit breaker for the gateway")
    assert hook(config, *signed(config, payload)).status_code == 200
    item.refresh_from_db()
    assert item.title == "Circuit breaker for the gateway"
    assert item.status == "open"


def test_a_change_in_hansei_goes_to_github(config, github, item, alice, run_jobs):
    created(item, alice, run_jobs)
    data = ActionItemInput(
        title="Breaker on the card gateway",
        owner=alice,
        priority="P1",
        due_date=item.due_date,
        status="done",
    )
    update_action_item(actor=alice, item=item, data=data)
    run_jobs()
    [patch] = github.api.made("PATCH")
    assert patch.json == {
        "title": "Breaker on the card gateway",
        "state": "closed",
        "state_reason": "completed",
    }
    assert github.issues[1]["state"] == "closed"
    link = TrackerLink.objects.get(item=item)
    assert link.synced["status"] == "done"
    run_jobs()
    assert len(github.api.made("PATCH")) == 1  # sent once


def test_a_wrong_signature_is_refused_logged_and_changes_nothing(
    config, github, item, alice, run_jobs, hook
):
    created(item, alice, run_jobs)
    body, headers = signed(config, event("issues_closed.json", 1))
    headers["X-Hub-Signature-256"] = "sha256=" + "0" * 64
    answer = hook(config, body, headers)
    assert answer.status_code == 401
    item.refresh_from_db()
    assert item.status == "open"
    log = TrackerEvent.objects.get(direction="in")
    assert (log.outcome, log.status_code) == ("rejected", 401)
    assert config.webhook_secret not in log.body_excerpt


def test_a_webhook_touches_only_items_of_its_own_configuration(
    config, github, item, alice, run_jobs, hook, make_postmortem, search_team, configure
):
    created(item, alice, run_jobs)
    # Another repository's issue number 1: not this item, even with a good signature.
    payload = event("issues_closed.json", 1)
    payload["repository"]["full_name"] = "someone-else/other-repo"
    answer = hook(config, *signed(config, payload))
    assert answer.status_code == 202 and answer.json()["outcome"] == "ignored"
    # An issue no item is linked to.
    answer = hook(config, *signed(config, event("issues_closed.json", 99)))
    assert answer.json()["outcome"] == "ignored"
    # Another configuration's URL and secret cannot reach it either.
    item.refresh_from_db()
    assert item.status == "open"


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b"null",
        json.dumps({"action": "closed", "issue": [], "repository": {}}).encode(),
        json.dumps(
            {"action": "closed", "issue": {"number": "1"}, "repository": {"full_name": REPO}}
        ).encode(),
        json.dumps(
            {
                "action": "closed",
                "issue": {"number": 1, "title": {"x": 1}},
                "repository": {"full_name": REPO},
            }
        ).encode(),
        json.dumps({"a": "\ud800"}).encode(),
        b'{"a":' * 5000 + b"1" + b"}" * 5000,
    ],
)
def test_bad_payloads_get_a_4xx_are_logged_and_change_nothing(
    config, github, item, alice, run_jobs, hook, body
):
    created(item, alice, run_jobs)
    digest = hmac.new(config.webhook_secret.encode(), body, hashlib.sha256).hexdigest()
    headers = {"X-Hub-Signature-256": f"sha256={digest}", "X-GitHub-Event": "issues"}
    answer = hook(config, body, headers)
    assert 400 <= answer.status_code < 500, answer.content
    item.refresh_from_db()
    assert (item.status, item.title) == ("open", "Add a circuit breaker to the card gateway client")
    assert TrackerEvent.objects.filter(direction="in", outcome="rejected").count() == 1


def test_unknown_and_turned_off_configurations(config, hook):
    body, headers = signed(config, {"action": "opened"})
    assert hook(config, body, headers, token="no-such-token").status_code == 404
    config.is_active = False
    config.save()
    assert hook(config, body, headers).status_code == 410


def test_a_tracker_that_is_down_delays_the_issue_and_never_loses_it(
    config, github, fake_api, item, alice, run_jobs
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
    assert len(github.issues) == 1
    run_jobs()
    assert len(fake_api.made("POST")) == 1
    config.refresh_from_db()
    assert not config.is_failing


def test_a_5xx_is_retried_and_a_refusal_is_not(config, github, fake_api, item, alice, run_jobs):
    fake_api.fail(503)
    request_issue(actor=alice, item=item)
    run_jobs()
    job = Job.objects.get(kind="trackers.create")
    assert not job.failed and job.run_after > timezone.now()
    # A token that does not work: permanent, shown, not retried.
    Job.objects.filter(pk=job.pk).update(run_after=timezone.now())
    fake_api.fail(401)
    run_jobs()
    job.refresh_from_db()
    assert job.failed
    link = TrackerLink.objects.get(item=item)
    assert link.state == LinkState.FAILED and "401" in link.last_error
    # Trying again is allowed once it failed.
    request_issue(actor=alice, item=item)
    run_jobs()
    assert TrackerLink.objects.get(item=item).state == LinkState.LINKED


def test_a_missing_token_variable_says_which(config, github, item, alice, run_jobs, monkeypatch):
    monkeypatch.delenv("HANSEI_TRACKER_TEST_TOKEN")
    request_issue(actor=alice, item=item)
    run_jobs()
    link = TrackerLink.objects.get(item=item)
    assert link.state == LinkState.FAILED
    assert "HANSEI_TRACKER_TEST_TOKEN is not set" in link.last_error


def test_issue_urls_on_github_com_and_on_an_enterprise_server(config):
    from hansei.integrations.github.client import GitHub

    config.base_url = "https://api.github.com"
    ref = GitHub().ref_from_url
    assert ref(config, f"https://github.com/{REPO}/issues/1347") == "1347"
    assert ref(config, f"https://github.com/{REPO.upper()}/issues/1347/") == "1347"
    assert ref(config, f"https://github.com/{REPO}/pull/1347") is None
    assert ref(config, f"https://evil.example/{REPO}/issues/1347") is None
    assert ref(config, f"javascript://github.com/{REPO}/issues/1") is None
    config.base_url = "https://ghe.example.com/api/v3"
    assert ref(config, f"https://ghe.example.com/{REPO}/issues/3") == "3"
    assert ref(config, f"https://github.com/{REPO}/issues/3") is None


def test_link_an_existing_issue_by_its_url(config, github, fake_api, item, alice, run_jobs):
    github.issues[7] = github.issue(7, title="Breaker", state="closed", state_reason="completed")
    with pytest.raises(ValidationError):
        link_issue(actor=alice, item=item, url="https://github.com/other/repo/issues/7")
    with pytest.raises(ValidationError):
        link_issue(actor=alice, item=item, url="https://gitlab.com/octo-org/octo-repo/issues/7")
    # The stand-in serves its pages where its API is, like GitHub Enterprise.
    link = link_issue(actor=alice, item=item, url=f"{fake_api.url}/{REPO}/issues/7")
    assert link.remote_id == "7"
    run_jobs()
    item.refresh_from_db()
    # The issue was there first: its state and title are taken.
    assert (item.status, item.title) == ("done", "Breaker")


def test_conflicting_edits_the_later_one_wins(config, github, item, alice, run_jobs, hook):
    link = created(item, alice, run_jobs)
    data = ActionItemInput(
        title="Hansei's title", owner=alice, priority="P1", due_date=item.due_date
    )
    update_action_item(actor=alice, item=item, data=data)  # push queued, not yet sent
    link.refresh_from_db()
    # GitHub's edit happened earlier than Hansei's: Hansei's is kept and sent.
    earlier = (link.local_changed_at - timedelta(minutes=5)).isoformat()
    payload = event("issues_edited.json", 1, title="GitHub's title", updated_at=earlier)
    assert hook(config, *signed(config, payload)).status_code == 200
    item.refresh_from_db()
    assert item.title == "Hansei's title"
    run_jobs()
    assert github.issues[1]["title"] == "Hansei's title"
    # A later edit in GitHub wins over an earlier one in Hansei.
    update_action_item(
        actor=alice,
        item=item,
        data=ActionItemInput(
            title="Hansei again", owner=alice, priority="P1", due_date=item.due_date
        ),
    )
    later = (timezone.now() + timedelta(minutes=1)).isoformat()
    payload = event("issues_edited.json", 1, title="GitHub later", updated_at=later)
    assert hook(config, *signed(config, payload)).status_code == 200
    item.refresh_from_db()
    assert item.title == "GitHub later"
    log = TrackerEvent.objects.filter(direction="in", outcome="accepted").first()
    assert "conflict" in log.detail


def test_items_are_created_automatically_when_the_team_asks(
    configure, fake_api, github, item, alice, run_jobs
):
    from hansei.action_items.services import add_action_item

    configure("github", fake_api.url, project=REPO, auto_create="on_create")
    added = add_action_item(
        actor=alice,
        postmortem=item.postmortem,
        data=ActionItemInput(title="Alert on gateway error rate"),
    )
    run_jobs()
    assert TrackerLink.objects.get(item=added).state == LinkState.LINKED
    assert not TrackerLink.objects.filter(item=item).exists()  # added before: left alone
    assert [i["title"] for i in github.issues.values()] == ["Alert on gateway error rate"]


def test_items_are_created_on_publication_when_the_team_asks(
    configure, fake_api, github, item, alice, rita, run_jobs
):
    from hansei.conftest import FULL_CHECKLIST
    from hansei.postmortems.document.services import publish_postmortem
    from hansei.reviews.services import approve_review, submit_for_review

    configure("github", fake_api.url, project=REPO, auto_create="on_publish")
    run_jobs()
    assert not github.issues  # not while it is a draft
    postmortem = item.postmortem
    [review] = submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])
    approve_review(actor=rita, review=review, checklist=FULL_CHECKLIST, comment="Good.")
    postmortem.refresh_from_db()
    publish_postmortem(actor=alice, postmortem=postmortem)
    run_jobs()
    assert [i["title"] for i in github.issues.values()] == [item.title]
    assert TrackerLink.objects.get(item=item).state == LinkState.LINKED


def test_an_issue_address_that_is_not_a_web_link_is_never_kept(
    config, github, item, alice, run_jobs, hook
):
    link = created(item, alice, run_jobs)
    payload = event("issues_edited.json", 1, html_url="javascript:alert(1)")
    assert hook(config, *signed(config, payload)).status_code == 200
    link.refresh_from_db()
    assert link.url == f"https://github.com/{REPO}/issues/1"
