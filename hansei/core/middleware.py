from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

TZ_COOKIE = "hansei_tz"


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
