"""Who reads and manages an incident: its team, and the readers of its postmortem."""

from __future__ import annotations

from hansei.access.base import can_write_for_team, get_or_404, is_signed_in
from hansei.access.postmortems import readable_q
from hansei.accounts.models import User
from hansei.incidents.models import Incident, IncidentQuerySet


def incidents_visible_to(user: User, qs: IncidentQuerySet | None = None) -> IncidentQuerySet:
    qs = qs if qs is not None else Incident.objects.all()
    if not is_signed_in(user):
        return qs.none()
    return qs if user.is_admin else qs.filter(readable_q(user, "postmortem__"))


def get_incident_for_user(user: User, pk: int | str) -> Incident:
    """The incident if ``user`` may read it; 404 otherwise."""
    incident: Incident = get_or_404(
        incidents_visible_to(user).select_related("team", "severity"), pk
    )
    return incident


def can_record_incidents(user: User) -> bool:
    """Writers (admins, and team members who are not reviewers) record incidents, for the
    teams they may write for (``teams_writable_by``)."""
    return is_signed_in(user) and user.can_write


def can_manage_incident(user: User, incident: Incident) -> bool:
    return can_write_for_team(user, incident.team_id)


def can_request_postmortem(user: User, incident: Incident) -> bool:
    return incidents_visible_to(user).filter(pk=incident.pk).exists()
