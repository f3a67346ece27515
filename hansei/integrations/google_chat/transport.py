"""Google Chat: a message through a space's incoming webhook, with a plain ``text`` (what
notifications show) and a card (``cardsV2``: a header, the facts as ``decoratedText``
widgets, a button that opens the postmortem), as Google documents for incoming webhooks and
card messages. Card text accepts a little HTML, so every value is escaped."""

from __future__ import annotations

from html import escape
from typing import Any

from django.utils.translation import gettext as _

from hansei.integrations.chat.http import post_json
from hansei.integrations.chat.message import ChatMessage


def card(message: ChatMessage) -> dict[str, Any]:
    widgets: list[dict[str, Any]] = [
        {"decoratedText": {"topLabel": escape(label), "text": escape(value)}}
        for label, value in message.facts
    ]
    if message.reason:
        widgets.append({"textParagraph": {"text": escape(message.reason)}})
    open_it = {"text": _("Open in Hansei"), "onClick": {"openLink": {"url": message.url}}}
    widgets.append({"buttonList": {"buttons": [open_it]}})
    return {
        "header": {"title": message.title, "subtitle": message.headline},
        "sections": [{"widgets": widgets}],
    }


def payload(message: ChatMessage) -> dict[str, Any]:
    text = f"{message.headline}\n<{message.url}|{message.title}>"
    return {"text": text, "cardsV2": [{"cardId": f"hansei-{message.event}", "card": card(message)}]}


def notify(target: str, message: ChatMessage, *, secret: str = "") -> None:
    post_json(target, payload(message))
