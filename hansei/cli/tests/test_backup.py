"""`hansei backup` and `hansei restore`, on the test database of whichever backend runs.

The commands run the way operators run them: the `hansei` entry point in a child process
(which only sees committed rows, hence transactional tests), or ``main()`` in this process.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tarfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from hansei.cli.main import main
from hansei.cli.tests.backup_data import empty_tables, every_table, fill_the_rest
from hansei.cli.tests.backup_files import DAMAGES, members, rewrite, rows
from hansei.collab.tests import servers

pytestmark = pytest.mark.django_db(transaction=True)

HANSEI = Path(sys.executable).with_name("hansei")


def hansei(*args: str, data_dir: Path, stdin: bytes | None = None, **env: str) -> Any:
    environment = {**os.environ, "HANSEI_DATA_DIR": str(data_dir), "HANSEI_LOG_LEVEL": "WARNING"}
    environment["HANSEI_DATABASE_URL"] = servers.test_database_url()
    environment.update(env)
    return subprocess.run(
        [str(HANSEI), *args], input=stdin, capture_output=True, timeout=300, env=environment
    )


@pytest.fixture(autouse=True)
def _no_stale_search_index() -> Iterator[None]:
    """The flush after a transactional test empties the tables, not SQLite's FTS index."""
    yield
    from hansei.search.backends import current_backend

    current_backend().clear()


@pytest.fixture
def full_site(builtin_data: None) -> None:
    from hansei.demo.data import load_demo
    from hansei.search.backends import current_backend

    # SQLite's full-text index is no model table: an earlier transactional test's flush may
    # have left rows in it, which the table-by-table comparison would count.
    current_backend().clear()
    assert load_demo() is True
    fill_the_rest()
    empty = empty_tables()
    assert empty == [], f"give these tables rows in backup_data.py: {empty}"


def _differences(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return sorted(
        name for name in before.keys() | after.keys() if before.get(name) != after.get(name)
    )


def _live_texts() -> dict[tuple[int, str], str]:
    from hansei.postmortems.document.live_text import load_doc, section_text, text_sections
    from hansei.postmortems.document.models import YUpdate

    texts = {}
    for pid in YUpdate.objects.values_list("postmortem_id", flat=True).distinct():
        doc, _last = load_doc(pid)
        for section in text_sections(pid):
            texts[(pid, section.key)] = section_text(doc, section.key)
    return texts


def _search_ids(word: str) -> list[int]:
    from hansei.accounts.models import User
    from hansei.search.queries import search_postmortems

    page = search_postmortems(user=User.objects.get(username="emma"), query=word)
    return [result.postmortem.pk for result in page.results]


def test_a_restore_brings_back_every_table_row_by_row(full_site: None, tmp_path: Path) -> None:
    from django.test import Client
    from django.urls import reverse

    from hansei.accounts.models import Team, User
    from hansei.demo.people import DEMO_PASSWORD
    from hansei.search.backends import current_backend

    before, live, found = every_table(), _live_texts(), _search_ids("database")
    assert live and found
    file = tmp_path / "site.tar.gz"
    done = hansei("backup", str(file), data_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    assert b"Backed up" in done.stdout and b"secret key is not in it" in done.stdout

    call_command("flush", interactive=False, verbosity=0)
    current_backend().clear()  # SQLite's full-text index is no model: flush leaves it
    assert not User.objects.exists()
    done = hansei("restore", str(file), data_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    assert b"Restored" in done.stdout

    assert _differences(before, every_table()) == []
    assert _live_texts() == live
    assert _search_ids("database") == found
    signed_in = Client().post(
        reverse("accounts:login"), {"username": "emma", "password": DEMO_PASSWORD}
    )
    assert signed_in.status_code == 302 and signed_in.url == reverse("home:my_work")
    newest = Team.objects.order_by("-pk").values_list("pk", flat=True).first()
    assert Team.objects.create(name="After", slug="after").pk > newest  # sequences moved on


# --- what the file holds --------------------------------------------------------------------


def test_a_backup_is_one_private_file_that_says_what_it_holds(
    published_postmortem: Any, tmp_path: Path, capsys: Any
) -> None:
    from django.conf import settings
    from django.db.migrations.recorder import MigrationRecorder

    from hansei.core.backup.tables import all_tables

    file = tmp_path / "b.tar.gz"
    assert main(["backup", str(file)]) == 0
    assert file.stat().st_mode & 0o777 == 0o600
    assert os.listdir(tmp_path) == ["b.tar.gz"]  # no work files left behind
    with tarfile.open(file, "r:gz") as tar:
        assert tar.getnames()[0] == "manifest.json"
    contents = members(file)
    manifest = json.loads(contents.pop("manifest.json"))
    assert manifest["format_version"] == 1 and manifest["database"]["vendor"] == connection.vendor
    for name, data in contents.items():
        assert manifest["members"][name] == {
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
        }
    counts = {t["table"]: t["rows"] for t in manifest["tables"]}
    assert counts == {t.name: t.model._base_manager.count() for t in all_tables()}
    assert "accounts_user_groups" in counts and counts["postmortems_revision"] == 1
    applied = MigrationRecorder(connection).applied_migrations()
    assert sum(len(names) for names in manifest["migrations"].values()) == len(applied)
    everything = b"".join(contents.values()) + json.dumps(manifest).encode()
    assert settings.SECRET_KEY.encode() not in everything


# --- refusals -------------------------------------------------------------------------------


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_it_refuses_a_damaged_or_foreign_file_and_changes_nothing(
    damage: str, alice: Any, tmp_path: Path, capsys: Any
) -> None:
    good = tmp_path / "good.tar.gz"
    assert main(["backup", str(good)]) == 0
    make, message = DAMAGES[damage]
    bad = make(good, tmp_path / "bad.tar.gz")
    before = every_table()
    capsys.readouterr()
    assert main(["restore", str(bad), "--force"]) == 2
    assert message in capsys.readouterr().err
    assert _differences(before, every_table()) == []


def test_a_failed_restore_leaves_the_previous_data(
    published_postmortem: Any, tmp_path: Path, capsys: Any
) -> None:
    good = tmp_path / "good.tar.gz"
    assert main(["backup", str(good)]) == 0
    manifest = json.loads(members(good)["manifest.json"])
    [entry] = [t for t in manifest["tables"] if t["table"] == "accounts_membership"]

    def orphan(data: bytes) -> bytes:
        """One more membership, of a user who does not exist: the checks pass, the load fails
        on the foreign key, after every table was emptied."""
        row = dict(zip(entry["columns"], json.loads(data.splitlines()[0]), strict=True))
        row.update(id=999_999, user_id=999_999)
        return data + json.dumps([row[c] for c in entry["columns"]]).encode() + b"\n"

    def one_more_row(m: dict[str, Any]) -> None:
        next(t for t in m["tables"] if t["table"] == "accounts_membership")["rows"] += 1

    bad = rewrite(
        good,
        tmp_path / "bad.tar.gz",
        manifest=one_more_row,
        member=("tables/accounts_membership.jsonl", orphan),
        rehash=True,
    )
    before = every_table()
    capsys.readouterr()
    assert main(["restore", str(bad), "--force"]) == 2
    assert "could not be loaded, nothing was changed" in capsys.readouterr().err
    assert _differences(before, every_table()) == []


def test_it_refuses_to_restore_over_data_unless_forced(
    alice: Any, bob: Any, tmp_path: Path, capsys: Any
) -> None:
    from hansei.accounts.models import User
    from hansei.conftest import person

    file = tmp_path / "b.tar.gz"
    assert main(["backup", str(file)]) == 0
    at_backup = every_table()
    person("zoe", "member")
    before = every_table()
    capsys.readouterr()
    assert main(["restore", str(file)]) == 2
    err = capsys.readouterr().err
    assert "the database is not empty (3 user account(s))" in err and "--force" in err
    assert _differences(before, every_table()) == []

    assert main(["restore", str(file), "--force"]) == 0
    assert _differences(at_backup, every_table()) == []
    assert not User.objects.filter(username="zoe").exists()


def test_it_refuses_to_replace_a_file_unless_forced(
    alice: Any, tmp_path: Path, capsys: Any
) -> None:
    file = tmp_path / "b.tar.gz"
    file.write_text("precious")
    assert main(["backup", str(file)]) == 2
    assert f"{file} already exists: add --force" in capsys.readouterr().err
    assert file.read_text() == "precious"
    assert main(["backup", str(file), "--force"]) == 0
    assert json.loads(members(file)["manifest.json"])["format"] == "hansei-backup"
    assert main(["backup", str(tmp_path / "nowhere" / "b.tar.gz")]) == 2
    assert "no directory" in capsys.readouterr().err
    assert sorted(os.listdir(tmp_path)) == ["b.tar.gz"]


def test_it_explains_a_missing_file_or_argument(db: Any, tmp_path: Path, capsys: Any) -> None:
    assert main(["restore", str(tmp_path / "missing.tar.gz")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["restore"]) == 2
    assert "the following arguments are required: FILE" in capsys.readouterr().err
    assert main(["restore", str(tmp_path)]) == 2
    assert "is a directory" in capsys.readouterr().err


def test_it_writes_to_stdout_and_reads_from_stdin(alice: Any, tmp_path: Path) -> None:
    from hansei.accounts.models import User

    done = hansei("backup", "-", "--verbose", data_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout[:2] == b"\x1f\x8b" and b"Backed up" in done.stderr
    assert b"  accounts_user: 1 row(s)" in done.stderr
    before = every_table()
    User.objects.all().delete()
    done = hansei("restore", "-", data_dir=tmp_path, stdin=done.stdout)
    assert done.returncode == 0, done.stderr
    assert _differences(before, every_table()) == []


# --- consistency ----------------------------------------------------------------------------


def test_a_backup_taken_while_another_connection_writes_is_a_snapshot(
    published_postmortem: Any, tmp_path: Path
) -> None:
    """Rows committed by another connection while the backup reads, one into a table already
    read and one into a table not read yet, are in neither: the backup is one moment."""
    from hansei.accounts.models import Team
    from hansei.core.backup import write_backup
    from hansei.core.models import Job

    before = every_table()
    written: list[str] = []

    def write_elsewhere() -> None:
        from django.db import connection as own
        from django.db import transaction

        try:
            with transaction.atomic():
                Team.objects.create(name="Late", slug="late")
                Job.objects.create(kind="late", payload={})
            written.append("committed")
        finally:
            own.close()

    def progress(table: str, rows: int) -> None:
        if not written:
            writer = threading.Thread(target=write_elsewhere)
            writer.start()
            writer.join()
            written.append(f"after {table}")

    file = tmp_path / "b.tar.gz"
    write_backup(str(file), progress=progress)
    assert written[0] == "committed" and written[1].startswith("after ")
    assert Team.objects.filter(slug="late").exists() and Job.objects.filter(kind="late").exists()
    counts = {t["table"]: t["rows"] for t in json.loads(members(file)["manifest.json"])["tables"]}
    assert counts["accounts_team"] == len(before["accounts_team"])
    assert counts["core_job"] == len(before["core_job"])
    assert main(["restore", str(file), "--force"]) == 0
    assert _differences(before, every_table()) == []


# --- between backends -----------------------------------------------------------------------


@pytest.mark.postgres
def test_a_backup_of_the_embedded_sqlite_site_restores_into_postgresql(
    builtin_data: None, tmp_path: Path
) -> None:
    """What an operator moving to production does: back up the SQLite site, restore it into
    PostgreSQL. A backup of the result holds the same rows, ids included (the search
    vocabulary too: both databases keep it the same way)."""
    embedded = {"HANSEI_DATABASE_URL": "", "HANSEI_DATA_DIR": str(tmp_path / "embedded")}
    for command in (["migrate"], ["demo"], ["backup", str(tmp_path / "sqlite.tar.gz")]):
        done = hansei(*command, data_dir=tmp_path, **embedded)
        assert done.returncode == 0, done.stderr

    assert main(["restore", str(tmp_path / "sqlite.tar.gz")]) == 0
    assert main(["backup", str(tmp_path / "postgres.tar.gz")]) == 0
    sqlite, postgres = members(tmp_path / "sqlite.tar.gz"), members(tmp_path / "postgres.tar.gz")
    assert json.loads(sqlite.pop("manifest.json"))["database"]["vendor"] == "sqlite"
    assert json.loads(postgres.pop("manifest.json"))["database"]["vendor"] == "postgresql"
    assert sqlite["tables/search_searchterm.jsonl"] != b""
    # Rows compared as values: PostgreSQL's jsonb keeps no key order.
    assert {k: rows(v) for k, v in sqlite.items()} == {k: rows(v) for k, v in postgres.items()}
    assert _search_ids("database")
