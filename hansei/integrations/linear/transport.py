"""Linear's GraphQL API (https://linear.app/developers/graphql): one endpoint,
POST {base_url}/graphql, with a token from the environment.

A personal API key (``lin_api_…``) is sent as it is in ``Authorization``; an OAuth access
token (``lin_oauth_…``) as ``Bearer <token>``. GraphQL reports its errors inside a 200
answer (``{"errors": [...]}``): they are permanent failures, except a rate limit
(``extensions.code`` RATELIMITED), which the queue retries later. HTTP failures keep the
shared rules of ``trackers/http.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hansei.integrations.trackers.http import REASON_CHARS, call, token_of
from hansei.integrations.trackers.models import TrackerConfig
from hansei.integrations.transport import TransportError

OAUTH_PREFIX = "lin_oauth_"
RATE_LIMITED = "ratelimited"


def authorization(token: str) -> str:
    return f"Bearer {token}" if token.startswith(OAUTH_PREFIX) else token


def graphql(config: TrackerConfig, query: str, variables: Mapping[str, Any]) -> dict[str, Any]:
    """Run one query or mutation; its ``data`` object, or ``TransportError``."""
    headers = {"Authorization": authorization(token_of(config.token_variable))}
    answer = call(
        "POST",
        f"{config.base_url}/graphql",
        headers=headers,
        payload={"query": query, "variables": dict(variables)},
    )
    if not isinstance(answer, dict):
        raise TransportError("the answer is not a GraphQL response", permanent=True)
    errors = answer.get("errors")
    if errors:
        raise graphql_error(errors)
    data = answer.get("data")
    if not isinstance(data, dict):
        raise TransportError("the GraphQL answer has no data", permanent=True)
    return data


def graphql_error(errors: object) -> TransportError:
    """The first GraphQL error, as a transport failure: temporary only for a rate limit."""
    first = errors[0] if isinstance(errors, list) and errors else {}
    first = first if isinstance(first, dict) else {}
    extensions = first.get("extensions")
    extensions = extensions if isinstance(extensions, dict) else {}
    # Linear's documentation names extensions.code; its SDK reads extensions.type.
    kinds = {str(extensions.get(name) or "").lower() for name in ("code", "type")}
    message = " ".join(str(first.get("message") or "GraphQL error").split())[:REASON_CHARS]
    code = str(extensions.get("code") or "")[:50]
    reason = f"Linear: {message}" + (f" ({code})" if code else "")
    return TransportError(reason, permanent=RATE_LIMITED not in kinds)
