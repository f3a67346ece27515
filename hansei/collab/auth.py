"""Who is on the other end of a WebSocket.

Browsers are signed in by their session cookie; because browsers send cookies on cross-site
WebSocket handshakes too, those connections must come from one of our own origins (the
WebSocket form of CSRF). Programs (the y-websocket Node client, scripts) send an API token
instead, as ``Authorization: Bearer <token>`` or, when their WebSocket library cannot set
headers, as ``?token=<token>`` (a URL may end up in proxy logs: prefer the header).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from asgiref.sync import sync_to_async
from channels.auth import AuthMiddlewareStack
from channels.security.websocket import AllowedHostsOriginValidator
from django.contrib.auth.models import AnonymousUser


def _token_of(scope: dict[str, Any]) -> str:
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            scheme, _, raw = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer":
                return raw.strip()
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    return (query.get("token") or [""])[0]


def _user_for_token(raw: str) -> Any:
    from django.db import close_old_connections

    from hansei.accounts.auth import user_for_token

    close_old_connections()
    return user_for_token(raw) or AnonymousUser()


class WebSocketAuth:
    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.browser = AllowedHostsOriginValidator(AuthMiddlewareStack(inner))

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        token = _token_of(scope)
        if token:
            user = await sync_to_async(_user_for_token)(token)
            return await self.inner(dict(scope, user=user), receive, send)
        return await self.browser(scope, receive, send)
