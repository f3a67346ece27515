"""One HTTP call to a tracker's API, turned into the transport contract: the decoded JSON
answer, or ``TransportError``.

Which failures are permanent: a 4xx other than 408, 409 and 429 (a wrong token, project or
field, a deleted issue), a redirect (never followed: an API address that moved must be entered
anew) and a URL that is not one. A 5xx, a 408, a 409, a 429, a timeout or a refused
connection is temporary: the queue tries again later, with backoff.
"""

from __future__ import annotations

import json
import os
from typing import Any

import httpx
from django.conf import settings

from hansei.integrations.transport import TransportError

USER_AGENT = "Hansei (action item sync)"
REASON_CHARS = 200


def token_of(variable: str) -> str:
    """The API token from the environment variable a configuration names."""
    token = os.environ.get(variable, "").strip()
    if not token:
        raise TransportError(f"the environment variable {variable} is not set", permanent=True)
    return token


def call(
    method: str,
    url: str,
    *,
    headers: dict[str, str],
    payload: Any = None,
    params: dict[str, str] | None = None,
) -> Any:
    """Send one request; the JSON answer (None for an empty one) if it is a 2xx."""
    sent = {"Accept": "application/json", "User-Agent": USER_AGENT, **headers}
    body = None
    if payload is not None:
        body = json.dumps(payload).encode()
        sent["Content-Type"] = "application/json"
    try:
        response = httpx.request(
            method,
            url,
            content=body,
            headers=sent,
            params=params,
            timeout=settings.HANSEI_TRACKER_TIMEOUT,
        )
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
        raise TransportError(f"not a usable URL: {exc}", permanent=True) from exc
    except httpx.TimeoutException as exc:
        raise TransportError("no answer in time") from exc
    except httpx.HTTPError as exc:
        raise TransportError(f"could not connect: {exc}") from exc
    if not response.is_success:
        raise refusal(response)
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError as exc:
        raise TransportError("the answer is not JSON", permanent=True) from exc


def refusal(response: httpx.Response) -> TransportError:
    status = response.status_code
    reason = f"HTTP {status} {response.reason_phrase}".rstrip()
    text = " ".join(response.content[: REASON_CHARS * 4].decode("utf-8", "replace").split())
    if text:
        reason = f"{reason}: {text[:REASON_CHARS]}"
    if response.is_redirect:
        return TransportError(f"{reason} (redirects are not followed)", permanent=True)
    temporary = status in (408, 409, 429) or status >= 500 or _rate_limited(response)
    return TransportError(reason, permanent=not temporary)


def _rate_limited(response: httpx.Response) -> bool:
    """A GraphQL API (Linear) may answer a rate limit with a 400 whose error says so."""
    if response.status_code != 400:
        return False
    try:
        errors = response.json().get("errors") or []
    except (ValueError, AttributeError):
        return False
    codes = {
        str((error.get("extensions") or {}).get("code", "")).upper()
        for error in errors
        if isinstance(error, dict) and isinstance(error.get("extensions") or {}, dict)
    }
    return "RATELIMITED" in codes
