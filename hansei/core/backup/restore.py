"""Restore a backup: check everything, then replace every table in one transaction.

Before the database is touched:
* every member of the file matches the manifest's size and SHA-256, and the gzip checksum
  holds (``archive.extract_verified``): a damaged or truncated file is refused whole;
* the backup format is one this Hansei reads;
* the backup's migration state equals this database's, app by app. A backup from an older
  or newer Hansei is refused with the version to use: restoring old rows under a newer schema
  and migrating them forward would run data migrations on a half-restored database;
* its tables and columns are exactly the installed models';
* unless forced, the database holds no user account (nobody has written anything in it).

Then, in one transaction: every table is emptied, the rows are inserted with their ids, the
sequences are moved past them, and ``after_load`` runs (the CLI rebuilds the search index
there). Any failure rolls the transaction back: the previous data stay as they were.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from hansei.core.backup.archive import extract_verified
from hansei.core.backup.errors import BackupError
from hansei.core.backup.tables import (
    Table,
    all_tables,
    applied_migrations,
    empty_tables,
    insert_rows,
    reset_sequences,
)

Plan = list[tuple[Table, dict[str, Any]]]


@dataclass(frozen=True)
class RestoreReport:
    manifest: dict[str, Any]
    rows: int

    @property
    def tables(self) -> int:
        return len(self.manifest["tables"])


def restore_backup(
    source: str,
    *,
    force: bool = False,
    after_load: Callable[[], object] | None = None,
    using: str = "default",
) -> RestoreReport:
    """Replace the whole database by the backup in ``source`` (``-``: standard input)."""
    with tempfile.TemporaryDirectory(prefix="hansei-restore-") as work:
        manifest, files = extract_verified(source, Path(work))
        check_migrations(manifest, using)
        plan = restore_plan(manifest)
        if not force:
            refuse_if_not_empty(using)
        rows = _load(plan, files, after_load, using)
    ContentType.objects.clear_cache()  # the ids of content types may have changed
    return RestoreReport(manifest, rows)


def check_migrations(manifest: dict[str, Any], using: str) -> None:
    made_by = manifest.get("hansei_version", "?")
    ours = {(app, name) for app, names in applied_migrations(using).items() for name in names}
    theirs = {(str(app), str(n)) for app, names in manifest["migrations"].items() for n in names}
    if theirs - ours:
        raise BackupError(
            f"the backup was made by a newer Hansei ({made_by}): it has migrations this "
            f"one does not ({_names(theirs - ours)}). Upgrade Hansei, run `hansei migrate`, "
            "then restore"
        )
    if ours - theirs:
        raise BackupError(
            f"the backup was made by an older Hansei ({made_by}), before migrations "
            f"{_names(ours - theirs)}. Restore it with Hansei {made_by} into an empty "
            "database, then upgrade (`hansei migrate`) and take a new backup"
        )


def _names(migrations: set[tuple[str, str]]) -> str:
    names = [f"{app}.{name}" for app, name in sorted(migrations)]
    return ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")


def restore_plan(manifest: dict[str, Any]) -> Plan:
    """The installed tables in dependency order, each with its entry in the manifest."""
    entries = {entry["table"]: entry for entry in manifest["tables"]}
    installed = all_tables()
    missing = sorted({t.name for t in installed} - entries.keys())
    unknown = sorted(entries.keys() - {t.name for t in installed})
    if missing or unknown:
        raise BackupError(
            "the backup's tables differ from this Hansei's"
            + (f"; missing: {', '.join(missing)}" if missing else "")
            + (f"; unknown: {', '.join(unknown)}" if unknown else "")
        )
    for table in installed:
        columns = entries[table.name]["columns"]
        if sorted(map(str, columns)) != sorted(table.columns):
            raise BackupError(f"the backup's columns of {table.name} differ from this Hansei's")
    return [(table, entries[table.name]) for table in installed]


def refuse_if_not_empty(using: str) -> None:
    users = get_user_model()._base_manager.using(using).count()
    if users:
        raise BackupError(
            f"the database is not empty ({users} user account(s)): a restore replaces "
            "everything in it. Add --force to replace it"
        )


def _load(
    plan: Plan, files: dict[str, Path], after_load: Callable[[], object] | None, using: str
) -> int:
    tables = [table for table, _entry in plan]
    total = 0
    try:
        with transaction.atomic(using=using):
            empty_tables(tables, using)
            for table, entry in plan:
                rows = _rows(files[entry["member"]], table)
                count = insert_rows(table, [str(c) for c in entry["columns"]], rows, using)
                if count != entry["rows"]:
                    raise BackupError(
                        f"the backup is damaged: {table.name} has {count} rows, "
                        f"its manifest says {entry['rows']}; nothing was changed"
                    )
                total += count
            reset_sequences(tables, using)
            if after_load is not None:
                after_load()
    except (DatabaseError, ValidationError, ValueError, TypeError) as exc:
        raise BackupError(
            f"the backup could not be loaded, nothing was changed: {str(exc).strip()}"
        ) from exc
    return total


def _rows(path: Path, table: Table) -> Iterator[list[Any]]:
    with path.open("rb") as file:
        for number, line in enumerate(file, start=1):
            row = json.loads(line)
            if not isinstance(row, list):
                raise BackupError(f"the backup is damaged: line {number} of {table.name}")
            yield row
