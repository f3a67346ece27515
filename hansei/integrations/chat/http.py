"""POSTing JSON to an incoming webhook, the way every chat transport does, turned into the
transport contract: a return once the system took it, else ``TransportError``.

Which failures are permanent: a 4xx other than 408 (timeout) and 429 (rate limit) means the
URL, token or payload is wrong, and sending again cannot help; so does a redirect (never
followed: a webhook URL that moved must be pasted anew) and a URL that is not one. A 5xx, a
408, a 429, a timeout or a refused connection is temporary: the queue tries again later.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from hansei.integrations.transport import TransportError

TIMEOUT_SECONDS = 10.0
REASON_BODY_CHARS = 200  # how much of the receiver's answer goes into a failure's reason
USER_AGENT = "Hansei (postmortem announcements)"


def post_json(url: str, payload: Any, *, headers: dict[str, str] | None = None) -> httpx.Response:
    """POST ``payload`` as JSON to ``url``; the response if it is a 2xx."""
    return post_body(url, json.dumps(payload).encode(), headers=headers)


def post_body(url: str, body: bytes, *, headers: dict[str, str] | None = None) -> httpx.Response:
    """POST a JSON ``body`` (already encoded, e.g. because it is signed) to ``url``."""
    response = send(url, body, headers=headers)
    if not response.is_success:
        raise refusal(response)
    return response


def send(url: str, body: bytes, *, headers: dict[str, str] | None = None) -> httpx.Response:
    """POST ``body``; whatever the receiver answered (``TransportError`` if none)."""
    sent = {"Content-Type": "application/json", "User-Agent": USER_AGENT, **(headers or {})}
    try:
        response = httpx.post(url, content=body, headers=sent, timeout=TIMEOUT_SECONDS)
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
        raise TransportError(f"not a usable URL: {exc}", permanent=True) from exc
    except httpx.TimeoutException as exc:
        raise TransportError(f"no answer within {TIMEOUT_SECONDS:.0f} s") from exc
    except httpx.HTTPError as exc:
        raise TransportError(f"could not connect: {exc}") from exc
    return response


def refusal(response: httpx.Response) -> TransportError:
    """The error for a response that is not a 2xx: its status and the start of its body."""
    status = response.status_code
    reason = f"HTTP {status} {response.reason_phrase}".rstrip()
    piece = body_excerpt(response)
    if piece:
        reason = f"{reason}: {piece}"
    if response.is_redirect:
        return TransportError(f"{reason} (redirects are not followed)", permanent=True)
    temporary = status in (408, 429) or status >= 500
    return TransportError(reason, permanent=not temporary)


def body_excerpt(response: httpx.Response) -> str:
    text = " ".join(response.content[: REASON_BODY_CHARS * 4].decode("utf-8", "replace").split())
    return text[:REASON_BODY_CHARS]
