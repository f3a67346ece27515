"""The ``hansei`` command.

Hansei's own subcommands are defined here with argparse; anything else is handed to Django's
management commands, so ``hansei migrate``, ``hansei shell`` or ``hansei createsuperuser`` work.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from hansei.cli.errors import USAGE_ERROR, CommandFailed

Handler = Callable[[argparse.Namespace], int]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        """argparse's own errors exit 2 too, as a CommandFailed so tests can call main()."""
        raise CommandFailed(f"{self.prog}: {message}")


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hansei.settings")
    import django

    django.setup()


def require_migrated() -> None:
    """Refuse to work on a database that is missing tables (exit 2, with what to do)."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise CommandFailed("the database is not up to date: run `hansei migrate` first")


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _serve(args: argparse.Namespace) -> int:
    from hansei.cli.serve import serve

    return serve(args)


def _worker(args: argparse.Namespace) -> int:
    from hansei.cli.worker import worker

    require_migrated()
    return worker(args)


def _demo(args: argparse.Namespace) -> int:
    from hansei.cli.demo import demo

    migrate()
    return demo(args)


def _createuser(args: argparse.Namespace) -> int:
    from hansei.cli.users import createuser

    require_migrated()
    return createuser(args)


def _export(args: argparse.Namespace) -> int:
    from hansei.cli.export import export

    require_migrated()
    return export(args)


def _reindex(args: argparse.Namespace) -> int:
    from hansei.search.services import reindex_all

    require_migrated()
    count = reindex_all()
    print(f"Search index rebuilt: {count} published postmortem(s).")
    return 0


def _backup(args: argparse.Namespace) -> int:
    from hansei.cli.backup import backup

    require_migrated()
    return backup(args)


def _restore(args: argparse.Namespace) -> int:
    from hansei.cli.backup import restore

    require_migrated()
    return restore(args)


def _lint(args: argparse.Namespace) -> int:
    from hansei.cli.lint import lint

    return lint(args)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="hansei",
        description="Hansei: blameless postmortems. Other commands go to Django "
        "(hansei migrate, hansei shell, hansei createsuperuser...).",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    serve = sub.add_parser("serve", help="run migrations, then the web server and a worker")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="web server processes")
    serve.add_argument("--no-worker", action="store_true", help="no background job thread")
    serve.add_argument("--demo", action="store_true", help="load demo data into an empty site")
    serve.set_defaults(handler=_serve)

    worker = sub.add_parser("worker", help="run background jobs (emails, reminders...)")
    worker.add_argument("--once", action="store_true", help="run the jobs due now, then exit")
    worker.set_defaults(handler=_worker)

    demo = sub.add_parser("demo", help="load the demo teams, people and postmortems")
    demo.set_defaults(handler=_demo)

    user = sub.add_parser("createuser", help="create a user (the password is never an argument)")
    user.add_argument("username")
    user.add_argument("--email", required=True)
    user.add_argument("--role", choices=["admin", "member", "reviewer"], default="member")
    user.add_argument(
        "--team",
        action="append",
        default=[],
        metavar="SLUG",
        help="make the user a member of this existing team (repeatable)",
    )
    user.add_argument("--name", default="", help="display name")
    user.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input",
    )
    user.set_defaults(handler=_createuser)

    export = sub.add_parser(
        "export", help="export postmortems as Markdown, JSON, HTML, PDF or a zip bundle"
    )
    export.add_argument("ids", nargs="*", type=int, metavar="ID")
    export.add_argument("--all", action="store_true", help="every postmortem")
    export.add_argument(
        "--format", choices=["markdown", "json", "html", "pdf", "zip"], default="markdown"
    )
    export.add_argument(
        "--output",
        metavar="PATH",
        help="a folder for one file per postmortem (zip: the file, or a folder for it)",
    )
    export.set_defaults(handler=_export)

    reindex = sub.add_parser("reindex", help="rebuild the search index")
    reindex.set_defaults(handler=_reindex)

    from hansei.cli.backup import add_backup_arguments, add_restore_arguments

    backup = sub.add_parser("backup", help="write the whole database to one file")
    add_backup_arguments(backup)
    backup.set_defaults(handler=_backup)

    restore = sub.add_parser("restore", help="replace the whole database by a backup")
    add_restore_arguments(restore)
    restore.set_defaults(handler=_restore)

    from hansei.cli.lint import add_arguments as add_lint_arguments

    lint = sub.add_parser("lint", help="check a Markdown postmortem for blame and quality")
    add_lint_arguments(lint)
    lint.set_defaults(handler=_lint, django=False)  # plain Python: no settings, no database
    return parser


OWN_COMMANDS = {
    "serve", "worker", "demo", "createuser", "export", "reindex", "lint", "backup", "restore",
}  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and not args_list[0].startswith("-") and args_list[0] not in OWN_COMMANDS:
        return _django_command(args_list)
    try:
        args = build_parser().parse_args(args_list)
        if args.command is None:
            build_parser().print_help()
            return USAGE_ERROR
        handler: Handler = args.handler
        if not getattr(args, "django", True):
            return handler(args)
        setup_django()
        if args.command in ("serve", "worker"):
            return handler(args)  # requests and jobs say where they come from themselves
        from hansei.core import audit

        with audit.origin(audit.Via.CLI):  # what an operator changes here is audited as such
            return handler(args)
    except CommandFailed as exc:
        print(
            f"hansei: {exc.message}" if not exc.message.startswith("hansei") else exc.message,
            file=sys.stderr,
        )
        return USAGE_ERROR


def _django_command(argv: list[str]) -> int:
    from django.core.management import execute_from_command_line, get_commands

    setup_django()
    if argv[0] != "help" and argv[0] not in get_commands():
        print(
            f"hansei: unknown command {argv[0]!r}. See `hansei --help` and "
            "`hansei help` (Django's commands).",
            file=sys.stderr,
        )
        return USAGE_ERROR
    execute_from_command_line(["hansei", *argv])
    return 0


def run() -> None:  # pragma: no cover - the console script
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
