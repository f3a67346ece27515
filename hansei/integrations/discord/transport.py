"""Discord: "Execute Webhook" on a channel's webhook URL with ``content`` and one embed
(``title``, ``url``, ``color``, ``fields`` of ``name``/``value``/``inline``, ``footer``), as
Discord documents. ``allowed_mentions`` is empty: a title that says @everyone pings nobody.

Discord answers a rate-limited post with 429 and ``retry_after`` (seconds) in the body and
the ``Retry-After`` header: a temporary failure whose reason says when to try again."""

from __future__ import annotations

import json
from typing import Any

import httpx

from hansei.integrations.chat.http import refusal, send
from hansei.integrations.chat.message import ChatMessage
from hansei.integrations.transport import TransportError

COLOR = 0x3B6EA5
# Discord's limits on a message and an embed's parts.
CONTENT_CHARS, TITLE_CHARS, NAME_CHARS, VALUE_CHARS, FOOTER_CHARS = 2000, 256, 256, 1024, 2048


def payload(message: ChatMessage) -> dict[str, Any]:
    embed: dict[str, Any] = {
        "title": message.title[:TITLE_CHARS],
        "url": message.url,
        "color": COLOR,
        "fields": [
            {"name": label[:NAME_CHARS], "value": value[:VALUE_CHARS], "inline": True}
            for label, value in message.facts[:25]
        ],
    }
    if message.reason:
        embed["footer"] = {"text": message.reason[:FOOTER_CHARS]}
    return {
        "content": message.headline[:CONTENT_CHARS],
        "embeds": [embed],
        "allowed_mentions": {"parse": []},
    }


class RateLimited(TransportError):
    """Discord asked to wait: a temporary failure; the job queue may honour ``retry_after``."""

    def __init__(self, message: str, *, retry_after: float) -> None:
        super().__init__(message, permanent=False)
        self.retry_after = retry_after


def notify(target: str, message: ChatMessage, *, secret: str = "") -> None:
    response = send(target, json.dumps(payload(message)).encode())
    if response.status_code == 429:
        wait = _retry_after(response)
        raise RateLimited(
            f"HTTP 429: rate limited by Discord, retry after {wait:g} s", retry_after=wait
        )
    if not response.is_success:
        raise refusal(response)


def _retry_after(response: httpx.Response) -> float:
    """Seconds to wait: ``retry_after`` in the JSON body, else the ``Retry-After`` header."""
    for read in (lambda: response.json()["retry_after"], lambda: response.headers["Retry-After"]):
        try:
            seconds = float(read())
        except (ValueError, KeyError, TypeError):
            continue
        if seconds >= 0:
            return seconds
    return 0.0
