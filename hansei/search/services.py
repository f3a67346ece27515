"""Full-text search over published postmortems, and the archive listing.

The index holds what was *published*: the latest revision's frozen snapshot, never the live
draft text of an amendment in progress. ``index_postmortem`` runs inside the publishing
transaction, so the archive and the index can never disagree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from hansei.postmortems.document.models import Postmortem
from hansei.search.backends import current_backend
from hansei.search.models import SearchDocument
from hansei.search.segment import segment

if TYPE_CHECKING:
    pass
from hansei.search.queries import document_text


def index_postmortem(postmortem: Postmortem) -> None:
    """(Re)index the latest published revision of a postmortem."""
    revision = postmortem.latest_revision()
    if revision is None or postmortem.published_at is None:
        remove_postmortem(postmortem)
        return
    title, body = document_text(revision.snapshot)
    title, body = segment(title), segment(body)
    with transaction.atomic():
        SearchDocument.objects.update_or_create(
            postmortem_id=postmortem.pk,
            defaults={"revision": revision, "title": title, "body": body},
        )
        current_backend().store(postmortem.pk, title, body)


def remove_postmortem(postmortem: Postmortem) -> None:
    """Take a postmortem out of the index (it no longer appears in any search)."""
    with transaction.atomic():
        SearchDocument.objects.filter(postmortem_id=postmortem.pk).delete()
        current_backend().delete(postmortem.pk)


@transaction.atomic
def reindex_all() -> int:
    """Rebuild the whole index from the published revisions; returns how many were indexed."""
    current_backend().clear()
    SearchDocument.objects.all().delete()
    count = 0
    for postmortem in Postmortem.objects.published().order_by("pk").iterator(chunk_size=200):
        index_postmortem(postmortem)
        count += 1
    return count


@transaction.atomic
def restore_index() -> int:
    """Rebuild the database's own index (SQLite's FTS table, PostgreSQL's vocabulary) from the
    document rows as they are: after ``hansei restore`` the rows are back with their ids and
    times, the rest may not be (a backup holds tables only). Returns how many documents."""
    documents = SearchDocument.objects.order_by("pk").values_list("postmortem_id", "title", "body")
    current_backend().refill(documents.iterator())
    return SearchDocument.objects.count()
