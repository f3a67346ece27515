"""What postmortems do when something happens elsewhere: a draft's timeline follows its
incidents. Registered by ``PostmortemsConfig.ready``."""

from __future__ import annotations

from hansei.core import events
from hansei.core.events import Event
from hansei.incidents.events import INCIDENT_EVENT_RECORDED, INCIDENT_UPDATED
from hansei.incidents.models import Incident, IncidentEvent
from hansei.postmortems.events import POSTMORTEM_CREATED
from hansei.postmortems.timeline.services import (
    add_event_to_timeline,
    copy_incident_events,
    is_milestone_event,
    sync_milestones_to_timeline,
)


def copy_new_incident_event(event: Event) -> None:
    """A new event in an incident's history goes into its draft's timeline. Milestones are
    kept one entry each, by ``follow_incident_milestones``."""
    recorded = IncidentEvent.objects.select_related("incident").get(pk=event.id_of("object_id"))
    if not is_milestone_event(recorded):
        add_event_to_timeline(event=recorded)


def follow_incident_milestones(event: Event) -> None:
    """An incident changed (a page, the API, an intake webhook): its draft's milestone
    entries follow its milestones and title."""
    incident = Incident.objects.get(pk=event.id_of("incident_id"))
    if incident.postmortem_id:
        sync_milestones_to_timeline(incident=incident)


def copy_history_into_new_draft(event: Event) -> None:
    """A new draft starts with everything that happened to its incident so far."""
    copy_incident_events(incident=Incident.objects.get(pk=event.id_of("incident_id")))


def register() -> None:
    # Inside the transaction: the timeline is part of the draft, so an incident change and
    # the entries it makes commit together or not at all.
    events.listen(INCIDENT_EVENT_RECORDED, copy_new_incident_event, when=events.IN_TRANSACTION)
    events.listen(INCIDENT_UPDATED, follow_incident_milestones, when=events.IN_TRANSACTION)
    events.listen(POSTMORTEM_CREATED, copy_history_into_new_draft, when=events.IN_TRANSACTION)
