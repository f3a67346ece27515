"""What every intake parser returns, whatever tool sent the delivery.

Each tool is a folder (``pagerduty/``, ``opsgenie/``...) with a ``parser.py`` that offers two
functions, the whole contract:

* ``authenticate(headers, body, secret) -> bool``: is the sender who it says it is;
* ``parse(payload, body) -> IntakeEvent | None``: the normalized event, ``None`` for an event type
  Hansei does not use, or ``PayloadError`` when a field it needs is missing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol, cast

from django.utils.dateparse import parse_datetime

from hansei.integrations.models import Kind

PARSERS: dict[str, str] = {
    Kind.PAGERDUTY: "hansei.integrations.pagerduty.parser",
    Kind.OPSGENIE: "hansei.integrations.opsgenie.parser",
    Kind.ALERTMANAGER: "hansei.integrations.alertmanager.parser",
    Kind.GRAFANA: "hansei.integrations.grafana.parser",
}

TRIGGER = "trigger"
ACKNOWLEDGE = "acknowledge"
RESOLVE = "resolve"


class PayloadError(Exception):
    """The delivery is JSON but lacks something Hansei needs (answered with a 400)."""


@dataclass(frozen=True)
class Person:
    email: str = ""
    name: str = ""

    def __str__(self) -> str:
        return self.name or self.email


@dataclass
class IntakeEvent:
    """One outside event, normalized. ``action`` is trigger, acknowledge or resolve."""

    external_id: str
    action: str
    event_type: str
    occurred_at: datetime
    title: str
    started_at: datetime | None = None
    event_id: str = ""  # the tool's own id for this event, when it has one
    url: str = ""
    severity_labels: list[str] = field(default_factory=list)
    service_names: list[str] = field(default_factory=list)
    actor: Person | None = None
    responders: list[Person] = field(default_factory=list)
    detail: str = ""


class Parser(Protocol):
    def authenticate(self, headers: Mapping[str, str], body: bytes, secret: str) -> bool: ...

    def parse(self, payload: Any, body: bytes) -> IntakeEvent | None: ...


def parser_for(kind: str) -> Parser:
    module: Parser = cast(Parser, importlib.import_module(PARSERS[kind]))
    return module


# --- helpers the parsers share ------------------------------------------------------------


def same_secret(given: str, secret: str) -> bool:
    return bool(given) and hmac.compare_digest(given.encode(), secret.encode())


def bearer_or_basic(headers: Mapping[str, str], secret: str, *, basic: bool = True) -> bool:
    """``Authorization: Bearer <secret>``, or HTTP Basic with the secret as the password."""
    scheme, _sep, credentials = headers.get("Authorization", "").strip().partition(" ")
    credentials = credentials.strip()
    if scheme.lower() == "bearer":
        return same_secret(credentials, secret)
    if basic and scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(credentials, validate=True).decode()
        except (ValueError, UnicodeDecodeError):
            return False
        return same_secret(decoded.partition(":")[2], secret)
    return False


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def require(mapping: Any, key: str, where: str = "") -> Any:
    """The value at ``key``, or a PayloadError naming the missing field."""
    if not isinstance(mapping, dict) or mapping.get(key) in (None, ""):
        raise PayloadError(f"missing field: {where}{key}")
    return mapping[key]


def text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def parse_time(value: Any, what: str = "time") -> datetime:
    """An ISO 8601 string, or a number of seconds, milliseconds or nanoseconds since 1970."""
    if isinstance(value, bool):
        raise PayloadError(f"not a time: {what}")
    if isinstance(value, int | float):
        number = float(value)
        for scale in (1e9, 1e6, 1e3):
            if number > scale * 1e8:  # after 1973 in that unit
                number /= scale
                break
        try:
            return datetime.fromtimestamp(number, tz=UTC)
        except (OverflowError, OSError, ValueError) as error:  # past what a date holds
            raise PayloadError(f"not a time: {what}") from error
    if isinstance(value, str):
        try:
            parsed = parse_datetime(value.strip())
        except ValueError:
            parsed = None
        if parsed is None:
            parsed = _parse_long_fraction(value.strip())
        if parsed is not None:
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    raise PayloadError(f"not a time: {what}")


def _parse_long_fraction(value: str) -> datetime | None:
    """Go writes nanoseconds ("09:52:26.739266876+02:00"); Python reads at most microseconds."""
    head, dot, rest = value.partition(".")
    if not dot:
        return None
    digits = len(rest) - len(rest.lstrip("0123456789"))
    try:
        return datetime.fromisoformat(f"{head}.{rest[: min(digits, 6)]}{rest[digits:]}")
    except ValueError:
        return None
