"""Full-text search over published postmortems: the index's writes, and admins' synonyms.

The index holds what was *published*: the latest revision's frozen snapshot, never the live
draft text of an amendment in progress. ``index_postmortem`` runs inside the publishing
transaction, so the archive and the index can never disagree.
"""

from __future__ import annotations

from collections import Counter
from itertools import islice
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from hansei import access
from hansei.postmortems.document.models import Postmortem, Revision
from hansei.search import vocabulary
from hansei.search.backends import current_backend
from hansei.search.documents import IndexedText, indexed_text
from hansei.search.models import SearchDocument, SearchTerm, Synonym
from hansei.search.query import synonym_phrases

if TYPE_CHECKING:
    from hansei.accounts.models import User

MAX_SYNONYMS = 500
REINDEX_BATCH = 500


def _document(postmortem_id: int, revision: Revision, text: IndexedText) -> SearchDocument:
    columns = text.columns()
    return SearchDocument(
        postmortem_id=postmortem_id,
        revision=revision,
        title=text.title,
        summary=text.summary,
        body=text.body,
        title_terms=columns[0],
        summary_terms=columns[1],
        body_terms=columns[2],
        field_terms=columns[3],
    )


def _surfaces(text: IndexedText) -> dict[str, str]:
    return vocabulary.latin_surfaces([text.title, text.summary, text.body, *text.fields])


def index_postmortem(postmortem: Postmortem) -> None:
    """(Re)index the latest published revision of a postmortem."""
    revision = postmortem.latest_revision()
    if revision is None or postmortem.published_at is None:
        remove_postmortem(postmortem)
        return
    text = indexed_text(revision.snapshot)
    document = _document(postmortem.pk, revision, text)
    with transaction.atomic():
        before = SearchDocument.objects.select_for_update().filter(pk=postmortem.pk).first()
        had = vocabulary.terms_of(before.columns()) if before else set()
        has = vocabulary.terms_of(document.columns())
        document.save()
        current_backend().store(postmortem.pk, document.columns())
        vocabulary.count(has - had, had - has, _surfaces(text))


def remove_postmortem(postmortem: Postmortem) -> None:
    """Take a postmortem out of the index (it no longer appears in any search)."""
    with transaction.atomic():
        document = SearchDocument.objects.select_for_update().filter(pk=postmortem.pk).first()
        if document is not None:
            vocabulary.count(set(), vocabulary.terms_of(document.columns()), {})
            document.delete()
        current_backend().delete(postmortem.pk)


@transaction.atomic
def reindex_all() -> int:
    """Rebuild the whole index from the published revisions; returns how many were indexed.

    In bulk: documents written a batch at a time and the vocabulary counted once at the end
    (an archive of 100,000 postmortems is rebuilt in minutes, not hours)."""
    backend = current_backend()
    backend.clear()
    SearchDocument.objects.all().delete()
    SearchTerm.objects.all().delete()
    frequencies: Counter[str] = Counter()
    surfaces: dict[str, str] = {}
    published = Postmortem.objects.published().order_by("pk").values_list("pk", flat=True)
    ids = iter(published.iterator(chunk_size=REINDEX_BATCH))
    latest = Revision.objects.filter(postmortem=OuterRef("postmortem")).order_by("-number")
    count = 0
    while batch := list(islice(ids, REINDEX_BATCH)):
        revisions = Revision.objects.filter(
            postmortem_id__in=batch, number=Subquery(latest.values("number")[:1])
        )
        documents = []
        for revision in revisions.order_by("postmortem_id").iterator(chunk_size=100):
            text = indexed_text(revision.snapshot)
            documents.append(_document(revision.postmortem_id, revision, text))
            frequencies.update(vocabulary.terms_of(documents[-1].columns()))
            for term, surface in _surfaces(text).items():
                surfaces.setdefault(term, surface)
        SearchDocument.objects.bulk_create(documents)
        backend.add((d.postmortem_id, d.columns()) for d in documents)
        count += len(documents)
    vocabulary.fill(frequencies, surfaces)
    return count


def reindex_stale() -> int:
    """Reindex the documents an older Hansei wrote (no terms yet): run after migrating."""
    stale = SearchDocument.objects.filter(title_terms="").exclude(title="")
    count = 0
    for postmortem in Postmortem.objects.filter(search_document__in=stale).iterator():
        index_postmortem(postmortem)
        count += 1
    return count


@transaction.atomic
def restore_index() -> int:
    """Rebuild the database's own index (SQLite's FTS table) from the document rows as they
    are: after ``hansei restore`` the rows are back with their ids and times, the FTS table
    may not be (a backup holds tables only). Returns how many documents."""
    documents = SearchDocument.objects.order_by("pk")
    current_backend().refill((d.pk, d.columns()) for d in documents.iterator())
    return SearchDocument.objects.count()


# --- synonyms ---------------------------------------------------------------------------------


def _words_of(line: str) -> str:
    words = [" ".join(w.split()) for w in line.replace("、", ",").split(",")]
    return ", ".join(dict.fromkeys(w for w in words if w))


@transaction.atomic
def add_synonym(*, actor: User, words: str) -> Synonym:
    """Words and phrases searched as one: at least two, separated by commas."""
    if not access.can_administer(actor):
        raise PermissionDenied
    line = _words_of(words)
    if len(line) > 300:
        raise ValidationError(_("At most 300 characters."), code="too_long")
    if len(synonym_phrases(line)) < 2:
        raise ValidationError(
            _("Give at least two different words or phrases, separated by commas."),
            code="one_word",
        )
    if Synonym.objects.count() >= MAX_SYNONYMS:
        raise ValidationError(
            _("There are already %(n)s synonym lines.") % {"n": MAX_SYNONYMS}, code="too_many"
        )
    return Synonym.objects.create(words=line, created_by=actor)


@transaction.atomic
def delete_synonym(*, actor: User, synonym: Synonym) -> None:
    if not access.can_administer(actor):
        raise PermissionDenied
    synonym.delete()
