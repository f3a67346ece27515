from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest

if TYPE_CHECKING:
    from hansei.accounts.models import User


class AuthedRequest(HttpRequest):
    """The request of a view behind ``login_required``: its user is a signed-in ``User``."""

    user: User


def absolute_url(path: str) -> str:
    """``path`` on the address people reach Hansei at (for e-mails, chat and links out)."""
    return f"{settings.BASE_URL}{path}"


def is_htmx(request: HttpRequest) -> bool:
    """An htmx request, answered with a fragment instead of a whole page."""
    return request.headers.get("HX-Request") == "true"
