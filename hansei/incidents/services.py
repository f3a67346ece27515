"""Every change to incidents and to the postmortem policy."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hansei.accounts import access
from hansei.accounts.models import Team, User
from hansei.core.errors import InvalidState
from hansei.incidents.models import (
    MILESTONES,
    DetectionMethod,
    Incident,
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
    return incident


@transaction.atomic
def update_incident(*, actor: User, incident: Incident, data: IncidentInput) -> Incident:
    access.require(access.can_manage_incident(actor, incident))
    access.require(
        access.can_write_for_team(actor, data.team),
        _("You can only move incidents to your own teams."),
    )
    _validate(data)
    _apply(incident, data)
    if incident.postmortem_id:
        from hansei.postmortems.services import sync_milestones_to_timeline

        sync_milestones_to_timeline(incident=incident)
    return incident


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
)


@transaction.atomic
def update_policy(*, actor: User, changes: dict[str, Any]) -> PostmortemPolicy:
    access.require(access.can_administer(actor), _("Only admins can change the policy."))
    unknown = set(changes) - set(POLICY_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown policy fields: %s") % ", ".join(sorted(unknown)))
    policy = PostmortemPolicy.objects.select_for_update().get(pk=PostmortemPolicy.current().pk)
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
    for name, value in changes.items():
        setattr(severity, name, value)
    severity.full_clean()
    severity.save()
    return severity
