"""PagerDuty v3 webhooks (https://developer.pagerduty.com/docs/webhooks/v3-overview/).

Every delivery is signed: ``X-PagerDuty-Signature: v1=<hex HMAC-SHA256 of the raw body>``, with
several comma-separated signatures while a secret is being rotated.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

from hansei.integrations.intake import (
    ACKNOWLEDGE,
    RESOLVE,
    TRIGGER,
    IntakeEvent,
    PayloadError,
    Person,
    parse_time,
    require,
    text,
)

ACTIONS = {
    "incident.triggered": TRIGGER,
    "incident.acknowledged": ACKNOWLEDGE,
    "incident.resolved": RESOLVE,
}


def authenticate(headers: Mapping[str, str], body: bytes, secret: str) -> bool:
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    found = False
    for signature in headers.get("X-PagerDuty-Signature", "").split(","):
        version, _sep, digest = signature.strip().partition("=")
        # Compare every candidate, in constant time each, so timing says nothing.
        if version == "v1" and hmac.compare_digest(digest.lower().encode(), expected.encode()):
            found = True
    return found


def _person(reference: Any) -> Person | None:
    if not isinstance(reference, dict):
        return None
    person = Person(email=text(reference.get("email")), name=text(reference.get("summary")))
    return person if person.email or person.name else None


def parse(payload: Any, body: bytes) -> IntakeEvent | None:
    event = require(payload, "event")
    event_type = text(require(event, "event_type", "event."))
    action = ACTIONS.get(event_type)
    if action is None:
        return None
    data = require(event, "data", "event.")
    incident_id = text(require(data, "id", "event.data."))
    occurred_at = parse_time(require(event, "occurred_at", "event."), "event.occurred_at")
    created = data.get("created_at")
    service = data.get("service") if isinstance(data.get("service"), dict) else {}
    priority = data.get("priority") if isinstance(data.get("priority"), dict) else {}
    assignees = [p for p in map(_person, data.get("assignees") or []) if p is not None]
    actor = _person(event.get("agent"))
    if action == TRIGGER and not text(data.get("title")):
        raise PayloadError("missing field: event.data.title")
    return IntakeEvent(
        external_id=incident_id,
        action=action,
        event_type=event_type,
        event_id=text(require(event, "id", "event.")),
        occurred_at=occurred_at,
        started_at=parse_time(created, "event.data.created_at") if created else None,
        title=text(data.get("title")) or incident_id,
        url=text(data.get("html_url")),
        severity_labels=[
            label for label in (text(priority.get("summary")), text(data.get("urgency"))) if label
        ],
        service_names=[
            name for name in (text(service.get("id")), text(service.get("summary"))) if name
        ],
        actor=actor,
        responders=assignees + ([actor] if actor and action == ACKNOWLEDGE else []),
        detail=text(data.get("resolve_reason")) if action == RESOLVE else "",
    )
