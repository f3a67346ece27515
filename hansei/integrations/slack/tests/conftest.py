from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache

from hansei.conftest import free_port
from hansei.integrations.slack.tests.slack_api import (
    SECRET,
    TOKEN,
    SlackApi,
    interaction_body,
    serve,
    sign,
    slash_command_body,
)

# Slack user ids of the standing people (Alice's is the documentation's example user's).
SLACK_IDS = {
    "alice": "U2CERLKJA",
    "bob": "U0BOB0001",
    "charlie": "U0CHARLIE",
    "rita": "U0RITA001",
}


@pytest.fixture
def slack_api(settings: Any) -> Iterator[SlackApi]:
    """The Web API on a local port, Hansei set up as a Slack app talking to it."""
    for api in serve(free_port()):
        settings.HANSEI_SLACK_BOT_TOKEN = TOKEN
        settings.HANSEI_SLACK_SIGNING_SECRET = SECRET
        settings.HANSEI_SLACK_API_URL = api.url
        settings.HANSEI_SLACK_TIMEOUT = 2
        settings.BASE_URL = "https://hansei.example.com"
        cache.clear()  # the signatures seen by an earlier test
        yield api


@pytest.fixture
def in_slack(slack_api: SlackApi) -> Callable[..., None]:
    """Put people in the Slack workspace, with their Hansei e-mail addresses."""

    def add(*people: Any) -> None:
        for person in people:
            slack_api.people[SLACK_IDS[person.username]] = person.email

    return add


@pytest.fixture
def command(client: Any, slack_api: SlackApi) -> Callable[..., Any]:
    """Send ``/hansei <text>`` as Slack does (signed) from a standing person; the response."""

    def send(text: str, as_user: str = "alice", headers: dict[str, str] | None = None) -> Any:
        body = slash_command_body(text, SLACK_IDS.get(as_user, as_user))
        return client.post(
            "/hooks/slack/commands",
            data=body,
            content_type="application/x-www-form-urlencoded",
            headers=sign(body) if headers is None else headers,
        )

    return send


@pytest.fixture
def interact(client: Any, slack_api: SlackApi) -> Callable[..., Any]:
    """Send an interaction payload as Slack does (signed); the response."""

    def send(payload: dict[str, Any]) -> Any:
        body = interaction_body(payload)
        return client.post(
            "/hooks/slack/interactions",
            data=body,
            content_type="application/x-www-form-urlencoded",
            headers=sign(body),
        )

    return send


def texts(answer: dict[str, Any]) -> str:
    """Every text of an answer's blocks, in one string."""
    found: list[str] = []
    for block in answer.get("blocks", []):
        text = block.get("text")
        if isinstance(text, dict):
            found.append(text.get("text", ""))
        for element in block.get("elements", []):
            found.append(element.get("text", ""))
    return "\n".join(found)
