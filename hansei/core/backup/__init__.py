"""Backup and restore of the whole database, portable between SQLite and PostgreSQL.

``write_backup(target)`` writes one file: a gzip-compressed tar with a manifest (format
version, Hansei version, database, migration state, time, tables with columns and row counts,
a SHA-256 per member) and one JSON-lines member per table, read from one consistent snapshot.
``restore_backup(source)`` checks all of it before touching the database, then replaces every
table in one transaction. ``tables`` says how rows become JSON, ``archive`` how the file is laid
out, ``dump`` and ``restore`` what each side guarantees.
"""

from __future__ import annotations

from hansei.core.backup.archive import FORMAT_VERSION
from hansei.core.backup.dump import BackupReport, write_backup
from hansei.core.backup.errors import BackupError
from hansei.core.backup.restore import RestoreReport, restore_backup

__all__ = [
    "FORMAT_VERSION",
    "BackupError",
    "BackupReport",
    "RestoreReport",
    "restore_backup",
    "write_backup",
]
