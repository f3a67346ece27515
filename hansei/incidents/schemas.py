"""API shapes for incidents, severities and the postmortem policy."""

from __future__ import annotations

from datetime import datetime, timedelta

from ninja import Field, Schema

from hansei.accounts.schemas import UserOut
from hansei.core.dates import format_duration
from hansei.core.schemas import PatchSchema
from hansei.incidents.models import Incident

FIGURES = (
    "time_to_detect",
    "time_to_acknowledge",
    "time_to_mitigate",
    "time_to_resolve",
    "impact_duration",
)


class FigureOut(Schema):
    seconds: int | None
    text: str


def figures_of(incident: Incident) -> dict[str, FigureOut]:
    """The derived durations shown on the incident and postmortem pages."""
    result = {}
    for name in FIGURES:
        delta: timedelta | None = getattr(incident, name)
        seconds = int(delta.total_seconds()) if delta is not None else None
        result[name] = FigureOut(seconds=seconds, text=format_duration(delta))
    return result


class SeverityOut(Schema):
    level: int
    name: str
    description: str
    requires_postmortem: bool
    due_days: int
    due_in_business_days: bool


class SeverityPatch(PatchSchema):
    name: str | None = None
    description: str | None = None
    requires_postmortem: bool | None = None
    due_days: int | None = Field(None, ge=0, le=365)
    due_in_business_days: bool | None = None


class ServiceOut(Schema):
    slug: str
    name: str
    team: str | None

    @staticmethod
    def resolve_team(obj: object) -> str | None:
        team = getattr(obj, "team", None)
        return team.slug if team else None


class IncidentOut(Schema):
    id: int
    title: str
    summary: str
    status: str
    severity: str
    team: str
    services: list[str]
    commander: str | None
    responders: list[str]
    started_at: datetime
    detected_at: datetime | None
    acknowledged_at: datetime | None
    mitigated_at: datetime | None
    resolved_at: datetime | None
    detection_method: str
    downtime_minutes: int | None
    data_loss: bool
    intervention: str
    monitoring_failure: bool
    billing_impact: bool
    stakeholder_request: bool
    postmortem_requested_by: str | None
    postmortem_request_reason: str
    postmortem_id: int | None
    figures: dict[str, FigureOut]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_severity(obj: Incident) -> str:
        return obj.severity.name

    @staticmethod
    def resolve_team(obj: Incident) -> str:
        return obj.team.slug

    @staticmethod
    def resolve_services(obj: Incident) -> list[str]:
        return [s.slug for s in obj.services.all()]

    @staticmethod
    def resolve_commander(obj: Incident) -> str | None:
        return obj.commander.username if obj.commander else None

    @staticmethod
    def resolve_responders(obj: Incident) -> list[str]:
        return [u.username for u in obj.responders.all()]

    @staticmethod
    def resolve_postmortem_requested_by(obj: Incident) -> str | None:
        user = obj.postmortem_requested_by
        return user.username if user else None

    @staticmethod
    def resolve_figures(obj: Incident) -> dict[str, FigureOut]:
        return figures_of(obj)


class IncidentPage(Schema):
    items: list[IncidentOut]
    total: int
    limit: int
    offset: int


class IncidentIn(Schema):
    """A new incident. Times are ISO 8601; without a zone they are UTC."""

    title: str
    severity: str = Field(description="A severity name (SEV2) or level (2).")
    team: str = Field(description="The team's slug.")
    started_at: datetime
    summary: str = ""
    services: list[str] = Field(default_factory=list, description="Service slugs.")
    commander: str | None = Field(None, description="A username.")
    responders: list[str] = Field(default_factory=list, description="Usernames.")
    detected_at: datetime | None = None
    acknowledged_at: datetime | None = None
    mitigated_at: datetime | None = None
    resolved_at: datetime | None = None
    detection_method: str = "alert"
    downtime_minutes: int | None = None
    data_loss: bool = False
    intervention: str = ""
    monitoring_failure: bool = False
    billing_impact: bool = False
    stakeholder_request: bool = False


class IncidentPatch(PatchSchema):
    """Only the fields sent change; send null to clear an optional one."""

    nullable = frozenset(
        {
            "acknowledged_at",
            "commander",
            "detected_at",
            "downtime_minutes",
            "mitigated_at",
            "resolved_at",
        }
    )

    title: str | None = None
    severity: str | None = None
    team: str | None = None
    started_at: datetime | None = None
    summary: str | None = None
    services: list[str] | None = None
    commander: str | None = None
    responders: list[str] | None = None
    detected_at: datetime | None = None
    acknowledged_at: datetime | None = None
    mitigated_at: datetime | None = None
    resolved_at: datetime | None = None
    detection_method: str | None = None
    downtime_minutes: int | None = None
    data_loss: bool | None = None
    intervention: str | None = None
    monitoring_failure: bool | None = None
    billing_impact: bool | None = None
    stakeholder_request: bool | None = None


class PostmortemRequestIn(Schema):
    reason: str = ""


class ReasonOut(Schema):
    code: str
    text: str


class RequirementOut(Schema):
    required: bool
    requested: bool
    needed: bool
    reasons: list[ReasonOut]


class PolicyOut(Schema):
    downtime_minutes_threshold: int
    on_data_loss: bool
    on_intervention: bool
    on_monitoring_failure: bool
    resolve_minutes_threshold: int
    on_billing_impact: bool
    on_stakeholder_request: bool
    default_due_days: int
    required_approvals: int
    announcement_recipients: str
    read_tracking: bool
    action_due_days_p0: int
    action_due_days_p1: int
    action_due_days_p2: int
    action_due_days_p3: int
    updated_at: datetime
    updated_by: UserOut | None


class PolicyPatch(PatchSchema):
    downtime_minutes_threshold: int | None = Field(None, ge=0)
    on_data_loss: bool | None = None
    on_intervention: bool | None = None
    on_monitoring_failure: bool | None = None
    resolve_minutes_threshold: int | None = Field(None, ge=0)
    on_billing_impact: bool | None = None
    on_stakeholder_request: bool | None = None
    default_due_days: int | None = Field(None, ge=0, le=365)
    required_approvals: int | None = Field(None, ge=0, le=20)
    announcement_recipients: str | None = None
    read_tracking: bool | None = None
    action_due_days_p0: int | None = Field(None, ge=0, le=365)
    action_due_days_p1: int | None = Field(None, ge=0, le=365)
    action_due_days_p2: int | None = Field(None, ge=0, le=365)
    action_due_days_p3: int | None = Field(None, ge=0, le=365)
