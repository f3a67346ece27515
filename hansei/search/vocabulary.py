"""The index's vocabulary: every term, a word it was written as, and how many documents have
it. Kept in step with the documents by ``services`` (a document's terms before and after are
compared, and only the difference is counted), on SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.db import connection
from django.db.models import F

from hansei.search.analysis import WORD, latin_term, normalize
from hansei.search.models import SearchTerm

BATCH = 500


def terms_of(columns: Iterable[str]) -> set[str]:
    return {term for column in columns for term in column.split()}


def latin_surfaces(texts: Iterable[str]) -> dict[str, str]:
    """English terms → a word they were written as (for "did you mean")."""
    seen: dict[str, str] = {}
    for word in WORD.findall(normalize(" ".join(texts))):
        if word.isascii() and word.isalpha() and 3 <= len(word) <= 60:
            seen.setdefault(latin_term(word), word.lower())
    return seen


def _batches(terms: set[str]) -> Iterable[list[str]]:
    ordered = sorted(terms)
    for start in range(0, len(ordered), BATCH):
        yield ordered[start : start + BATCH]


def _new_term(word: str, surfaces: dict[str, str], documents: int = 0) -> SearchTerm:
    return SearchTerm(
        word=word,
        surface=surfaces.get(word, word)[:100],
        initial=word[0],
        length=len(word),
        documents=documents,
    )


def _lock_in_order(words: set[str]) -> None:
    """On PostgreSQL, lock every row about to change, in one order every transaction shares
    (code point order), before changing any: two publications with words in common then wait
    for each other instead of each holding a row the other needs (a deadlock would fail one).
    SQLite has one writer at a time and nothing to order."""
    if connection.vendor != "postgresql" or not words:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {SearchTerm._meta.db_table} WHERE word = ANY(%s)"
            ' ORDER BY word COLLATE "C" FOR UPDATE',
            [sorted(words)],
        )


def count(added: set[str], removed: set[str], surfaces: dict[str, str]) -> None:
    """One more document has each of ``added``, one fewer each of ``removed``.

    New words are inserted first, in code point order (a word another publication is
    inserting at the same moment makes this one wait, in that same order); then the rows are
    locked in order; then counted."""
    SearchTerm.objects.bulk_create(
        [_new_term(t, surfaces) for t in sorted(added) if len(t) <= 100],
        ignore_conflicts=True,
        batch_size=1000,
    )
    _lock_in_order(added | removed)
    for batch in _batches(added):
        SearchTerm.objects.filter(word__in=batch).update(documents=F("documents") + 1)
    for batch in _batches(removed):
        SearchTerm.objects.filter(word__in=batch, documents__gt=0).update(
            documents=F("documents") - 1
        )


def fill(documents: Counter[str], surfaces: dict[str, str]) -> None:
    """Write a whole vocabulary at once (the index was emptied first): each term with how
    many documents have it."""
    SearchTerm.objects.bulk_create(
        [_new_term(t, surfaces, n) for t, n in sorted(documents.items()) if len(t) <= 100],
        batch_size=1000,
    )


def document_frequencies(terms: Iterable[str]) -> dict[str, int]:
    return dict(
        SearchTerm.objects.filter(word__in=list(terms), documents__gt=0).values_list(
            "word", "documents"
        )
    )
