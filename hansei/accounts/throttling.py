"""Sign-in throttling: how django-axes sees a sign-in attempt (settings ``AXES_*`` point here).

Axes sits in front of every password sign-in (``AxesStandaloneBackend`` is the first
authentication backend, so the sign-in page, ``/admin/login/`` and anything else that calls
``authenticate()`` are throttled alike) and counts failures in the database, which every
server process shares.

The policy:

* failures are counted per **normalized user name** (``normalize_username``): " emma",
  "EMMA" and "ｅｍｍａ" all count against "emma", and none of them signs in while it is locked;
* **per name only, not per name and address**: an attacker who rotates addresses still gets
  ``LOGIN_MAX_FAILURES`` guesses per ``LOGIN_LOCKOUT_SECONDS`` at an account, no more;
* **not per address** either: behind a load balancer or an office NAT many people share one
  address, and one attacker there would lock all of them out. A lockout closes password
  sign-in to one account for a while and nothing else: single sign-on, API tokens and
  sessions already signed in keep working;
* attempts refused during a lockout are not counted, so an attacker cannot extend it: it ends
  ``LOGIN_LOCKOUT_SECONDS`` after the failure that started it. A successful sign-in resets the
  name's count.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from hansei.accounts.models import normalize_username


def throttled_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> Any:
    """``AXES_USERNAME_CALLABLE``: the normalized name an attempt is counted against, or None
    when there is none (single sign-on callbacks carry no user name and are not counted)."""
    raw = (credentials or {}).get("username")
    if raw is None and request is not None and request.method == "POST":
        raw = request.POST.get("username")
    if not isinstance(raw, str):
        return None
    return normalize_username(raw) or None


def failure_limit(request: HttpRequest | None, credentials: dict[str, Any] | None) -> int:
    """``AXES_FAILURE_LIMIT``: read when used, so ``LOGIN_MAX_FAILURES`` stays the setting."""
    return int(settings.LOGIN_MAX_FAILURES)


def lockout_duration(request: HttpRequest | None = None) -> timedelta:
    """``AXES_COOLOFF_TIME``: how long a locked-out name stays locked."""
    return timedelta(seconds=int(settings.LOGIN_LOCKOUT_SECONDS))
