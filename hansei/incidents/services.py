"""Every change to incidents and to the postmortem policy."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hansei import access
from hansei.accounts.models import Team, User
from hansei.core import audit, events
from hansei.core.errors import InvalidState
from hansei.incidents.events import (
    INCIDENT_RECORDED,
    INCIDENT_RESOLVED,
    INCIDENT_UPDATED,
    POSTMORTEM_REQUESTED,
)
from hansei.incidents.history import record_event
from hansei.incidents.models import (
    MILESTONES,
    DetectionMethod,
    Incident,
    IncidentEventKind,
    Intervention,
    PostmortemPolicy,
    Service,
    Severity,
)

# Clock skew we tolerate between a browser and the server for "now".
FUTURE_TOLERANCE = timedelta(minutes=5)


@dataclass
class IncidentInput:
    title: str
    severity: Severity
    team: Team
    started_at: datetime
    summary: str = ""
    services: list[Service] = field(default_factory=list)
    commander: User | None = None
    responders: list[User] = field(default_factory=list)
    detected_at: datetime | None = None
    acknowledged_at: datetime | None = None
    mitigated_at: datetime | None = None
    resolved_at: datetime | None = None
    detection_method: str = DetectionMethod.ALERT
    downtime_minutes: int | None = None
    data_loss: bool = False
    intervention: str = Intervention.NONE
    monitoring_failure: bool = False
    billing_impact: bool = False
    stakeholder_request: bool = False


SCALAR_FIELDS = [f.name for f in fields(IncidentInput) if f.name not in {"services", "responders"}]


def validate_milestones(values: dict[str, datetime | None]) -> None:
    """Milestones must be in order (started ≤ detected ≤ ... ≤ resolved) and not in the future."""
    errors: dict[str, str] = {}
    if values.get("started_at") is None:
        errors["started_at"] = _("When the incident started is required.")
    latest = timezone.now() + FUTURE_TOLERANCE
    previous: tuple[str, datetime] | None = None
    for name, label in MILESTONES:
        value = values.get(name)
        if value is None:
            continue
        if value > latest:
            errors[name] = _("%(milestone)s cannot be in the future.") % {"milestone": label}
        elif previous and value < previous[1]:
            earlier_label = dict(MILESTONES)[previous[0]]
            errors[name] = _("%(milestone)s cannot be before %(earlier)s.") % {
                "milestone": label,
                "earlier": str(earlier_label).lower(),
            }
        previous = (name, value)
    if errors:
        raise ValidationError(errors)


def _validate(data: IncidentInput) -> None:
    errors: dict[str, str] = {}
    if not data.title.strip():
        errors["title"] = _("A title is required.")
    elif len(data.title) > 200:
        errors["title"] = _("The title is too long (at most 200 characters).")
    if len(data.summary) > 20_000:
        errors["summary"] = _("The summary is too long (at most 20,000 characters).")
    if data.detection_method not in DetectionMethod.values:
        errors["detection_method"] = _("Unknown detection method.")
    if data.intervention not in Intervention.values:
        errors["intervention"] = _("Unknown intervention.")
    if data.downtime_minutes is not None and not 0 <= data.downtime_minutes <= 10_000_000:
        errors["downtime_minutes"] = _("Downtime must be a number of minutes, 0 or more.")
    if errors:
        raise ValidationError(errors)
    validate_milestones({name: getattr(data, name) for name, _label in MILESTONES})


def _apply(incident: Incident, data: IncidentInput) -> None:
    for name in SCALAR_FIELDS:
        value = getattr(data, name)
        setattr(incident, name, value.strip() if isinstance(value, str) else value)
    incident.full_clean(exclude=["postmortem", "created_by"])
    incident.save()
    incident.services.set(data.services)
    incident.responders.set(data.responders)


@transaction.atomic
def create_incident(*, actor: User, data: IncidentInput) -> Incident:
    access.require(
        access.can_write_for_team(actor, data.team),
        _("You can only record incidents for your own teams."),
    )
    _validate(data)
    incident = Incident(created_by=actor)
    _apply(incident, data)
    _record_changes(actor, None, incident)
    events.emit(INCIDENT_RECORDED, actor_id=actor.pk, incident_id=incident.pk)
    announce_resolution(incident, was_resolved=False, actor=actor)
    return incident


@transaction.atomic
def update_incident(*, actor: User, incident: Incident, data: IncidentInput) -> Incident:
    access.require(access.can_manage_incident(actor, incident))
    access.require(
        access.can_write_for_team(actor, data.team),
        _("You can only move incidents to your own teams."),
    )
    _validate(data)
    before = Incident.objects.select_for_update(of=("self",)).select_related(
        "severity", "commander"
    )
    previous = before.get(pk=incident.pk)
    # A stale copy must not unlink the postmortem (_apply saves every field).
    incident.postmortem_id = previous.postmortem_id
    _apply(incident, data)
    _record_changes(actor, previous, incident)
    events.emit(INCIDENT_UPDATED, actor_id=actor.pk, incident_id=incident.pk)
    announce_resolution(incident, was_resolved=previous.resolved_at is not None, actor=actor)
    return incident


def announce_resolution(incident: Incident, *, was_resolved: bool, actor: User | None) -> None:
    """Announce ``incident_resolved`` when a change (a page, the API, an intake webhook)
    resolved it: the moment a postmortem decision is due."""
    if incident.resolved_at is not None and not was_resolved:
        events.emit(
            INCIDENT_RESOLVED, actor_id=actor.pk if actor else None, incident_id=incident.pk
        )


def milestone_event_key(name: str, when: datetime) -> str:
    """The key of the event "milestone ``name`` is at ``when``": recorded once, whoever (a
    page, the API, an intake webhook) sets it."""
    return f"milestone:{name}:{when.astimezone(UTC).isoformat()}"


def _record_changes(actor: User, before: Incident | None, after: Incident) -> None:
    """One event in the incident's history per visible change."""

    def add(kind: str, text: str, when: datetime | None = None, key: str = "") -> None:
        record_event(incident=after, kind=kind, text=text, occurred_at=when, key=key, actor=actor)

    if before is None:
        add(
            IncidentEventKind.CREATED,
            _("Incident recorded: %(title)s (%(severity)s, %(status)s)")
            % {"title": after.title, "severity": after.severity, "status": after.status_label},
            key="created",
        )
    for name, label in MILESTONES:
        when: datetime | None = getattr(after, name)
        if when is not None and (before is None or getattr(before, name) != when):
            text = _("%(milestone)s: %(title)s") % {"milestone": label, "title": after.title}
            add(IncidentEventKind.MILESTONE, text, when, milestone_event_key(name, when))
    if before is not None:
        _record_field_changes(add, before, after)


def _record_field_changes(add: Any, before: Incident, after: Incident) -> None:
    if before.severity_id != after.severity_id:
        add(
            IncidentEventKind.SEVERITY,
            _("Severity changed from %(old)s to %(new)s")
            % {"old": before.severity, "new": after.severity},
        )
    if before.status != after.status:
        # Moving forward happened at the milestone; anything else (reopening) happens now.
        order = ["active", "mitigated", "resolved"]
        forward = order.index(after.status) > order.index(before.status)
        when = getattr(after, f"{after.status}_at") if forward else None
        add(
            IncidentEventKind.STATUS,
            _("Status changed from %(old)s to %(new)s")
            % {"old": before.status_label, "new": after.status_label},
            when,
        )
    if before.commander_id != after.commander_id:
        add(
            IncidentEventKind.OWNER,
            _("Incident commander changed from %(old)s to %(new)s")
            % {"old": before.commander or _("nobody"), "new": after.commander or _("nobody")},
        )


@transaction.atomic
def delete_incident(*, actor: User, incident: Incident) -> None:
    """An incident recorded by mistake (a duplicate, a test page): admins only, audited.
    One that a postmortem covers stays: published postmortems are kept forever, and a draft
    is deleted (or unlinked) first."""
    access.require(
        access.can_delete_records(actor), _("Only an administrator can delete an incident.")
    )
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.postmortem_id is not None:
        raise InvalidState(
            _("A postmortem covers this incident: delete or unlink its draft first.")
        )
    audit.record(
        "incident.deleted",
        actor=actor,
        target=incident,
        changes={"title": incident.title, "team": incident.team.name},
    )
    incident.delete()


@transaction.atomic
def request_postmortem(*, actor: User, incident: Incident, reason: str = "") -> Incident:
    """Anyone who can see an incident may ask for a postmortem, whatever the policy says."""
    access.require(access.can_request_postmortem(actor, incident))
    if len(reason) > 500:
        raise ValidationError({"reason": _("The reason is too long (at most 500 characters).")})
    if incident.postmortem_requested_by_id:
        raise InvalidState(_("A postmortem was already requested for this incident."))
    incident.postmortem_requested_by = actor
    incident.postmortem_request_reason = reason.strip()
    incident.save(update_fields=["postmortem_requested_by", "postmortem_request_reason"])
    events.emit(POSTMORTEM_REQUESTED, actor_id=actor.pk, incident_id=incident.pk)
    return incident


POLICY_FIELDS = (
    "downtime_minutes_threshold",
    "on_data_loss",
    "on_intervention",
    "on_monitoring_failure",
    "resolve_minutes_threshold",
    "on_billing_impact",
    "on_stakeholder_request",
    "default_due_days",
    "required_approvals",
    "announcement_recipients",
    "read_tracking",
    "action_due_days_p0",
    "action_due_days_p1",
    "action_due_days_p2",
    "action_due_days_p3",
)


@transaction.atomic
def update_policy(*, actor: User, changes: dict[str, Any]) -> PostmortemPolicy:
    access.require(access.can_administer(actor), _("Only admins can change the policy."))
    unknown = set(changes) - set(POLICY_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown policy fields: %s") % ", ".join(sorted(unknown)))
    policy = PostmortemPolicy.objects.select_for_update().get(pk=PostmortemPolicy.current().pk)
    before = {name: getattr(policy, name) for name in changes}
    for name, value in changes.items():
        setattr(policy, name, value)
    if policy.required_approvals < 1:
        raise ValidationError(
            {"required_approvals": _("At least one approval is needed to publish.")}
        )
    _validate_recipients(policy.announcement_recipients)
    policy.updated_by = actor
    policy.full_clean(exclude=["updated_by"])
    policy.save()
    after = {name: getattr(policy, name) for name in changes}
    found = audit.changes_between(before, after)
    if found:
        audit.record("policy.changed", actor=actor, target=policy, changes=found)
    return policy


def _validate_recipients(raw: str) -> None:
    from django.core.validators import validate_email

    for address in raw.replace(",", "\n").splitlines():
        address = address.strip()
        if not address:
            continue
        try:
            validate_email(address)
        except ValidationError as exc:
            raise ValidationError(
                {"announcement_recipients": _("Not an email address: %s") % address}
            ) from exc


@transaction.atomic
def update_severity(*, actor: User, severity: Severity, changes: dict[str, Any]) -> Severity:
    access.require(access.can_administer(actor), _("Only admins can change severities."))
    allowed = {"name", "description", "requires_postmortem", "due_days", "due_in_business_days"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(_("Unknown severity fields: %s") % ", ".join(sorted(unknown)))
    before = {name: getattr(severity, name) for name in changes}
    for name, value in changes.items():
        setattr(severity, name, value)
    severity.full_clean()
    severity.save()
    found = audit.changes_between(before, {name: getattr(severity, name) for name in changes})
    if found:
        audit.record("severity.changed", actor=actor, target=severity, changes=found)
    return severity
