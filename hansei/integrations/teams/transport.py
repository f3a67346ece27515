"""Microsoft Teams: an Adaptive Card posted to a channel's incoming webhook (a Workflows
"Post to a channel when a webhook request is received" URL, or a classic Incoming Webhook).

The shape is the one Microsoft documents for sending Adaptive Cards through an incoming
webhook: ``{"type": "message", "attachments": [{"contentType":
"application/vnd.microsoft.card.adaptive", "contentUrl": null, "content": <AdaptiveCard>}]}``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from hansei.integrations.chat.http import post_json
from hansei.integrations.chat.message import ChatMessage
from hansei.integrations.transport import TransportError

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
# Classic connectors answer a throttled post with 200 and this text in the body.
THROTTLED = "HTTP error 429"


def card(message: ChatMessage) -> dict[str, Any]:
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": message.headline, "wrap": True, "size": "Small"},
        {
            "type": "TextBlock",
            "text": message.title,
            "wrap": True,
            "size": "Large",
            "weight": "Bolder",
        },
    ]
    if message.facts:
        facts = [{"title": label, "value": value} for label, value in message.facts]
        body.append({"type": "FactSet", "facts": facts})
    if message.reason:
        body.append({"type": "TextBlock", "text": message.reason, "wrap": True, "isSubtle": True})
    return {
        "$schema": CARD_SCHEMA,
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
        "actions": [{"type": "Action.OpenUrl", "title": _("Open in Hansei"), "url": message.url}],
    }


def payload(message: ChatMessage) -> dict[str, Any]:
    attachment = {"contentType": ADAPTIVE_CARD, "contentUrl": None, "content": card(message)}
    return {"type": "message", "attachments": [attachment]}


def notify(target: str, message: ChatMessage, *, secret: str = "") -> None:
    response = post_json(target, payload(message))
    if THROTTLED in response.text:
        raise TransportError("Teams is throttling this webhook (HTTP error 429)")
