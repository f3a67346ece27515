"""What trackers hear of. Registered by ``IntegrationsConfig.ready``; inside the emitting
transaction, so a job to the tracker is queued exactly when the change commits."""

from __future__ import annotations

from django.db.models.signals import post_save

from hansei.action_items.events import ACTION_ITEM_ADDED, ACTION_ITEM_UPDATED
from hansei.action_items.models import ActionItem
from hansei.core import events
from hansei.core.events import Event
from hansei.core.models import Job
from hansei.integrations.trackers import services, sync
from hansei.integrations.trackers.models import AutoCreate
from hansei.postmortems.document.models import Revision
from hansei.postmortems.events import POSTMORTEM_PUBLISHED


def create_on_add(event: Event) -> None:
    item = ActionItem.objects.filter(pk=event.id_of("object_id")).select_related("postmortem")
    for each in item:
        services.create_automatically(each, moment=AutoCreate.ON_CREATE)


def create_on_publication(event: Event) -> None:
    revision = Revision.objects.select_related("postmortem").get(pk=event.id_of("object_id"))
    items = revision.postmortem.action_items.unfinished().select_related("postmortem")
    for item in items:
        services.create_automatically(item, moment=AutoCreate.ON_PUBLISH)


def push_person_change(event: Event) -> None:
    """A person changed an item: its issue follows. (A change the tracker made has no actor
    and is already what the tracker has.)"""
    if event.actor_id is None:
        return
    item = ActionItem.objects.filter(pk=event.id_of("object_id")).first()
    if item is not None:
        sync.mark_local_change(item)


def register() -> None:
    events.listen(ACTION_ITEM_ADDED, create_on_add, when=events.IN_TRANSACTION)
    events.listen(POSTMORTEM_PUBLISHED, create_on_publication, when=events.IN_TRANSACTION)
    events.listen(ACTION_ITEM_UPDATED, push_person_change, when=events.IN_TRANSACTION)
    post_save.connect(sync.record_failure, sender=Job, dispatch_uid="tracker-sync-failure")
