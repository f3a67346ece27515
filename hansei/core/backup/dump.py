"""Take a backup: every table, read from one consistent snapshot, into one file.

The file holds the whole database and nothing else: Hansei keeps no uploaded files (imports
are read into rows), and the secret key stays out (see the README's "Backups"). What it holds
is sensitive all the same (password hashes, sign-in sessions, webhook secrets): it is written
readable by its owner only.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import IO, Any

from hansei.core.backup.archive import (
    FORMAT,
    FORMAT_VERSION,
    STDIO,
    Member,
    MemberWriter,
    check_target,
    publish,
    write_archive,
)
from hansei.core.backup.errors import BackupError
from hansei.core.backup.tables import (
    Table,
    all_tables,
    applied_migrations,
    database_description,
    read_rows,
    read_snapshot,
)

CONTENTS = (
    "Every table of the Hansei database, row by row with its ids. Not included: the secret "
    "key (HANSEI_SECRET_KEY, or secret_key in the data directory) and the configuration. "
    "Hansei stores no uploaded files."
)

Progress = Callable[[str, int], None]


@dataclass(frozen=True)
class BackupReport:
    manifest: dict[str, Any]

    @property
    def tables(self) -> int:
        return len(self.manifest["tables"])

    @property
    def rows(self) -> int:
        return sum(t["rows"] for t in self.manifest["tables"])


def hansei_version() -> str:
    try:
        return metadata.version("hansei")
    except metadata.PackageNotFoundError:
        return "unknown"


def write_backup(
    target: str, *, force: bool = False, progress: Progress | None = None, using: str = "default"
) -> BackupReport:
    """Write a backup to the file ``target`` (``-``: standard output).

    ``progress(table, rows)`` is called after each table is read, inside the snapshot."""
    if target != STDIO:
        check_target(Path(target), force=force)  # refuse before the work, not after
    work_parent = None if target == STDIO else Path(target).parent
    try:
        with tempfile.TemporaryDirectory(prefix=".hansei-backup-", dir=work_parent) as work:
            manifest, members = _dump(Path(work), progress, using)

            def write(out: IO[bytes]) -> None:
                write_archive(out, manifest, members, mtime=int(manifest["created_at_epoch"]))

            publish(target, force=force, write=write)
    except OSError as exc:  # no room, no permission, a closed pipe: nothing is left behind
        where = "standard output" if target == STDIO else target
        raise BackupError(f"cannot write {where}: {exc.strerror or exc}") from exc
    return BackupReport(manifest)


def _dump(
    work_dir: Path, progress: Progress | None, using: str
) -> tuple[dict[str, Any], list[Member]]:
    tables = all_tables()
    members: list[Member] = []
    listed: list[dict[str, Any]] = []
    with read_snapshot(using):
        created = datetime.now(UTC)
        migrations = applied_migrations(using)
        for table in tables:
            member, rows = _dump_table(table, work_dir, using)
            members.append(member)
            listed.append(_table_entry(table, member, rows))
            if progress is not None:
                progress(table.name, rows)
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "hansei_version": hansei_version(),
        "created_at": created.isoformat(),
        "created_at_epoch": int(created.timestamp()),
        "database": database_description(using),
        "contents": CONTENTS,
        "uploaded_files": [],
        "migrations": migrations,
        "tables": listed,
        "members": {m.name: {"size": m.size, "sha256": m.sha256} for m in members},
    }
    return manifest, members


def _dump_table(table: Table, work_dir: Path, using: str) -> tuple[Member, int]:
    safe_name = re.sub(r"[^a-z0-9_]", "_", table.name.lower())
    writer = MemberWriter(f"tables/{safe_name}.jsonl", work_dir)
    rows = 0
    try:
        for row in read_rows(table, using):
            writer.write_line(row)
            rows += 1
    finally:
        member = writer.close()
    return member, rows


def _table_entry(table: Table, member: Member, rows: int) -> dict[str, Any]:
    return {
        "table": table.name,
        "model": table.label,
        "columns": table.columns,
        "rows": rows,
        "member": member.name,
    }
