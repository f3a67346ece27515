"""Block Kit pieces Hansei's Slack messages are made of. Every text from Hansei (a title, a
name) is escaped for Slack's mrkdwn, so a title cannot mention @channel or fake a link, and
every text is cut to the length Slack accepts (a longer block makes the whole call fail)."""

from __future__ import annotations

from typing import Any

Block = dict[str, Any]

# Slack's limits: a section's text, a header's, a context element's, an option's label.
SECTION_CHARS = 3000
HEADER_CHARS = 150
CONTEXT_CHARS = 2000
OPTION_CHARS = 75
MAX_CONTEXT_ELEMENTS = 10


def escape(text: str) -> str:
    """Text shown as itself in mrkdwn: Slack's three control characters escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cut(text: str, limit: int) -> str:
    text = " ".join(text.split()) if "\n" not in text else text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def link(url: str, label: str) -> str:
    """``<url|label>``: a link whose label is shown as plain text."""
    safe_url = url.replace("|", "%7C").replace(">", "%3E").replace("<", "%3C")
    return f"<{safe_url}|{escape(cut(label, 500)).replace('|', '¦')}>"


def plain(text: str, limit: int = HEADER_CHARS) -> dict[str, Any]:
    return {"type": "plain_text", "text": cut(text, limit) or " ", "emoji": False}


def header(text: str) -> Block:
    return {"type": "header", "text": plain(text, HEADER_CHARS)}


def section(mrkdwn: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": cut(mrkdwn, SECTION_CHARS)}}


def context(*texts: str) -> Block:
    elements = [
        {"type": "mrkdwn", "text": cut(text, CONTEXT_CHARS)} for text in texts if text.strip()
    ]
    return {"type": "context", "elements": elements[:MAX_CONTEXT_ELEMENTS]}


def ephemeral(text: str, blocks: list[Block]) -> dict[str, Any]:
    """A slash command's answer only its caller sees."""
    return {"response_type": "ephemeral", "text": cut(text, SECTION_CHARS), "blocks": blocks}
