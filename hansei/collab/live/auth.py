"""Who is on the other end of a WebSocket.

Browsers are signed in by their session cookie; because browsers send cookies on cross-site
WebSocket handshakes too, those connections must come from one of our own origins (the
WebSocket form of CSRF). Programs (the y-websocket Node client, scripts) send an API token
instead, as ``Authorization: Bearer <token>`` or, when their WebSocket library cannot set
headers, as ``?token=<token>`` (a URL may end up in proxy logs: prefer the header).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from asgiref.sync import sync_to_async
from channels.auth import AuthMiddlewareStack
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import close_old_connections
from django.http.request import split_domain_port, validate_host

from hansei.accounts.auth import user_for_token

CLOSE_FORBIDDEN = 4403
DEFAULT_PORTS = {"http": 80, "https": 443}


def _token_of(scope: dict[str, Any]) -> str:
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            scheme, _, raw = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer":
                return raw.strip()
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    return (query.get("token") or [""])[0]


def _user_for_token(raw: str) -> Any:
    close_old_connections()
    return user_for_token(raw) or AnonymousUser()


def _header(scope: dict[str, Any], name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return ""


def _origin(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an http(s) origin or URL; None if it is not one."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return parts.scheme, parts.hostname.lower(), port or DEFAULT_PORTS[parts.scheme]


def _trusted(origin: tuple[str, str, int], pattern: str) -> bool:
    """``pattern`` is an origin, or one with a ``*.`` subdomain wildcard (Django's
    CSRF_TRUSTED_ORIGINS form)."""
    wildcard = "://*." in pattern
    wanted = _origin(pattern.replace("://*.", "://", 1))
    if wanted is None or (origin[0], origin[2]) != (wanted[0], wanted[2]):
        return False
    if wildcard:
        return origin[1] == wanted[1] or origin[1].endswith("." + wanted[1])
    return origin[1] == wanted[1]


def origin_allowed(scope: dict[str, Any]) -> bool:
    """The handshake's Origin is this site's (scheme, host and port of the address the
    browser used, whose host must be an allowed host), HANSEI_BASE_URL's, or one of
    HANSEI_CSRF_TRUSTED_ORIGINS. Browsers always send Origin on WebSocket handshakes."""
    origin = _origin(_header(scope, b"origin"))
    if origin is None:
        return False
    host = _header(scope, b"host")
    domain, _port = split_domain_port(host)
    if domain and validate_host(domain, settings.ALLOWED_HOSTS):
        secure = scope.get("scheme") in ("wss", "https")
        own = _origin(f"{'https' if secure else 'http'}://{host}")
        if own == origin:
            return True
    trusted = [settings.BASE_URL, *settings.CSRF_TRUSTED_ORIGINS]
    return any(_trusted(origin, pattern) for pattern in trusted if pattern)


async def refuse(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Accept, then close with 4403: y-websocket clients stop reconnecting on 44xx (a refused
    handshake would make them retry forever)."""
    message = await receive()
    if message["type"] == "websocket.connect":
        await send({"type": "websocket.accept"})
        await send({"type": "websocket.close", "code": CLOSE_FORBIDDEN})


class WebSocketAuth:
    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.browser = AuthMiddlewareStack(inner)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        token = _token_of(scope)
        if token:
            user = await sync_to_async(_user_for_token)(token)
            return await self.inner(dict(scope, user=user), receive, send)
        if not origin_allowed(scope):
            return await refuse(scope, receive, send)
        return await self.browser(scope, receive, send)
