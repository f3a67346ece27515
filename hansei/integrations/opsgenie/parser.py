"""Opsgenie outgoing webhook integration (alert actions Create, Acknowledge, Close).

Opsgenie does not sign its webhooks: the integration adds a custom header,
``Authorization: Bearer <secret>``, to every request.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from hansei.integrations.intake import (
    ACKNOWLEDGE,
    RESOLVE,
    TRIGGER,
    IntakeEvent,
    PayloadError,
    Person,
    bearer_or_basic,
    parse_time,
    require,
    text,
)

ACTIONS = {"Create": TRIGGER, "Acknowledge": ACKNOWLEDGE, "Close": RESOLVE}


def authenticate(headers: Mapping[str, str], body: bytes, secret: str) -> bool:
    return bearer_or_basic(headers, secret, basic=False)


def _person(value: Any) -> Person | None:
    """Opsgenie names people by their username, which is their email address."""
    name = text(value)
    if not name or name.lower() == "system":
        return None
    try:
        validate_email(name)
    except ValidationError:
        return Person(name=name)
    return Person(email=name, name=name)


def parse(payload: Any, body: bytes) -> IntakeEvent | None:
    action = ACTIONS.get(text(require(payload, "action")))
    if action is None:
        return None
    alert = require(payload, "alert")
    external_id = text(alert.get("alertId")) or text(alert.get("alias"))
    if not external_id:
        raise PayloadError("missing field: alert.alertId")
    if action == TRIGGER:
        occurred_at = parse_time(require(alert, "createdAt", "alert."), "alert.createdAt")
    elif alert.get("updatedAt"):
        occurred_at = parse_time(alert["updatedAt"], "alert.updatedAt")
    else:
        occurred_at = timezone.now()
    created = alert.get("createdAt")
    responders = [
        person
        for person in (
            _person(r.get("name"))
            for r in alert.get("responders") or []
            if isinstance(r, dict) and r.get("type") == "user"
        )
        if person is not None
    ]
    actor = _person(alert.get("username")) if action != TRIGGER else None
    tags = [text(tag) for tag in alert.get("tags") or [] if text(tag)]
    return IntakeEvent(
        external_id=external_id,
        action=action,
        event_type=text(payload["action"]),
        occurred_at=occurred_at,
        started_at=parse_time(created, "alert.createdAt") if created else None,
        title=text(alert.get("message")) or external_id,
        severity_labels=_priority_labels(alert.get("priority")),
        service_names=[name for name in [text(alert.get("entity")), *tags] if name],
        actor=actor,
        responders=responders + ([actor] if actor else []),
        detail=text(alert.get("note")),
    )


def _priority_labels(priority: Any) -> list[str]:
    """Opsgenie sends "P1".."P5"; older webhook payloads send the number alone (3 for P3)."""
    if isinstance(priority, int) and not isinstance(priority, bool) and 1 <= priority <= 5:
        return [f"P{priority}"]
    return [text(priority)] if text(priority) else []
