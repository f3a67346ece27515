"""How API requests authenticate: a bearer token, or the browser's session (with CSRF)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from hansei.accounts.models import TOKEN_PREFIX, ApiToken, User, hash_token

# last_used_at is informative; writing it on every request would serialize readers on SQLite.
LAST_USED_RESOLUTION = timedelta(minutes=1)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def user_for_token(raw: str) -> User | None:
    """The active user a raw token belongs to, or None. Records when the token was used."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_token(raw)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


class TokenAuth(HttpBearer):
    """``Authorization: Bearer hansei_...``; tokens are made on the settings page."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = user_for_token(token.strip())
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The signed-in browser session. Unsafe methods must carry the CSRF token.

    Unlike ninja's stock class, CSRF is checked only once a session user is found, so a
    request with neither a session nor a valid token gets 401, not a CSRF 403.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise HttpError(403, "CSRF check failed: send the X-CSRFToken header with the token.")
        return user


api_auth = [TokenAuth(), SessionAuth()]


def actor_of(request: HttpRequest) -> User:
    """The user an authenticated API request acts for."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):  # pragma: no cover - every endpoint requires auth
        raise HttpError(401, "Authentication required.")
    return user
