"""Record what happens to an incident, once. Called by incident services and intake webhooks."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from hansei.accounts.models import User
from hansei.core import events
from hansei.incidents.events import INCIDENT_EVENT_RECORDED
from hansei.incidents.models import Incident, IncidentEvent


def record_event(
    *,
    incident: Incident,
    kind: str,
    text: str,
    occurred_at: datetime | None = None,
    source: str = "hansei",
    key: str = "",
    actor: User | None = None,
) -> IncidentEvent | None:
    """Add an event to the incident's history and announce it; with a ``key``, recording
    twice does nothing (returns None the second time)."""
    if key and IncidentEvent.objects.filter(incident=incident, key=key).exists():
        return None
    try:
        with transaction.atomic():
            event = IncidentEvent.objects.create(
                incident=incident,
                kind=kind,
                text=text[:2000],
                occurred_at=occurred_at or timezone.now(),
                source=source,
                key=key[:200],
                actor=actor,
            )
    except IntegrityError:
        if key:  # recorded concurrently by another request: the same event
            return None
        raise
    events.emit(
        INCIDENT_EVENT_RECORDED,
        actor_id=actor.pk if actor else None,
        incident_id=incident.pk,
        object_id=event.pk,
    )
    return event
