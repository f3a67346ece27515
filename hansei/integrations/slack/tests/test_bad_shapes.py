"""Signed requests of every odd shape: a 4xx or a helpful answer, never a 500, and nothing
written. (A signed request is from Slack, but Slack carries whatever people typed.)"""

from __future__ import annotations

import copy
import json
from typing import Any
from urllib.parse import urlencode

import pytest

from hansei.integrations.slack.tests.conftest import SLACK_IDS
from hansei.integrations.slack.tests.slack_api import (
    MESSAGE_SHORTCUT,
    VIEW_SUBMISSION,
    SlackApi,
    sign,
    slash_command_body,
)
from hansei.postmortems.document.models import Postmortem
from hansei.postmortems.timeline.models import TimelineEntry


@pytest.fixture
def signed_post(client: Any, slack_api: SlackApi, in_slack: Any, alice: Any) -> Any:
    in_slack(alice)

    def post(path: str, body: str, content_type: str = "application/x-www-form-urlencoded") -> Any:
        return client.post(path, data=body, content_type=content_type, headers=sign(body))

    return post


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


COMMAND_BODIES = [
    "",
    "text=help",  # no user
    "user_id=&text=help",
    "user_id=U2CERLKJA",  # no text: the help
    "user_id=U2CERLKJA&user_id=U0OTHER&text=help",
    "user_id=U2CERLKJA&text=" + "%F0%9F%94%A5" * 400,
    "user_id=U2CERLKJA&text=start+%ED%A0%80",  # a lone surrogate, UTF-8-encoded
    "user_id=U2CERLKJA&text=search+%FF%FE",  # not UTF-8 once decoded
    "user_id=%5B%5D&text=help",
    "&&&===",
    "a=" + "b" * 100_000,
    "&".join(f"f{n}=1" for n in range(200)),
    slash_command_body("start 9223372036854775808"),
    slash_command_body("start 00000000000000000001"),
]


@pytest.mark.parametrize("body", COMMAND_BODIES, ids=range(len(COMMAND_BODIES)))
def test_a_command_of_any_shape_is_answered_without_a_500(signed_post: Any, body: str) -> None:
    response = signed_post("/hooks/slack/commands", body)

    assert response.status_code in (200, 400, 413)
    if response.status_code == 200:
        assert response.json()["response_type"] == "ephemeral"
        assert response.json()["blocks"]
    assert not Postmortem.objects.exists()


def shortcut_with(**changes: Any) -> dict[str, Any]:
    payload = copy.deepcopy(MESSAGE_SHORTCUT)
    payload["user"]["id"] = SLACK_IDS["alice"]
    payload.update(changes)
    return payload


INTERACTION_PAYLOADS: list[str] = [
    "",
    "null",
    "[]",
    '"a string"',
    "{",
    nested(5000),
    '{"type": ' + nested(3000) + "}",
    json.dumps({"type": "message_action"}),
    json.dumps({"type": "message_action", "callback_id": "add_to_timeline"}),
    json.dumps(shortcut_with(user="U2CERLKJA")),
    json.dumps(shortcut_with(message="text")),
    json.dumps(shortcut_with(message={"ts": "not a time", "text": "x"})),
    json.dumps(shortcut_with(message={"ts": "1e400", "text": "x"})),
    json.dumps(shortcut_with(message={"ts": "nan", "text": "x"})),
    json.dumps(shortcut_with(message={"ts": "1564002361.000500", "text": ["x"]})),
    json.dumps(shortcut_with(message={"ts": "1564002361.000500", "text": "\ud800" * 10})),
    json.dumps(shortcut_with(message={"ts": "1564002361.000500", "text": "x" * 100_000})),
    json.dumps(shortcut_with(trigger_id={"a": 1})),
    json.dumps(shortcut_with(channel=None)),
    json.dumps({"type": "view_submission"}),
    json.dumps({"type": "view_submission", "view": "x"}),
    json.dumps({"type": "view_submission", "view": {"callback_id": "add_to_timeline"}}),
    json.dumps({**VIEW_SUBMISSION, "view": {"callback_id": "add_to_timeline", "state": []}}),
    json.dumps(
        {
            **VIEW_SUBMISSION,
            "user": {"id": "U2CERLKJA"},
            "view": {
                "callback_id": "add_to_timeline",
                "private_metadata": '{"ts": "1564002361.0005", "channel": ' + nested(900) + "}",
                "state": {"values": {"text": {"text": {"value": "\ud83d"}}}},
            },
        }
    ),
    json.dumps(
        {
            **VIEW_SUBMISSION,
            "user": {"id": "U2CERLKJA"},
            "view": {
                "callback_id": "add_to_timeline",
                "private_metadata": "[1, 2]",
                "state": {"values": {"postmortem": {"postmortem": {"selected_option": 5}}}},
            },
        }
    ),
    json.dumps({"type": "block_actions", "actions": [{"action_id": "x"}]}),
    json.dumps({"type": "view_closed", "view": {"callback_id": "add_to_timeline"}}),
    json.dumps({"type": "shortcut", "callback_id": "add_to_timeline"}),
]


@pytest.mark.parametrize("payload", INTERACTION_PAYLOADS, ids=range(len(INTERACTION_PAYLOADS)))
def test_an_interaction_of_any_shape_is_answered_without_a_500(
    signed_post: Any, make_postmortem: Any, payload: str
) -> None:
    make_postmortem()

    response = signed_post("/hooks/slack/interactions", urlencode({"payload": payload}))

    assert response.status_code in (200, 400, 413)
    if response.status_code == 200 and response.content:
        assert response.json()["response_action"] in ("errors", "update")
    assert not TimelineEntry.objects.filter(created_by__isnull=False).exists()


def test_an_interaction_body_that_is_not_a_form_is_refused(signed_post: Any) -> None:
    response = signed_post("/hooks/slack/interactions", '{"type": "message_action"}', "text/json")

    assert response.status_code == 400


def test_a_body_over_the_limit_is_refused(signed_post: Any) -> None:
    response = signed_post("/hooks/slack/interactions", "payload=" + "x" * 600_000)

    assert response.status_code == 413
