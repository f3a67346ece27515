"""Intake webhooks: check a delivery, turn it into one Hansei incident per outside incident or
alert group, and log every delivery, accepted or not.

A delivery is processed in one transaction (incident, links, events, draft postmortem, email job
and its Delivery row commit together). A refused or failed delivery is logged afterwards, on its
own, so the log keeps it even though nothing else was written.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hansei.accounts.models import User
from hansei.core import events
from hansei.core.audit import storable
from hansei.core.request_guard import BadInput, check_json_value
from hansei.incidents.events import INCIDENT_RECORDED, INCIDENT_UPDATED
from hansei.incidents.history import record_event
from hansei.incidents.models import (
    MILESTONES,
    DetectionMethod,
    Incident,
    IncidentEventKind,
    Service,
    Severity,
)
from hansei.incidents.services import announce_resolution, validate_milestones
from hansei.integrations.intake import (
    ACKNOWLEDGE,
    RESOLVE,
    TRIGGER,
    IntakeEvent,
    PayloadError,
    body_hash,
    parser_for,
)
from hansei.integrations.models import Delivery, ExternalIncident, Integration, Kind, Outcome
from hansei.integrations.owners import draft_required_postmortem

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024
EXCERPT_CHARS = 4096
ORDER = [name for name, _label in MILESTONES]


@dataclass
class Answer:
    """What the endpoint replies, and what the delivery log records."""

    status: int
    outcome: str
    detail: str
    incident_id: int | None = None


@dataclass
class _Log:
    integration: Integration | None
    kind: str
    body: bytes
    remote_addr: str | None
    event_type: str = ""
    event_key: str = ""
    external_id: str = ""

    def save(self, answer: Answer) -> Answer:
        excerpt = self.body[:EXCERPT_CHARS].decode("utf-8", errors="replace")
        if self.integration and self.integration.secret:
            excerpt = excerpt.replace(self.integration.secret, "[secret]")
        Delivery.objects.create(
            integration=self.integration,
            kind=storable(self.kind)[:20],
            outcome=answer.outcome,
            status_code=answer.status,
            reason=storable(answer.detail)[:500],
            event_type=storable(self.event_type)[:100],
            event_key=storable(self.event_key)[:200],
            external_id=storable(self.external_id)[:300],
            incident_id=answer.incident_id,
            body_excerpt=storable(excerpt),
            remote_addr=self.remote_addr,
        )
        level = logging.INFO if answer.status < 400 else logging.WARNING
        log.log(
            level, "intake %s %s: %s %s", self.kind, answer.outcome, answer.status, answer.detail
        )
        return answer


def _refuse(status: int, detail: str) -> Answer:
    return Answer(status=status, outcome=Outcome.REJECTED, detail=detail)


def receive_delivery(
    *,
    kind: str,
    token: str,
    headers: Mapping[str, str],
    body: bytes,
    remote_addr: str | None = None,
) -> Answer:
    """Everything one POST to /hooks/<kind>/<token>/ does; never raises."""
    integration = Integration.objects.filter(token=token, kind=kind).first()
    entry = _Log(integration=integration, kind=kind, body=body, remote_addr=remote_addr)
    if kind not in Kind.values or integration is None:
        return entry.save(_refuse(404, _("Unknown integration.")))
    if not integration.is_active:
        return entry.save(_refuse(410, _("This integration is turned off.")))
    if len(body) > MAX_BODY_BYTES:
        return entry.save(_refuse(413, _("The body is larger than 1 MB.")))
    parser = parser_for(kind)
    if not parser.authenticate(headers, body, integration.secret):
        return entry.save(_refuse(401, _("Bad signature or credentials.")))
    try:
        payload = json.loads(body)
        check_json_value(payload, max_integer=None)  # timestamps may be in nanoseconds
    except (ValueError, UnicodeDecodeError, RecursionError):
        return entry.save(_refuse(400, _("The body is not valid JSON.")))
    except BadInput as bad:
        where = f" ({bad.field})" if bad.field != "__all__" else ""
        return entry.save(_refuse(400, f"{bad.message}{where}"))
    try:
        event = parser.parse(payload, body)
    except PayloadError as exc:
        return entry.save(_refuse(400, str(exc)))
    except (TypeError, AttributeError, KeyError, IndexError, ValueError, OverflowError) as exc:
        # A field of another type than the tool documents (a list for an object, a number
        # for a list...): the parsers read documented shapes only.
        log.info("intake %s: unexpected payload shape: %r", kind, exc)
        shape = _("The payload does not have the shape %(tool)s sends.") % {
            "tool": integration.get_kind_display()
        }
        return entry.save(_refuse(400, shape))
    if event is None:
        entry.event_type = _event_type(payload)
        ignored = _("Event type not used by Hansei: %(type)s") % {"type": entry.event_type or "?"}
        return entry.save(Answer(status=202, outcome=Outcome.IGNORED, detail=ignored))
    entry.event_type = event.event_type
    entry.event_key = event.event_id or body_hash(body)
    entry.external_id = event.external_id
    try:
        with transaction.atomic():
            answer = _process(integration, event, entry)
            if answer.outcome == Outcome.ACCEPTED:
                return entry.save(answer)
    except ValidationError as exc:
        return entry.save(_refuse(400, "; ".join(exc.messages)))
    except Exception:  # logged with its reason; the transaction rolled back, nothing half-written
        log.exception("intake %s delivery failed", kind)
        return entry.save(_refuse(500, _("Hansei could not process this delivery.")))
    return entry.save(answer)


def _event_type(payload: object) -> str:
    if not isinstance(payload, dict):
        return ""
    event = payload.get("event")
    found = (event.get("event_type") if isinstance(event, dict) else None) or payload.get(
        "action", payload.get("status", "")
    )
    return str(found)[:100]


def _process(integration: Integration, event: IntakeEvent, entry: _Log) -> Answer:
    # One delivery at a time per integration: duplicates and a group's first events cannot race.
    Integration.objects.select_for_update().filter(pk=integration.pk).first()
    earlier = Delivery.objects.filter(
        integration=integration, event_key=entry.event_key, outcome=Outcome.ACCEPTED
    ).first()
    if earlier is not None:
        return Answer(
            status=200,
            outcome=Outcome.DUPLICATE,
            detail=_("Already processed."),
            incident_id=earlier.incident_id,
        )
    incident = apply_intake_event(integration=integration, event=event, event_key=entry.event_key)
    return Answer(
        status=200, outcome=Outcome.ACCEPTED, detail=_("Accepted."), incident_id=incident.pk
    )


# --- turning an outside event into an incident ----------------------------------------------


@transaction.atomic
def apply_intake_event(*, integration: Integration, event: IntakeEvent, event_key: str) -> Incident:
    """Create or update the one incident for ``event.external_id``. Milestones only move
    forward (set when empty) or, for start and detection, earlier."""
    link = ExternalIncident.objects.filter(
        integration=integration, external_id=event.external_id
    ).first()
    if link is None:
        link = _open_incident(integration, event)
    incident = Incident.objects.select_for_update().get(pk=link.incident_id)
    tool = integration.get_kind_display()
    before = {name: getattr(incident, name) for name in ORDER}
    changed = _merge_milestones(incident, event)
    validate_milestones({name: getattr(incident, name) for name in ORDER})
    severity_note = _escalate(incident, integration, event)
    acknowledger = user_for(event.actor) if event.action == ACKNOWLEDGE else None
    if acknowledger and incident.first_acknowledged_by_id is None and "acknowledged_at" in changed:
        incident.first_acknowledged_by = acknowledger
    incident.full_clean(exclude=["postmortem", "created_by"])
    incident.save()
    _add_services(incident, integration, event)
    ref = f"{integration.kind}:{event_key[:64]}:{event.action}"
    _record(incident, integration, event, ref, tool)
    if severity_note:
        record_event(
            incident=incident,
            kind=IncidentEventKind.SEVERITY,
            text=severity_note,
            occurred_at=event.occurred_at,
            source=integration.kind,
            key=f"{ref}:severity",
        )
    _add_responders(incident, integration, event)
    link.last_status = event.event_type[:30]
    link.url = link.url or event.url[:500]
    link.save()
    events.emit(INCIDENT_UPDATED, incident_id=incident.pk)
    announce_resolution(incident, was_resolved=before["resolved_at"] is not None, actor=None)
    if before["resolved_at"] is None and incident.resolved_at is not None:
        draft_required_postmortem(integration=integration, incident=incident)
    return incident


def _open_incident(integration: Integration, event: IntakeEvent) -> ExternalIncident:
    started = min(event.started_at or event.occurred_at, event.occurred_at)
    incident = Incident(
        title=" ".join(event.title.split())[:200],
        severity=_mapped_severity(integration, event) or integration.default_severity,
        team=integration.team,
        started_at=started,
        detected_at=started,
        detection_method=DetectionMethod.ALERT,
    )
    validate_milestones({"started_at": started, "detected_at": started})
    incident.full_clean(exclude=["postmortem", "created_by"])
    incident.save()
    link = ExternalIncident.objects.create(
        integration=integration,
        external_id=event.external_id,
        incident=incident,
        url=event.url[:500],
    )
    record_event(
        incident=incident,
        kind=IncidentEventKind.CREATED,
        text=_("Opened from %(tool)s: %(title)s")
        % {"tool": integration.get_kind_display(), "title": event.title},
        occurred_at=started,
        source=integration.kind,
        key=f"{integration.kind}:{event.external_id}:opened"[:200],
    )
    events.emit(INCIDENT_RECORDED, incident_id=incident.pk)
    return link


def _bounds(incident: Incident, name: str) -> tuple[datetime | None, datetime | None]:
    """The latest milestone before ``name`` and the earliest after it."""
    index = ORDER.index(name)
    before = [getattr(incident, n) for n in ORDER[:index] if getattr(incident, n)]
    after = [getattr(incident, n) for n in ORDER[index + 1 :] if getattr(incident, n)]
    return max(before, default=None), min(after, default=None)


def _fill(incident: Incident, name: str, when: datetime) -> bool:
    """Set an empty milestone, kept between its neighbours; never moves a set one."""
    if getattr(incident, name) is not None:
        return False
    lower, upper = _bounds(incident, name)
    when = max(when, lower) if lower else when
    if upper and when > upper:
        when = upper
    setattr(incident, name, when)
    return True


def _merge_milestones(incident: Incident, event: IntakeEvent) -> set[str]:
    changed: set[str] = set()
    if event.action == TRIGGER:
        detected = event.occurred_at
        started = min(event.started_at or detected, detected)
        if started < incident.started_at:
            incident.started_at = started
            changed.add("started_at")
        if incident.detected_at is None or detected < incident.detected_at:
            incident.detected_at = max(detected, incident.started_at)
            changed.add("detected_at")
    elif event.action == ACKNOWLEDGE:
        if _fill(incident, "acknowledged_at", event.occurred_at):
            changed.add("acknowledged_at")
    elif event.action == RESOLVE:
        for name in ("mitigated_at", "resolved_at"):
            if _fill(incident, name, event.occurred_at):
                changed.add(name)
    return changed


def _mapped_severity(integration: Integration, event: IntakeEvent) -> Severity | None:
    """The worst severity the integration's mapping gives the outside labels, if any."""
    mapping = {str(k).strip().lower(): v for k, v in (integration.severity_mapping or {}).items()}
    levels = []
    for label in event.severity_labels:
        try:
            levels.append(int(mapping[label.lower()]))
        except (KeyError, TypeError, ValueError):
            continue
    if not levels:
        return None
    return Severity.objects.filter(level__in=levels).order_by("level").first()


def _escalate(incident: Incident, integration: Integration, event: IntakeEvent) -> str:
    """Raise the severity when the outside tool says worse; never lower it silently."""
    mapped = _mapped_severity(integration, event)
    if mapped is None or mapped.level >= incident.severity.level:
        return ""
    note = _("Severity raised from %(old)s to %(new)s (%(tool)s: %(labels)s)") % {
        "old": incident.severity,
        "new": mapped,
        "tool": integration.get_kind_display(),
        "labels": ", ".join(event.severity_labels),
    }
    incident.severity = mapped
    return note


class Named(Protocol):
    """Someone an outside tool names: an intake's responder, a tracker's assignee."""

    @property
    def email(self) -> str: ...

    @property
    def name(self) -> str: ...


def user_for(person: Named | None) -> User | None:
    """A Hansei user by email, else by a display name only one active user has."""
    if person is None:
        return None
    users = User.objects.filter(is_active=True)
    if person.email:
        found = users.filter(email__iexact=person.email).order_by("pk").first()
        if found is not None:
            return found
    if person.name:
        named = list(users.filter(display_name__iexact=person.name)[:2])
        if len(named) == 1:
            return named[0]
    return None


def _add_services(incident: Incident, integration: Integration, event: IntakeEvent) -> None:
    mapping = {
        str(k).strip().lower(): str(v) for k, v in (integration.service_mapping or {}).items()
    }
    slugs = {mapping[name.lower()] for name in event.service_names if name.lower() in mapping}
    if slugs:
        incident.services.add(*Service.objects.filter(slug__in=slugs))


def _add_responders(incident: Incident, integration: Integration, event: IntakeEvent) -> None:
    known = set(incident.responders.values_list("pk", flat=True))
    for person in event.responders:
        user = user_for(person)
        if user is None or user.pk in known:
            continue
        known.add(user.pk)
        incident.responders.add(user)
        record_event(
            incident=incident,
            kind=IncidentEventKind.RESPONDER,
            text=_("%(who)s joined the response (%(tool)s)")
            % {"who": user.name, "tool": integration.get_kind_display()},
            occurred_at=event.occurred_at,
            source=integration.kind,
            key=f"{integration.kind}:responder:{user.pk}",
            actor=user,
        )


def _record(
    incident: Incident, integration: Integration, event: IntakeEvent, key: str, tool: str
) -> None:
    who = str(event.actor) if event.actor else ""
    if event.action == TRIGGER:
        kind, text = IncidentEventKind.ALERT, _("Triggered in %(tool)s: %(title)s")
    elif event.action == ACKNOWLEDGE:
        # Hansei's own milestone entry is the key event; this one says who, in which tool.
        kind = IncidentEventKind.STATUS
        text = _("Acknowledged in %(tool)s by %(who)s") if who else _("Acknowledged in %(tool)s")
    else:
        kind = IncidentEventKind.STATUS
        text = _("Resolved in %(tool)s by %(who)s") if who else _("Resolved in %(tool)s")
    text = text % {"tool": tool, "title": event.title, "who": who}
    if event.detail:
        text = f"{text} — {event.detail}"
    record_event(
        incident=incident,
        kind=kind,
        text=text,
        occurred_at=event.occurred_at,
        source=integration.kind,
        key=key,
        actor=user_for(event.actor),
    )
