"""What the culture programs do when others announce something. Registered by
``CultureConfig.ready``."""

from __future__ import annotations

from hansei.core import events
from hansei.core.events import Event
from hansei.culture.feedback.services import open_survey
from hansei.postmortems.document.models import Revision
from hansei.postmortems.events import POSTMORTEM_PUBLISHED


def survey_the_process(event: Event) -> None:
    revision = Revision.objects.select_related("postmortem").get(pk=event.id_of("object_id"))
    open_survey(revision)


def register() -> None:
    # Inside the transaction: the survey and its invitations exist exactly when the first
    # publication does (and their notifications are written with it).
    events.listen(POSTMORTEM_PUBLISHED, survey_the_process, when=events.IN_TRANSACTION)
