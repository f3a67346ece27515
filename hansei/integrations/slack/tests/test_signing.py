"""Only Slack's signed, recent, first-seen requests are heard, and a refused one changes
nothing (https://docs.slack.dev/authentication/verifying-requests-from-slack)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core.cache import cache

from hansei.integrations.slack.signing import is_signed_by_slack
from hansei.integrations.slack.tests.slack_api import (
    DOCS_BODY,
    DOCS_SECRET,
    DOCS_SIGNATURE,
    DOCS_TIMESTAMP,
    SlackApi,
    sign,
    slash_command_body,
)
from hansei.postmortems.document.models import Postmortem

DOCS_HEADERS = {
    "X-Slack-Request-Timestamp": str(DOCS_TIMESTAMP),
    "X-Slack-Signature": DOCS_SIGNATURE,
}


def test_it_accepts_the_documentations_example_request(settings: Any) -> None:
    settings.HANSEI_SLACK_SIGNING_SECRET = DOCS_SECRET
    cache.clear()

    assert is_signed_by_slack(DOCS_BODY.encode(), DOCS_HEADERS, now=DOCS_TIMESTAMP + 10)


def test_it_refuses_the_documentations_example_six_minutes_later(settings: Any) -> None:
    settings.HANSEI_SLACK_SIGNING_SECRET = DOCS_SECRET
    cache.clear()

    assert not is_signed_by_slack(DOCS_BODY.encode(), DOCS_HEADERS, now=DOCS_TIMESTAMP + 360)


def test_it_refuses_a_request_signed_with_another_secret(settings: Any) -> None:
    settings.HANSEI_SLACK_SIGNING_SECRET = "another-secret"
    cache.clear()

    assert not is_signed_by_slack(DOCS_BODY.encode(), DOCS_HEADERS, now=DOCS_TIMESTAMP)


def test_it_refuses_a_changed_body(settings: Any) -> None:
    settings.HANSEI_SLACK_SIGNING_SECRET = DOCS_SECRET
    cache.clear()
    changed = DOCS_BODY.replace("text=&", "text=start+1&").encode()

    assert not is_signed_by_slack(changed, DOCS_HEADERS, now=DOCS_TIMESTAMP)


def test_it_refuses_a_replay_of_an_accepted_request(settings: Any) -> None:
    settings.HANSEI_SLACK_SIGNING_SECRET = DOCS_SECRET
    cache.clear()

    assert is_signed_by_slack(DOCS_BODY.encode(), DOCS_HEADERS, now=DOCS_TIMESTAMP)
    assert not is_signed_by_slack(DOCS_BODY.encode(), DOCS_HEADERS, now=DOCS_TIMESTAMP + 1)


@pytest.fixture
def start(slack_api: SlackApi, in_slack: Any, alice: Any, make_incident: Any) -> tuple[str, str]:
    """``/hansei start <an incident of Alice's team>``: its text, and the form Slack sends."""
    in_slack(alice)
    text = f"start {make_incident().pk}"
    return text, slash_command_body(text)


def test_a_bad_missing_or_old_signature_starts_no_postmortem(
    slack_api: SlackApi, start: tuple[str, str], command: Any
) -> None:
    text, body = start
    good = sign(body)
    refused = {
        "missing": {},
        "no timestamp": {"X-Slack-Signature": good["X-Slack-Signature"]},
        "bad": {**good, "X-Slack-Signature": "v0=" + "0" * 64},
        "not hex": {**good, "X-Slack-Signature": "v0=" + "z" * 64},
        "old": sign(body, timestamp=int(time.time()) - 400),
        "future": sign(body, timestamp=int(time.time()) + 400),
        "odd timestamp": {**good, "X-Slack-Request-Timestamp": "１２３"},
        "other secret": sign(body, secret="not-the-secret"),
    }

    for why, headers in refused.items():
        assert command(text, headers=headers).status_code == 401, why

    assert not Postmortem.objects.exists()
    assert slack_api.calls == []


def test_a_replayed_command_is_refused(start: tuple[str, str], command: Any) -> None:
    text, body = start
    headers = sign(body)

    assert command(text, headers=headers).status_code == 200
    assert command(text, headers=headers).status_code == 401
    assert Postmortem.objects.count() == 1


def test_it_answers_404_while_slack_is_not_set_up(
    slack_api: SlackApi, settings: Any, command: Any, client: Any
) -> None:
    settings.HANSEI_SLACK_SIGNING_SECRET = ""

    assert command("help").status_code == 404
    empty = client.post("/hooks/slack/interactions", data="", content_type="text/plain")
    assert empty.status_code == 404
    assert slack_api.calls == []


def test_it_accepts_only_post(slack_api: SlackApi, client: Any) -> None:
    assert client.get("/hooks/slack/commands").status_code == 405
    assert client.get("/hooks/slack/interactions").status_code == 405
