"""What action items hear of: changes that may show a fix did not hold (``recurrence.py``).
Inside the emitting transaction, so the record commits with the change."""

from __future__ import annotations

from hansei.action_items import recurrence
from hansei.action_items.events import ACTION_ITEM_ADDED, ACTION_ITEM_UPDATED
from hansei.action_items.models import ActionItem
from hansei.core import events
from hansei.core.events import Event
from hansei.incidents.events import INCIDENT_UPDATED
from hansei.incidents.models import Incident
from hansei.postmortems.document.models import Postmortem
from hansei.postmortems.events import ANALYSIS_CHANGED


def recheck_postmortem(event: Event) -> None:
    postmortem = Postmortem.objects.filter(pk=event.postmortem_id or 0).first()
    if postmortem is not None:
        recurrence.sync_postmortem(postmortem)


def recheck_incident(event: Event) -> None:
    incident = Incident.objects.filter(pk=event.incident_id or 0).select_related("postmortem")
    found = incident.first()
    if found is not None and found.postmortem is not None:
        recurrence.sync_postmortem(found.postmortem)


def recheck_item(event: Event) -> None:
    item = ActionItem.objects.filter(pk=event.object_id or 0).first()
    if item is not None:
        recurrence.sync_item(item)


def register() -> None:
    events.listen(ANALYSIS_CHANGED, recheck_postmortem, when=events.IN_TRANSACTION)
    events.listen(INCIDENT_UPDATED, recheck_incident, when=events.IN_TRANSACTION)
    events.listen(
        (ACTION_ITEM_ADDED, ACTION_ITEM_UPDATED), recheck_item, when=events.IN_TRANSACTION
    )
