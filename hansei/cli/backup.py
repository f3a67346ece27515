"""``hansei backup FILE`` and ``hansei restore FILE`` (``-``: standard output / input).

The work is in ``hansei.core.backup``; this module reads the arguments, rebuilds the search
index inside the restore's transaction, and says what happened. Reports go to standard error
when the backup itself goes to standard output.
"""

from __future__ import annotations

import argparse
import sys

from hansei.cli.errors import CommandFailed

CONTAINS = (
    "It holds every table: password hashes, sign-in sessions and integration secrets "
    "included, so keep it as safe as the database. The secret key is not in it."
)


def add_backup_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="the file to write, or - for stdout")
    parser.add_argument("--force", action="store_true", help="replace FILE if it exists")
    parser.add_argument(
        "--verbose", "-v", action="store_true", help="report each table as it is read"
    )


def add_restore_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="the backup to restore, or - for stdin")
    parser.add_argument(
        "--force",
        action="store_true",
        help="restore even though the database has data: everything in it is replaced",
    )


def backup(args: argparse.Namespace) -> int:
    from hansei.core.backup import BackupError, write_backup

    def progress(table: str, rows: int) -> None:
        print(f"  {table}: {rows} row(s)", file=sys.stderr)

    try:
        report = write_backup(
            args.file, force=args.force, progress=progress if args.verbose else None
        )
    except BackupError as exc:
        raise CommandFailed(exc.message) from exc
    database = report.manifest["database"]["vendor"]
    where = "standard output" if args.file == "-" else args.file
    out = sys.stderr if args.file == "-" else sys.stdout
    print(
        f"Backed up {report.rows} row(s) in {report.tables} tables of the {database} database "
        f"to {where}. {CONTAINS}",
        file=out,
    )
    return 0


def restore(args: argparse.Namespace) -> int:
    from hansei.core.backup import BackupError, restore_backup
    from hansei.search.services import restore_index

    try:
        report = restore_backup(args.file, force=args.force, after_load=restore_index)
    except BackupError as exc:
        raise CommandFailed(exc.message) from exc
    made = report.manifest
    vendor = (made.get("database") or {}).get("vendor", "?")
    print(
        f"Restored {report.rows} row(s) in {report.tables} tables from a backup of "
        f"{made.get('created_at', '?')} (Hansei {made.get('hansei_version', '?')}, {vendor}). "
        "The search index was rebuilt. Sign-in sessions need the secret key of the backed-up "
        "site: without it, everyone signs in again."
    )
    return 0
