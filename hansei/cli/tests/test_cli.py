from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from hansei.cli.main import main
from hansei.conftest import PASSWORD, message_text

NEW_PASSWORD = "a sturdy passphrase 42"


def _stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


# --- createuser ---------------------------------------------------------------------------


def test_it_creates_a_user_in_a_team(
    db: Any, payments: Any, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    from hansei.accounts.models import User

    _stdin(monkeypatch, NEW_PASSWORD + "\n")
    code = main(
        ["createuser", "zoe", "--email", "zoe@example.com", "--role", "reviewer",
         "--team", "payments", "--password-stdin"]
    )  # fmt: skip
    assert code == 0
    assert "Created reviewer zoe in Payments." in capsys.readouterr().out
    zoe = User.objects.get(username="zoe")
    assert zoe.role == "reviewer" and zoe.email == "zoe@example.com"
    assert zoe.check_password(NEW_PASSWORD)
    assert list(zoe.teams.values_list("slug", flat=True)) == ["payments"]


def test_it_refuses_an_unknown_team(
    db: Any, payments: Any, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    from hansei.accounts.models import User

    _stdin(monkeypatch, NEW_PASSWORD + "\n")
    args = ["createuser", "zoe", "--email", "zoe@example.com", "--team", "payments"]
    assert main([*args, "--team", "nope", "--password-stdin"]) == 2
    err = capsys.readouterr().err
    assert "unknown team(s): nope" in err and "payments" in err
    assert not User.objects.filter(username="zoe").exists()


def test_it_refuses_a_duplicate_username(
    alice: Any, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    _stdin(monkeypatch, NEW_PASSWORD + "\n")
    code = main(["createuser", "Alice", "--email", "a2@example.com", "--password-stdin"])
    assert code == 2
    assert "already exists" in capsys.readouterr().err
    alice.refresh_from_db()
    assert alice.email == "alice@example.com" and alice.check_password(PASSWORD)


def test_it_refuses_a_weak_password_and_a_missing_one(
    db: Any, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    from hansei.accounts.models import User

    _stdin(monkeypatch, "password\n")
    assert main(["createuser", "zoe", "--email", "zoe@example.com", "--password-stdin"]) == 2
    assert "too common" in capsys.readouterr().err
    _stdin(monkeypatch, "")  # not a terminal, and no --password-stdin
    assert main(["createuser", "zoe", "--email", "zoe@example.com"]) == 2
    assert "--password-stdin" in capsys.readouterr().err
    assert not User.objects.filter(username="zoe").exists()


def test_it_refuses_a_bad_role_or_email(db: Any, capsys: Any) -> None:
    assert main(["createuser", "zoe", "--email", "zoe@example.com", "--role", "boss"]) == 2
    assert "invalid choice: 'boss'" in capsys.readouterr().err
    assert main(["createuser", "zoe", "--email", "not-an-address", "--password-stdin"]) == 2
    assert "not an email address" in capsys.readouterr().err


# --- export -------------------------------------------------------------------------------


def test_it_exports_the_latest_revision_of_a_published_postmortem(
    published_postmortem: Any, alice: Any, capsys: Any
) -> None:
    from hansei.postmortems.document.services import start_amendment, update_section
    from hansei.postmortems.document.snapshot import snapshot_to_markdown

    revision = published_postmortem.latest_revision()
    # An amendment in progress must not leak into the export: the archive shows the revision.
    start_amendment(actor=alice, postmortem=published_postmortem)
    section = published_postmortem.sections.get(key="summary")
    update_section(actor=alice, section=section, body="Unreviewed amendment text")

    pk = str(published_postmortem.pk)
    assert main(["export", pk, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == revision.snapshot
    assert main(["export", pk]) == 0
    markdown = capsys.readouterr().out
    assert markdown == snapshot_to_markdown(revision.snapshot)
    assert "Unreviewed amendment text" not in markdown


def test_it_exports_a_draft_as_it_is_now(make_postmortem: Any, capsys: Any) -> None:
    from hansei.postmortems.document.snapshot import build_snapshot

    draft = make_postmortem()
    assert main(["export", str(draft.pk), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(json.dumps(build_snapshot(draft)))


def test_it_writes_one_file_per_postmortem(
    published_postmortem: Any, make_postmortem: Any, make_incident: Any, tmp_path: Path
) -> None:
    draft = make_postmortem(incident=make_incident(title="Search timed out"))
    out = tmp_path / "export"
    assert main(["export", "--all", "--output", str(out)]) == 0
    names = sorted(path.name for path in out.iterdir())
    assert names == [
        f"{published_postmortem.pk:04d}-checkout-api-returned-500s.md",
        f"{draft.pk:04d}-search-timed-out.md",
    ]
    assert main(["export", "--all", "--format", "json", "--output", str(out)]) == 0
    data = json.loads((out / names[0].replace(".md", ".json")).read_text())
    assert data == published_postmortem.latest_revision().snapshot


def test_it_refuses_an_unknown_postmortem(published_postmortem: Any, capsys: Any) -> None:
    assert main(["export", str(published_postmortem.pk), "999999"]) == 2
    captured = capsys.readouterr()
    assert "no postmortem with ID 999999" in captured.err
    assert captured.out == ""
    assert main(["export"]) == 2
    assert "IDs or --all" in capsys.readouterr().err
    assert main(["export", "abc"]) == 2


# --- worker -------------------------------------------------------------------------------


def test_the_worker_sends_a_queued_email_once(
    make_postmortem: Any, alice: Any, rita: Any, smtp_server: Any, capsys: Any
) -> None:
    from hansei.core.models import Job
    from hansei.notifications.models import DigestChoice, Frequency
    from hansei.reviews.services import submit_for_review

    # The worker queues what is due on the clock too: on a Monday morning everyone's weekly
    # digest. Nobody here takes one, so the only job is the e-mail, whatever the day.
    for person in (alice, rita):
        DigestChoice.objects.create(user=person, frequency=Frequency.OFF)
    postmortem = make_postmortem()
    submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])
    assert main(["worker", "--once"]) == 0
    assert "Ran 1 job(s)." in capsys.readouterr().out
    [message] = smtp_server.messages
    assert message["To"] == "rita@example.com"
    assert postmortem.title in message_text(message)
    job = Job.objects.get()
    assert job.finished_at is not None and not job.failed
    assert main(["worker", "--once"]) == 0
    assert "Ran 0 job(s)." in capsys.readouterr().out
    assert len(smtp_server.messages) == 1


# --- the rest -----------------------------------------------------------------------------


def test_it_rebuilds_the_search_index(published_postmortem: Any, bob: Any, capsys: Any) -> None:
    from hansei.search.models import SearchDocument
    from hansei.search.queries import search_postmortems

    SearchDocument.objects.all().delete()
    assert main(["reindex"]) == 0
    assert "Search index rebuilt: 1 published postmortem(s)." in capsys.readouterr().out
    page = search_postmortems(user=bob, query="config push")
    assert [r.postmortem.pk for r in page.results] == [published_postmortem.pk]


def test_it_refuses_unknown_commands(db: Any, capsys: Any) -> None:
    assert main(["bogus"]) == 2
    assert "unknown command 'bogus'" in capsys.readouterr().err
    assert main([]) == 2


def test_it_hands_other_commands_to_django(db: Any, capsys: Any) -> None:
    assert main(["showmigrations", "postmortems"]) == 0
    assert "[X] 0001_initial" in capsys.readouterr().out
