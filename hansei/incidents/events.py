"""What can happen to an incident, announced to the apps above (see ``core.events``)."""

from __future__ import annotations

from hansei.core import events

INCIDENT_RECORDED = events.kind("incident_recorded", "An incident was recorded.")
INCIDENT_UPDATED = events.kind(
    "incident_updated", "An incident's details, milestones or people changed."
)
INCIDENT_RESOLVED = events.kind("incident_resolved", "An incident was resolved.")
INCIDENT_EVENT_RECORDED = events.kind(
    "incident_event_recorded", "Something happened to an incident: its history has a new event."
)
POSTMORTEM_REQUESTED = events.kind(
    "postmortem_requested", "Someone asked for a postmortem of an incident."
)
