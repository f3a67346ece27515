"""Every table of the database as vendor-neutral rows, and back.

A table is a concrete, managed model of ``apps.get_models(include_auto_created=True)``: the
many-to-many join tables are tables like any other, ids included. A row is a list of JSON
values in the order of the table's columns: times in ISO 8601 with their offset, decimals and
UUIDs as strings, bytes in base64, JSON fields as JSON. That is the same on SQLite and on
PostgreSQL, so a backup of one restores into the other.

Reading happens inside ``read_snapshot()``, which sees one consistent state of the whole
database while other connections keep writing: PostgreSQL's REPEATABLE READ, and on SQLite a
deferred read transaction, which in WAL mode is a snapshot that blocks no writer.
"""

from __future__ import annotations

import base64
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.apps import apps
from django.core.management.color import no_style
from django.db import connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.recorder import MigrationRecorder
from django.utils.duration import duration_iso_string

from hansei.core.backup.errors import BackupError

INSERT_BATCH = 500
READ_CHUNK = 2000


@dataclass(frozen=True)
class Table:
    model: type[models.Model]

    @property
    def name(self) -> str:
        return str(self.model._meta.db_table)

    @property
    def label(self) -> str:
        return str(self.model._meta.label_lower)

    @property
    def fields(self) -> list[models.Field[Any, Any]]:
        """The stored columns (a generated column is computed by the database itself)."""
        return [
            f
            for f in self.model._meta.concrete_fields
            if not getattr(f, "generated", False)  # GeneratedField
        ]

    @property
    def columns(self) -> list[str]:
        return [str(f.column) for f in self.fields]


def all_tables() -> list[Table]:
    """Every table, each after the tables its foreign keys point to (a cycle, which deferred
    constraints allow, is broken at the first table by name)."""
    tables = {
        m._meta.db_table: Table(m)
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy and not m._meta.swapped
    }
    needs = {name: _points_to(table) & tables.keys() for name, table in tables.items()}
    ordered: list[Table] = []
    while needs:
        ready = sorted(name for name, deps in needs.items() if not deps) or [min(needs)]
        for name in ready:
            ordered.append(tables[name])
            del needs[name]
        for deps in needs.values():
            deps.difference_update(ready)
    return ordered


def _points_to(table: Table) -> set[str]:
    """The other tables this table's foreign keys point to."""
    targets = (f.related_model for f in table.fields if f.is_relation)
    return {str(t._meta.db_table) for t in targets if isinstance(t, type) and t is not table.model}


# --- values ---------------------------------------------------------------------------------


def encode(value: Any) -> Any:
    """A column value as JSON (a JSON field's value is JSON already and passes through)."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return duration_iso_string(value)
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def prepare(field: models.Field[Any, Any], value: Any, connection: BaseDatabaseWrapper) -> Any:
    """A JSON value read from a backup as the parameter that stores it in this database."""
    if value is None:
        if isinstance(field, models.JSONField) and not field.null:
            # values_list() cannot tell JSON null from SQL NULL; a non-null column held the
            # former.
            return connection.ops.adapt_json_value(None, field.encoder)
        return None
    # to_python parses what encode() wrote: ISO times, decimal strings, base64 bytes.
    return field.get_db_prep_save(field.to_python(value), connection)


# --- reading --------------------------------------------------------------------------------


@contextmanager
def read_snapshot(using: str = "default") -> Iterator[None]:
    """Run the reads inside one consistent view of the database (see the module docstring)."""
    connection = connections[using]
    if connection.in_atomic_block or not connection.get_autocommit():
        raise BackupError("a backup needs a connection of its own, outside any transaction")
    if connection.vendor == "postgresql":
        with transaction.atomic(using=using):
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
            transaction.set_rollback(True, using=using)
    elif connection.vendor == "sqlite":
        # Not transaction.atomic(): the settings make that BEGIN IMMEDIATE, which would hold
        # the write lock and stall the server for the whole backup.
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
            try:
                cursor.execute("SELECT count(*) FROM django_migrations")
                cursor.fetchone()  # the first read fixes the snapshot
                yield
            finally:
                cursor.execute("ROLLBACK")
    else:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {connection.vendor}")


def read_rows(table: Table, using: str = "default") -> Iterator[list[Any]]:
    attnames = [f.attname for f in table.fields]
    rows = (
        table.model._base_manager.using(using)
        .order_by("pk")
        .values_list(*attnames)
        .iterator(chunk_size=READ_CHUNK)
    )
    for row in rows:
        yield [encode(value) for value in row]


def applied_migrations(using: str = "default") -> dict[str, list[str]]:
    """The migrations recorded as applied, by app."""
    by_app: dict[str, list[str]] = {}
    for app, name in MigrationRecorder(connections[using]).applied_migrations():
        by_app.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(by_app.items())}


def database_description(using: str = "default") -> dict[str, str]:
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = str(cursor.fetchone()[0])
    else:
        version = sqlite3.sqlite_version
    return {"vendor": connection.vendor, "version": version}


# --- writing --------------------------------------------------------------------------------


def empty_tables(tables: list[Table], using: str = "default") -> None:
    connection = connections[using]
    statements = connection.ops.sql_flush(
        no_style(), [t.name for t in tables], reset_sequences=False, allow_cascade=False
    )
    connection.ops.execute_sql_flush(statements)


def insert_rows(
    table: Table, columns: list[str], rows: Iterable[list[Any]], using: str = "default"
) -> int:
    """Insert rows whose values are in the order of ``columns``; how many were inserted."""
    connection = connections[using]
    by_column = {str(f.column): f for f in table.fields}
    fields = [by_column[c] for c in columns]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    count = 0
    batch: list[list[Any]] = []
    with connection.cursor() as cursor:
        for row in rows:
            if len(row) != len(fields):
                raise BackupError(f"a row of {table.name} has {len(row)} values, not {len(fields)}")
            batch.append([prepare(f, v, connection) for f, v in zip(fields, row, strict=True)])
            if len(batch) == INSERT_BATCH:
                cursor.executemany(sql, batch)
                count, batch = count + len(batch), []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def reset_sequences(tables: list[Table], using: str = "default") -> None:
    """New rows get ids after the restored ones (PostgreSQL; SQLite tracks it by itself)."""
    connection = connections[using]
    statements = connection.ops.sequence_reset_sql(no_style(), [t.model for t in tables])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
