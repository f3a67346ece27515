"""The archive's index follows publications. Registered by ``SearchConfig.ready``."""

from __future__ import annotations

from typing import Any

from hansei.core import events
from hansei.core.events import Event
from hansei.postmortems.document.models import Postmortem
from hansei.postmortems.events import POSTMORTEM_PUBLISHED
from hansei.search.services import index_postmortem, reindex_stale


def index_publication(event: Event) -> None:
    index_postmortem(Postmortem.objects.get(pk=event.id_of("postmortem_id")))


def reindex_after_migrating(**kwargs: Any) -> None:
    """Documents an older Hansei indexed are rebuilt with today's analysis (a migration
    cannot: it must not run today's code)."""
    reindex_stale()


def register() -> None:
    # Inside the transaction: the index lives in the same database, and a published
    # revision that search cannot find (or a found one that was never published) would
    # break the archive's promise. Reindexing is idempotent (``hansei reindex``).
    events.listen(POSTMORTEM_PUBLISHED, index_publication, when=events.IN_TRANSACTION)
