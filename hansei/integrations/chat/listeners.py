"""What chat routes hear of. Registered by ``IntegrationsConfig.ready``.

Inside the emitting transaction, like the e-mail outbox: the jobs commit or roll back with
the change, so a channel never hears of a publication that did not happen, and a crash after
commit loses no announcement (the worker sends them)."""

from __future__ import annotations

from django.db.models.signals import post_save

from hansei.core import events
from hansei.core.events import Event
from hansei.core.models import Job
from hansei.integrations.chat import deliver, services
from hansei.postmortems.document.models import Postmortem, Revision
from hansei.postmortems.events import POSTMORTEM_PUBLISHED
from hansei.reviews.events import POSTMORTEM_SUBMITTED


def announce_publication(event: Event) -> None:
    revision = Revision.objects.select_related("postmortem").get(pk=event.id_of("object_id"))
    services.announce_publication(revision=revision)


def announce_submission(event: Event) -> None:
    postmortem = Postmortem.objects.get(pk=event.id_of("postmortem_id"))
    services.announce_submission(postmortem=postmortem, actor_id=event.actor_id)


def register() -> None:
    events.listen(POSTMORTEM_PUBLISHED, announce_publication, when=events.IN_TRANSACTION)
    events.listen(POSTMORTEM_SUBMITTED, announce_submission, when=events.IN_TRANSACTION)
    post_save.connect(deliver.record_failure, sender=Job, dispatch_uid="chat-route-failure")
