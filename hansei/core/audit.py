"""The audit log: an append-only record of what people did that matters for security.

Who (the actor, and their user name at the time), what (an action such as
``postmortem.published``, its target, and the change: ``{"field": {"from": ..., "to": ...}}``),
when, and from where (the address and browser of the request, or the command line, or the
system itself). Services call ``record()`` inside their transaction, so an entry exists exactly
when the change it describes was committed.

Entries are never changed or deleted through the product: the model and its QuerySet refuse
it, the admin site shows none of them, and the page and the API only read. (A restore from a
backup replaces the whole database, the audit log with it.)

The request's address and user agent reach ``record()`` without passing through every service:
``AuditContextMiddleware`` puts them in a context variable for the request (contextvars follow
Django's sync views into their threads); ``hansei`` commands say ``via="cli"``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest, HttpResponse

from hansei.core.models import AuditEvent

SECRET = "[secret]"  # what a changed secret is recorded as


class Via:
    WEB = "web"
    API = "api"
    ADMIN = "admin"
    WEBHOOK = "webhook"
    CLI = "cli"
    SYSTEM = "system"


@dataclass(frozen=True)
class Origin:
    """Where the current change comes from."""

    via: str = Via.SYSTEM
    ip: str | None = None
    user_agent: str = ""


_origin: ContextVar[Origin | None] = ContextVar("hansei_audit_origin", default=None)
SYSTEM = Origin()


def current_origin() -> Origin:
    return _origin.get() or SYSTEM


@contextlib.contextmanager
def origin(via: str, ip: str | None = None, user_agent: str = "") -> Iterator[Origin]:
    """Everything recorded inside comes from ``via`` (e.g. ``origin("cli")`` in commands)."""
    where = Origin(via=via, ip=ip, user_agent=user_agent[:300])
    token = _origin.set(where)
    try:
        yield where
    finally:
        _origin.reset(token)


def _via_of(path: str) -> str:
    if path.startswith("/api/"):
        return Via.API
    if path.startswith("/admin/"):
        return Via.ADMIN
    if path.startswith("/hooks/"):
        return Via.WEBHOOK
    return Via.WEB


class AuditContextMiddleware:
    """Notes the request's address and user agent for the entries its changes record."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        ip = request.META.get("REMOTE_ADDR") or None
        agent = str(request.META.get("HTTP_USER_AGENT", ""))
        with origin(_via_of(request.path), ip=ip, user_agent=agent):
            return self.get_response(request)


def plain(value: Any) -> Any:
    """A value as JSON keeps it: dates as ISO text, model instances as their text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [plain(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    return str(value)


def change(before: Any, after: Any) -> dict[str, Any]:
    return {"from": plain(before), "to": plain(after)}


def changes_between(
    before: Mapping[str, Any], after: Mapping[str, Any], secrets: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """``{field: {"from", "to"}}`` for the fields whose value differs; secrets show as
    ``[secret]`` (the log says that a secret changed, never what it is)."""
    found = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if plain(old) == plain(new):
            continue
        found[name] = {"from": SECRET, "to": SECRET} if name in secrets else change(old, new)
    return found


def record(
    action: str,
    *,
    actor: Any = None,
    target: Any = None,
    target_type: str = "",
    target_id: Any = "",
    target_name: str = "",
    changes: Mapping[str, Any] | None = None,
    detail: str = "",
    actor_name: str = "",
) -> Any:
    """Write one entry. ``target`` may be a model instance (its type, id and text are taken);
    ``actor`` a user, or None for the system or an anonymous visitor (then ``actor_name`` may
    say who they claimed to be, e.g. the user name of a failed sign-in)."""
    where = current_origin()
    if target is not None:
        target_type = target_type or target._meta.model_name
        target_id = target_id or target.pk
        target_name = target_name or str(target)
    signed_in = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        action=action,
        actor=actor if signed_in else None,
        actor_name=(actor.get_username() if signed_in else actor_name)[:150],
        target_type=target_type[:64],
        target_id=str(target_id if target_id is not None else "")[:64],
        target_name=storable(target_name)[:300],
        changes=plain(dict(changes or {})),
        detail=storable(detail)[:500],
        via=where.via,
        ip=where.ip,
        user_agent=storable(where.user_agent)[:300],
    )


def storable(value: str) -> str:
    """Text every database keeps: no NUL, no lone surrogate (a log must never fail to write,
    whatever a request carried). The audit log's, the intake's and the trackers' logs use it."""
    return value.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


# --- sign-ins: Django's and django-axes' signals ----------------------------------------------

SSO_BACKEND = "hansei.accounts.sso.backend.OidcBackend"


def _signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    how = "single sign-on" if getattr(user, "backend", "") == SSO_BACKEND else "password"
    record("auth.signed_in", actor=user, target=user, detail=how)


def _signed_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record("auth.signed_out", actor=user, target=user)


def _sign_in_failed(sender: Any, credentials: Mapping[str, Any], **kwargs: Any) -> None:
    name = str(credentials.get("username", "") or "").strip()
    record("auth.sign_in_failed", actor_name=name, target_type="user", target_name=name)


def _locked_out(sender: Any, request: Any = None, username: Any = "", **kwargs: Any) -> None:
    name = str(username or "").strip()
    record(
        "auth.locked_out",
        actor_name=name,
        target_type="user",
        target_name=name,
        detail="too many failed sign-ins",
    )


def connect_sign_in_signals() -> None:
    user_logged_in.connect(_signed_in, dispatch_uid="hansei.audit.signed_in")
    user_logged_out.connect(_signed_out, dispatch_uid="hansei.audit.signed_out")
    user_login_failed.connect(_sign_in_failed, dispatch_uid="hansei.audit.sign_in_failed")
    user_locked_out.connect(_locked_out, dispatch_uid="hansei.audit.locked_out")
