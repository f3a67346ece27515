"""Per-request settings (time zone, language) and the security headers of every answer.

Header contract, tested in ``core/tests/test_headers.py``:
* every answer to a signed-in user and every ``/api/`` answer (errors and 401s too) is
  ``Cache-Control: private, no-store``; static files (served by WhiteNoise, above these
  middlewares) keep their long cache;
* every answer carries ``Permissions-Policy`` turning off the features in
  ``settings.PERMISSIONS_POLICY``;
* every answer carries the Content-Security-Policy of ``settings.CONTENT_SECURITY_POLICY``,
  with the site's own WebSocket origin added to ``connect-src``.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control

TZ_COOKIE = "hansei_tz"
API_PREFIX = "/api/"


def _zone(name: str) -> zoneinfo.ZoneInfo | None:
    try:
        return zoneinfo.ZoneInfo(name) if name else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


class UserPreferencesMiddleware:
    """Show times in the viewer's zone and pages in the viewer's language.

    The user's own settings win; otherwise the browser's time zone (a cookie set by the page's
    script) and the browser's Accept-Language (Django's LocaleMiddleware) are used.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        zone = None
        if user is not None and user.is_authenticated:
            zone = _zone(user.time_zone)
            if user.language:
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
        zone = zone or _zone(request.COOKIES.get(TZ_COOKIE, ""))
        if zone:
            timezone.activate(zone)
        else:
            timezone.deactivate()
        response = self.get_response(request)
        if user is not None and user.is_authenticated and user.language:
            response.headers.setdefault("Content-Language", user.language)
        return response


class PrivateResponseMiddleware:
    """``Cache-Control: private, no-store`` on what a browser or proxy must never keep: pages
    of a signed-in user and every API answer (whoever asked, whatever the status)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or request.path_info.startswith(API_PREFIX):
            patch_cache_control(response, private=True, no_store=True)
        return response


def permissions_policy_header(features: list[str]) -> str:
    """``camera=(), microphone=()``: each feature allowed to no origin at all."""
    return ", ".join(f"{feature}=()" for feature in features)


class PermissionsPolicyMiddleware:
    """The ``Permissions-Policy`` header: browser features Hansei never uses are off."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.header = permissions_policy_header(settings.PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


def websocket_origin(request: HttpRequest) -> str | None:
    """``ws://host:port`` (``wss://`` on a secure request) of the site, as the browser sees it.

    CSP's 'self' already covers same-origin WebSockets in current browsers; older ones (Safari
    before 15.4) need the origin spelled out. None when the Host header is not an allowed one.
    """
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    return f"{'wss' if request.is_secure() else 'ws'}://{host}"


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, plus the site's own WebSocket origin in ``connect-src``."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        origin = websocket_origin(request)
        if origin and not report_only:
            update = dict(parts.update or {})
            update["connect-src"] = [*update.get("connect-src", []), origin]
            parts.update = update
        return parts
