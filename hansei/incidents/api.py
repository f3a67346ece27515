"""Incidents, the "is a postmortem required" decision, severities and the policy."""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status

from hansei import access
from hansei.accounts.auth import actor_of
from hansei.accounts.schemas import aware, team_named, user_named, users_named
from hansei.core.pagination import api_page, offset_param
from hansei.incidents import services
from hansei.incidents.models import Incident, PostmortemPolicy, Service, Severity
from hansei.incidents.policy import postmortem_requirement
from hansei.incidents.schemas import (
    IncidentIn,
    IncidentOut,
    IncidentPage,
    IncidentPatch,
    PolicyOut,
    PolicyPatch,
    PostmortemRequestIn,
    RequirementOut,
    ServiceOut,
    SeverityOut,
    SeverityPatch,
)

router = Router(tags=["incidents"])

MAX_NAME = 100  # a severity's name or level, as sent
TIME_FIELDS = ("started_at", "detected_at", "acknowledged_at", "mitigated_at", "resolved_at")


def _severity_named(value: str) -> Severity:
    value = value.strip()[:MAX_NAME]  # no name is longer; SQLite refuses huge LIKE patterns
    found = (
        Severity.objects.filter(level=int(value)).first()
        if value.isascii() and value.isdigit() and len(value) <= 9
        else Severity.objects.filter(name__iexact=value).first()
    )
    if found is None:
        raise ValidationError({"severity": f"Unknown severity: {value!r}."})
    return found


def _services_named(slugs: list[str]) -> list[Service]:
    found = {s.slug: s for s in Service.objects.filter(slug__in=slugs)}
    unknown = [slug for slug in slugs if slug not in found]
    if unknown:
        raise ValidationError({"services": f"Unknown service(s): {', '.join(unknown)}."})
    return [found[slug] for slug in dict.fromkeys(slugs)]


def _incident_input(values: dict[str, Any]) -> services.IncidentInput:
    """Turn names sent by a client into the objects the service takes."""
    values = dict(values)
    values["severity"] = _severity_named(str(values["severity"]))
    values["team"] = team_named(values["team"])
    values["services"] = _services_named(values["services"])
    values["responders"] = users_named(values["responders"], field="responders")
    # An empty name is no commander, as null is.
    values["commander"] = (
        user_named(values["commander"], field="commander") if values["commander"] else None
    )
    for name in TIME_FIELDS:
        values[name] = aware(values[name])
    return services.IncidentInput(**values)


def _current_values(incident: Incident) -> dict[str, Any]:
    values = {f.name: getattr(incident, f.name) for f in fields(services.IncidentInput)}
    values["severity"] = incident.severity.name
    values["team"] = incident.team.slug
    values["services"] = [s.slug for s in incident.services.all()]
    values["responders"] = [u.username for u in incident.responders.all()]
    values["commander"] = incident.commander.username if incident.commander else None
    return values


@router.get("/incidents", response=IncidentPage, summary="Incidents you can see")
def list_incidents(
    request: HttpRequest,
    q: str = "",
    team: str = "",
    severity: str = "",
    status: str = Query("", description="active, mitigated or resolved"),
    has_postmortem: bool | None = None,
    started_from: date | None = None,
    started_to: date | None = None,
    limit: int = Query(50, ge=1, le=200),
    offset: int = offset_param(),
) -> dict[str, Any]:
    qs = (
        access.incidents_visible_to(actor_of(request))
        .select_related("severity", "team", "commander", "postmortem_requested_by")
        .prefetch_related("services", "responders")
    )
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(summary__icontains=q))
    if team:
        qs = qs.filter(team__slug=team)
    if severity:
        qs = qs.filter(severity=_severity_named(severity))
    if status == "resolved":
        qs = qs.filter(resolved_at__isnull=False)
    elif status == "mitigated":
        qs = qs.filter(resolved_at__isnull=True, mitigated_at__isnull=False)
    elif status == "active":
        qs = qs.filter(resolved_at__isnull=True, mitigated_at__isnull=True)
    elif status:
        raise ValidationError({"status": "Status must be active, mitigated or resolved."})
    if has_postmortem is not None:
        qs = qs.filter(postmortem__isnull=not has_postmortem)
    if started_from:
        qs = qs.filter(started_at__date__gte=started_from)
    if started_to:
        qs = qs.filter(started_at__date__lte=started_to)
    return api_page(qs, limit=limit, offset=offset)


@router.post("/incidents", response={201: IncidentOut}, summary="Record an incident")
def create_incident(request: HttpRequest, payload: IncidentIn) -> Status[Incident]:
    data = _incident_input(payload.dict())
    return Status(201, services.create_incident(actor=actor_of(request), data=data))


@router.get("/incidents/{int:incident_id}", response=IncidentOut, summary="An incident")
def get_incident(request: HttpRequest, incident_id: int) -> Incident:
    return access.get_incident_for_user(actor_of(request), incident_id)


@router.patch("/incidents/{int:incident_id}", response=IncidentOut, summary="Change an incident")
def update_incident(request: HttpRequest, incident_id: int, payload: IncidentPatch) -> Incident:
    actor = actor_of(request)
    incident = access.get_incident_for_user(actor, incident_id)
    # Fields that cannot be cleared are not nullable in IncidentPatch: null there is a 422.
    changes = payload.dict(exclude_unset=True)
    data = _incident_input({**_current_values(incident), **changes})
    return services.update_incident(actor=actor, incident=incident, data=data)


@router.delete(
    "/incidents/{int:incident_id}", response={204: None}, summary="Delete an incident (admins)"
)
def delete_incident(request: HttpRequest, incident_id: int) -> Any:
    """One recorded by mistake; audited. 409 while a postmortem covers it."""
    actor = actor_of(request)
    incident = access.get_incident_for_user(actor, incident_id)
    services.delete_incident(actor=actor, incident=incident)
    return Status(204, None)


@router.post(
    "/incidents/{int:incident_id}/postmortem-request",
    response=IncidentOut,
    summary="Ask for a postmortem, whatever the policy says",
)
def request_postmortem(
    request: HttpRequest, incident_id: int, payload: PostmortemRequestIn
) -> Incident:
    actor = actor_of(request)
    incident = access.get_incident_for_user(actor, incident_id)
    return services.request_postmortem(actor=actor, incident=incident, reason=payload.reason)


@router.get(
    "/incidents/{int:incident_id}/requirement",
    response=RequirementOut,
    summary="Is a postmortem required, and why",
)
def get_requirement(request: HttpRequest, incident_id: int) -> dict[str, Any]:
    incident = access.get_incident_for_user(actor_of(request), incident_id)
    requirement = postmortem_requirement(incident)
    return {
        "required": requirement.required,
        "requested": requirement.requested,
        "needed": requirement.needed,
        "reasons": [{"code": r.code, "text": r.text} for r in requirement.reasons],
    }


@router.get("/severities", response=list[SeverityOut], summary="Severity levels")
def list_severities(request: HttpRequest) -> Any:
    return Severity.objects.all()


@router.patch("/severities/{int:level}", response=SeverityOut, summary="Change a severity (admins)")
def update_severity(request: HttpRequest, level: int, payload: SeverityPatch) -> Severity:
    severity = get_object_or_404(Severity, level=level)
    changes = payload.dict(exclude_unset=True)
    return services.update_severity(actor=actor_of(request), severity=severity, changes=changes)


@router.get("/services", response=list[ServiceOut], summary="Services")
def list_services(request: HttpRequest) -> Any:
    return Service.objects.select_related("team")


@router.get("/policy", response=PolicyOut, summary="The postmortem policy")
def get_policy(request: HttpRequest) -> PostmortemPolicy:
    return PostmortemPolicy.current()


@router.patch("/policy", response=PolicyOut, summary="Change the policy (admins)")
def update_policy(request: HttpRequest, payload: PolicyPatch) -> PostmortemPolicy:
    return services.update_policy(actor=actor_of(request), changes=payload.dict(exclude_unset=True))
