"""The database-specific half of search: SQLite FTS5, or PostgreSQL full text.

Both index the documents' *terms* (``analysis.py``): the analysis (stemming, word families,
Japanese normalization) happens once in Python, so both databases find the same documents.
SQLite's tokenizer is plain ``unicode61``; PostgreSQL's configuration is ``simple`` (no stop
words dropped, no stemming on top). Terms hold only letters and digits and every query reaches
SQL as bound parameters, so no FTS5 or tsquery syntax can be injected.

A query is a list of groups, each a list of alternative phrases; a document's *mask* says
which groups it matches (bit i: group i), its rank is the full-text rank of matching any.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice
from typing import Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models.expressions import RawSQL

from hansei.postmortems.document.models import PostmortemQuerySet

Phrase = tuple[str, ...]
Groups = list[list[Phrase]]
Columns = tuple[str, str, str, str]  # title, summary, body, fields


class SearchBackend(Protocol):
    def store(self, postmortem_id: int, columns: Columns) -> None: ...

    def delete(self, postmortem_id: int) -> None: ...

    def clear(self) -> None: ...

    def add(self, documents: Iterable[tuple[int, Columns]]) -> None:
        """Index documents not in the index yet, in one go."""
        ...

    def refill(self, documents: Iterable[tuple[int, Columns]]) -> None:
        """Rebuild what this database keeps beside the document rows from those rows."""
        ...

    def matches(self, groups: Groups) -> dict[int, tuple[int, float]]:
        """Every document matching at least one group: id → (mask, rank, higher is better),
        in one pass over the index."""
        ...

    def matching(self, qs: PostmortemQuerySet, groups: Groups, need: int) -> PostmortemQuerySet:
        """Only the postmortems matching at least ``need`` of the groups."""
        ...

    def best(self, groups: Groups, limit: int) -> dict[int, float]:
        """The ``limit`` documents that rank best for matching any group: id → rank."""
        ...


class SQLiteBackend:
    # Title matches weigh ten times a body match, the summary four, the structured fields two.
    RANK = "-bm25(search_fts, 10.0, 4.0, 1.0, 2.0)"

    def store(self, postmortem_id: int, columns: Columns) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_fts WHERE rowid = %s", [postmortem_id])
            cursor.execute(
                "INSERT INTO search_fts (rowid, title, summary, body, fields)"
                " VALUES (%s, %s, %s, %s, %s)",
                [postmortem_id, *columns],
            )

    def delete(self, postmortem_id: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_fts WHERE rowid = %s", [postmortem_id])

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_fts")

    def add(self, documents: Iterable[tuple[int, Columns]]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO search_fts (rowid, title, summary, body, fields)"
                " VALUES (%s, %s, %s, %s, %s)",
                [(postmortem_id, *columns) for postmortem_id, columns in documents],
            )

    def refill(self, documents: Iterable[tuple[int, Columns]]) -> None:
        self.clear()
        rows = iter(documents)
        while chunk := list(islice(rows, 500)):
            self.add(chunk)

    @staticmethod
    def group_expression(phrases: list[Phrase]) -> str:
        return "(" + " OR ".join('"' + " ".join(phrase) + '"' for phrase in phrases) + ")"

    def _any(self, groups: Groups) -> str:
        return " OR ".join(self.group_expression(g) for g in groups)

    def _mask(self, groups: Groups) -> tuple[str, list[str]]:
        sql = " + ".join(
            f"(rowid IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s)) * {1 << i}"
            for i in range(len(groups))
        )
        return sql, [self.group_expression(g) for g in groups]

    def matches(self, groups: Groups) -> dict[int, tuple[int, float]]:
        mask, params = self._mask(groups)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid, {mask}, {self.RANK} FROM search_fts WHERE search_fts MATCH %s",
                [*params, self._any(groups)],
            )
            return {int(pk): (int(m), float(rank)) for pk, m, rank in cursor.fetchall()}

    def matching(self, qs: PostmortemQuerySet, groups: Groups, need: int) -> PostmortemQuerySet:
        covered = " + ".join(
            "(rowid IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s))" for _ in groups
        )
        found = RawSQL(
            f"SELECT rowid FROM search_fts WHERE search_fts MATCH %s AND ({covered}) >= %s",
            [self._any(groups), *[self.group_expression(g) for g in groups], need],
        )
        return qs.filter(pk__in=found)

    def best(self, groups: Groups, limit: int) -> dict[int, float]:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid, {self.RANK} FROM search_fts WHERE search_fts MATCH %s"
                f" ORDER BY {self.RANK} DESC LIMIT %s",
                [self._any(groups), limit],
            )
            return {int(pk): float(rank) for pk, rank in cursor.fetchall()}


class PostgresBackend:
    # A stored generated column (migration 0003): the weighted tsvector of the term columns.
    VECTOR = "search_vector"
    QUERY = "to_tsquery('simple'::regconfig, %s)"

    def store(self, postmortem_id: int, columns: Columns) -> None:
        """The document row is the index (its vector is computed by the database)."""

    def delete(self, postmortem_id: int) -> None:
        """The document row is the index."""

    def clear(self) -> None:
        """The document rows are the index."""

    def add(self, documents: Iterable[tuple[int, Columns]]) -> None:
        """The document rows are the index."""

    def refill(self, documents: Iterable[tuple[int, Columns]]) -> None:
        """The tsvector column is computed by the database from the rows."""

    @staticmethod
    def group_expression(phrases: list[Phrase]) -> str:
        return " | ".join(
            "(" + " <-> ".join(f"'{term}'" for term in phrase) + ")" for phrase in phrases
        )

    def _any(self, groups: Groups) -> str:
        return " | ".join(f"({self.group_expression(g)})" for g in groups)

    def matches(self, groups: Groups) -> dict[int, tuple[int, float]]:
        mask = " + ".join(
            f"(CASE WHEN {self.VECTOR} @@ {self.QUERY} THEN {1 << i} ELSE 0 END)"
            for i in range(len(groups))
        )
        any_group = self._any(groups)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT postmortem_id, {mask}, ts_rank({self.VECTOR}, {self.QUERY})"
                f" FROM search_searchdocument WHERE {self.VECTOR} @@ {self.QUERY}",
                [*[self.group_expression(g) for g in groups], any_group, any_group],
            )
            return {int(pk): (int(m), float(rank)) for pk, m, rank in cursor.fetchall()}

    def matching(self, qs: PostmortemQuerySet, groups: Groups, need: int) -> PostmortemQuerySet:
        covered = " + ".join(
            f"(CASE WHEN {self.VECTOR} @@ {self.QUERY} THEN 1 ELSE 0 END)" for _ in groups
        )
        found = RawSQL(
            f"SELECT postmortem_id FROM search_searchdocument"
            f" WHERE {self.VECTOR} @@ {self.QUERY} AND ({covered}) >= %s",
            [self._any(groups), *[self.group_expression(g) for g in groups], need],
        )
        return qs.filter(pk__in=found)

    def best(self, groups: Groups, limit: int) -> dict[int, float]:
        any_group = self._any(groups)
        rank = f"ts_rank({self.VECTOR}, {self.QUERY})"
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT postmortem_id, {rank} FROM search_searchdocument"
                f" WHERE {self.VECTOR} @@ {self.QUERY} ORDER BY 2 DESC LIMIT %s",
                [any_group, any_group, limit],
            )
            return {int(pk): float(rank) for pk, rank in cursor.fetchall()}


def current_backend() -> SearchBackend:
    if connection.vendor == "postgresql":
        return PostgresBackend()
    if connection.vendor == "sqlite":
        return SQLiteBackend()
    raise ImproperlyConfigured(
        f"Search needs SQLite or PostgreSQL, not {connection.vendor}: set HANSEI_DATABASE_URL."
    )
