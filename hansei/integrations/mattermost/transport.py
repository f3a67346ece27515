"""Mattermost: a post through a channel's incoming webhook, with a Slack-compatible message
attachment (``{"text": ..., "attachments": [{"fallback", "color", "title", "title_link",
"fields": [{"title", "value", "short"}], "footer"}]}``), as Mattermost documents for incoming
webhooks and message attachments."""

from __future__ import annotations

from typing import Any

from hansei.integrations.chat.http import post_json
from hansei.integrations.chat.message import ChatMessage

COLOR = "#3b6ea5"


def payload(message: ChatMessage) -> dict[str, Any]:
    attachment: dict[str, Any] = {
        "fallback": message.plain_text,
        "color": COLOR,
        "title": message.title,
        "title_link": message.url,
        "fields": [
            {"title": label, "value": value, "short": True} for label, value in message.facts
        ],
    }
    if message.reason:
        attachment["footer"] = message.reason
    return {"text": message.headline, "attachments": [attachment]}


def notify(target: str, message: ChatMessage, *, secret: str = "") -> None:
    post_json(target, payload(message))
