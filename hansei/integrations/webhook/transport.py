"""Hansei's own outgoing webhook: a JSON document about what happened, signed so the receiver
can check it came from this Hansei and was not changed or replayed.

Body: ``{"event", "delivered_at", "headline", "postmortem": {...} | null}`` (the postmortem's
id, title, url, team, severity, owner, revision, change note, incident duration; ``null`` for a
test message and a digest). A weekly digest adds ``"digest": {"published", "in_review",
"overdue_postmortems", "overdue_action_items", "latest": [{"id", "title", "url"}]}``. Headers:

* ``X-Hansei-Event``: the event (``published``, ``amended``, ``submitted``, ``test``);
* ``X-Hansei-Delivery``: the delivery's idempotency key, the same on every retry of it, so a
  receiver drops a repeat;
* ``X-Hansei-Timestamp``: seconds since 1970 when it was signed (reject old ones);
* ``X-Hansei-Signature``: ``sha256=`` + the hex HMAC-SHA256, keyed with the route's secret, of
  ``"<timestamp>.<raw body>"``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import UTC, datetime
from typing import Any

from hansei.integrations.chat.http import post_body
from hansei.integrations.chat.message import ChatMessage


def payload(message: ChatMessage, *, now: datetime | None = None) -> dict[str, Any]:
    return {
        "event": message.event,
        "delivered_at": (now or datetime.now(tz=UTC)).isoformat(timespec="seconds"),
        "headline": message.headline,
        "postmortem": message.extra.get("postmortem"),
        **({"digest": message.extra["digest"]} if "digest" in message.extra else {}),
    }


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """What ``X-Hansei-Signature`` carries for ``body`` signed at ``timestamp``."""
    signed = timestamp.encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def notify(target: str, message: ChatMessage, *, secret: str = "") -> None:
    body = json.dumps(payload(message), ensure_ascii=False).encode()
    timestamp = str(int(time.time()))
    headers = {
        "X-Hansei-Event": message.event,
        "X-Hansei-Delivery": message.key,
        "X-Hansei-Timestamp": timestamp,
        "X-Hansei-Signature": signature(secret, timestamp, body),
    }
    post_body(target, body, headers=headers)
