"""The database-specific half of search: SQLite FTS5, or PostgreSQL full text plus trigrams.

Queries reach SQL only as bound parameters. On SQLite the MATCH expression is built from
letter-and-digit tokens only, each phrase in double quotes, so no FTS5 syntax can be injected;
on PostgreSQL every phrase goes through ``phraseto_tsquery``, which accepts any text.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models.expressions import RawSQL

from hansei.postmortems.document.models import PostmortemQuerySet
from hansei.search.models import SearchTerm
from hansei.search.segment import MARK_END, MARK_START, WORD

Phrases = list[list[str]]


class SearchBackend(Protocol):
    def store(self, postmortem_id: int, title: str, body: str) -> None: ...

    def delete(self, postmortem_id: int) -> None: ...

    def clear(self) -> None: ...

    def refill(self, documents: Iterable[tuple[int, str, str]]) -> None:
        """Rebuild what this database keeps beside the document rows from those rows
        (postmortem id, segmented title, segmented body), leaving the rows as they are."""
        ...

    def matching(self, qs: PostmortemQuerySet, phrases: Phrases) -> PostmortemQuerySet:
        """Only the postmortems matching every phrase."""
        ...

    def ranks(self, phrases: Phrases) -> dict[int, float]:
        """The rank (higher is better) of every indexed postmortem matching every phrase,
        computed in one pass over the index (a per-row subquery would redo the search)."""
        ...

    def snippets(self, ids: list[int], phrases: Phrases) -> dict[int, str]:
        """Body excerpts (segmented text) with matches between MARK_START and MARK_END."""
        ...


class SQLiteBackend:
    # Title matches weigh ten times a body match in bm25.
    RANK = "-bm25(search_fts, 10.0, 1.0)"

    def store(self, postmortem_id: int, title: str, body: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_fts WHERE rowid = %s", [postmortem_id])
            cursor.execute(
                "INSERT INTO search_fts (rowid, title, body) VALUES (%s, %s, %s)",
                [postmortem_id, title, body],
            )

    def delete(self, postmortem_id: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_fts WHERE rowid = %s", [postmortem_id])

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_fts")

    def refill(self, documents: Iterable[tuple[int, str, str]]) -> None:
        self.clear()
        for postmortem_id, title, body in documents:
            self.store(postmortem_id, title, body)

    @staticmethod
    def match_expression(phrases: Phrases) -> str:
        return " AND ".join('"' + " ".join(tokens) + '"' for tokens in phrases)

    def matching(self, qs: PostmortemQuerySet, phrases: Phrases) -> PostmortemQuerySet:
        expression = self.match_expression(phrases)
        found = RawSQL("SELECT rowid FROM search_fts WHERE search_fts MATCH %s", [expression])
        return qs.filter(pk__in=found)

    def ranks(self, phrases: Phrases) -> dict[int, float]:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid, {self.RANK} FROM search_fts WHERE search_fts MATCH %s",
                [self.match_expression(phrases)],
            )
            return {int(pk): float(rank) for pk, rank in cursor.fetchall()}

    def snippets(self, ids: list[int], phrases: Phrases) -> dict[int, str]:
        if not ids:
            return {}
        marks = ", ".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rowid, snippet(search_fts, 1, %s, %s, '…', 40) FROM search_fts"
                f" WHERE search_fts MATCH %s AND rowid IN ({marks})",
                [MARK_START, MARK_END, self.match_expression(phrases), *ids],
            )
            return {int(pk): text for pk, text in cursor.fetchall()}


class PostgresBackend:
    # A stored generated column (migration 0002): the weighted tsvector of title and body.
    VECTOR = "search_vector"
    HEADLINE_OPTIONS = (
        f'StartSel="{MARK_START}", StopSel="{MARK_END}", MaxWords=35, MinWords=15, '
        'ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "'
    )
    PHRASE = "phraseto_tsquery('english'::regconfig, %s)"
    # Words shorter than this are too short for trigrams to tell a typo from another word.
    MIN_TYPO_LENGTH = 4

    def store(self, postmortem_id: int, title: str, body: str) -> None:
        words = {w.lower() for w in WORD.findall(f"{title} {body}")}
        terms = [SearchTerm(word=w) for w in words if 3 <= len(w) <= 100 and not w.isdigit()]
        SearchTerm.objects.bulk_create(terms, ignore_conflicts=True, batch_size=1000)

    def delete(self, postmortem_id: int) -> None:
        """The document row is the index; the vocabulary may keep words no longer used."""

    def clear(self) -> None:
        SearchTerm.objects.all().delete()

    def refill(self, documents: Iterable[tuple[int, str, str]]) -> None:
        """The tsvector column is computed by the database; the vocabulary gains the words it
        lacks and keeps its rows (and their ids) as they are."""
        for postmortem_id, title, body in documents:
            self.store(postmortem_id, title, body)

    def _typo_alternatives(self, word: str) -> list[str]:
        """Indexed words close to a word the index does not know ("paymnet" → "payment")."""
        if len(word) < self.MIN_TYPO_LENGTH or SearchTerm.objects.filter(word=word).exists():
            return []
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT word FROM search_searchterm WHERE word %% %s"
                " ORDER BY similarity(word, %s) DESC, word LIMIT 3",
                [word, word],
            )
            return [row[0] for row in cursor.fetchall()]

    def __init__(self) -> None:
        self._alternatives: dict[str, list[str]] = {}

    def tsquery(self, phrases: Phrases) -> tuple[str, list[str]]:
        parts: list[str] = []
        params: list[str] = []
        for tokens in phrases:
            text = " ".join(tokens).lower()
            options = [text]
            if len(tokens) == 1:
                if text not in self._alternatives:
                    self._alternatives[text] = self._typo_alternatives(text)
                options += self._alternatives[text]
            alternatives = " || ".join([self.PHRASE] * len(options))
            parts.append(f"({alternatives})")
            params += options
        return " && ".join(parts), params

    def matching(self, qs: PostmortemQuerySet, phrases: Phrases) -> PostmortemQuerySet:
        query, params = self.tsquery(phrases)
        found = RawSQL(
            f"SELECT postmortem_id FROM search_searchdocument WHERE {self.VECTOR} @@ ({query})",
            params,
        )
        return qs.filter(pk__in=found)

    def ranks(self, phrases: Phrases) -> dict[int, float]:
        query, params = self.tsquery(phrases)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT postmortem_id, ts_rank({self.VECTOR}, {query})"
                f" FROM search_searchdocument WHERE {self.VECTOR} @@ ({query})",
                [*params, *params],
            )
            return {int(pk): float(rank) for pk, rank in cursor.fetchall()}

    def snippets(self, ids: list[int], phrases: Phrases) -> dict[int, str]:
        if not ids:
            return {}
        query, params = self.tsquery(phrases)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT postmortem_id, ts_headline('english'::regconfig, body, {query}, %s)"
                " FROM search_searchdocument WHERE postmortem_id = ANY(%s)",
                [*params, self.HEADLINE_OPTIONS, ids],
            )
            return {int(pk): text for pk, text in cursor.fetchall()}


def current_backend() -> SearchBackend:
    if connection.vendor == "postgresql":
        return PostgresBackend()
    if connection.vendor == "sqlite":
        return SQLiteBackend()
    raise ImproperlyConfigured(
        f"Search needs SQLite or PostgreSQL, not {connection.vendor}: set HANSEI_DATABASE_URL."
    )
