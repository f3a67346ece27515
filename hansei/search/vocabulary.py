"""The index's vocabulary: every term, a word it was written as, and how many documents have
it. Kept in step with the documents by ``services`` (a document's terms before and after are
compared, and only the difference is counted), on SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Iterable

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


def count(added: set[str], removed: set[str], surfaces: dict[str, str]) -> None:
    """One more document has each of ``added``, one fewer each of ``removed``."""
    SearchTerm.objects.bulk_create(
        [
            SearchTerm(word=t, surface=surfaces.get(t, t)[:100], initial=t[0], length=len(t))
            for t in added
            if len(t) <= 100
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )
    for batch in _batches(added):
        SearchTerm.objects.filter(word__in=batch).update(documents=F("documents") + 1)
    for batch in _batches(removed):
        SearchTerm.objects.filter(word__in=batch, documents__gt=0).update(
            documents=F("documents") - 1
        )


def document_frequencies(terms: Iterable[str]) -> dict[str, int]:
    return dict(
        SearchTerm.objects.filter(word__in=list(terms), documents__gt=0).values_list(
            "word", "documents"
        )
    )
