"""What the insights record when others announce something. Registered by ``InsightsConfig``."""

from __future__ import annotations

from hansei.core import events
from hansei.core.events import Event
from hansei.insights.services import record_findings_at_publication
from hansei.postmortems.document.models import Revision
from hansei.postmortems.events import POSTMORTEM_PUBLISHED


def record_publication(event: Event) -> None:
    revision = Revision.objects.select_related("postmortem").get(pk=event.id_of("object_id"))
    record_findings_at_publication(revision)


def register() -> None:
    # Inside the transaction: the count is of the text being published, read before anyone
    # can start an amendment, and it commits (or rolls back) with the publication.
    events.listen(POSTMORTEM_PUBLISHED, record_publication, when=events.IN_TRANSACTION)
