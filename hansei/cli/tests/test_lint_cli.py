"""`hansei lint` as a real process: exit codes, formats, stdin, dismissals, errors.

It needs no database and no Django: the command runs with ``import django`` made to fail.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

HANSEI = [
    sys.executable,
    "-c",
    "import sys; sys.modules['django'] = None; from hansei.cli.main import main; sys.exit(main())",
]
ROOT = Path(__file__).resolve().parents[3]
BLAMEFUL = """# Checkout outage

## Summary

Checkout failed for 47 minutes.
Alice forgot to renew the certificate.

```
Bob failed to renew it (a code block is not linted)
```
"""
CLEAN = "# Notes\n\nThe certificate was not renewed: renewal was a manual step.\n"


def hansei(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*HANSEI, "lint", *args], input=stdin, capture_output=True, text=True, cwd=ROOT, timeout=60
    )


@pytest.fixture
def blameful(tmp_path: Path) -> Path:
    path = tmp_path / "postmortem.md"
    path.write_text(BLAMEFUL, encoding="utf-8")
    return path


def test_it_exits_0_on_a_clean_file(tmp_path: Path) -> None:
    path = tmp_path / "clean.md"
    path.write_text(CLEAN, encoding="utf-8")
    done = hansei(str(path))
    assert (done.returncode, done.stdout) == (0, "")
    assert "0 findings (0 dismissed)" in done.stderr


def test_it_prints_file_line_column_rule_and_exits_1(blameful: Path) -> None:
    done = hansei(str(blameful))
    assert done.returncode == 1
    first, suggestion = done.stdout.splitlines()
    assert first == (
        f"{blameful}:6:1: blame-person A person is named as the cause of a failure. "
        "“Alice forgot to renew”"
    )
    assert suggestion.startswith("    suggestion: The certificate was not renewed")
    assert "1 finding (0 dismissed)" in done.stderr


def test_it_prints_json(blameful: Path) -> None:
    done = hansei(str(blameful), "--format", "json", "--ui-lang", "ja")
    assert done.returncode == 1
    document: dict[str, Any] = json.loads(done.stdout)
    [finding] = document["findings"]
    assert finding["rule_id"] == "blame-person" and finding["severity"] == "error"
    assert (finding["line"], finding["column"]) == (6, 1)
    assert finding["message"] == "人が失敗の原因として名指しされています。"
    assert len(finding["fingerprint"]) == 16 and document["dismissed"] == []


def test_it_reads_stdin_and_japanese() -> None:
    done = hansei("-", "--lang", "ja", stdin="担当者が証明書の更新を怠った。\n")
    assert done.returncode == 1
    assert done.stdout.startswith("<stdin>:1:1: blame-person ")


def test_a_dismissal_in_the_file_is_honoured_and_reported(blameful: Path) -> None:
    first = json.loads(hansei(str(blameful), "--format", "json").stdout)["findings"][0]
    comment = f"<!-- hansei-lint: dismiss {first['fingerprint']} the certificate owner asked -->"
    blameful.write_text(BLAMEFUL + "\n" + comment + "\n", encoding="utf-8")
    done = hansei(str(blameful), "--format", "json")
    assert done.returncode == 0
    document = json.loads(done.stdout)
    assert document["findings"] == []
    assert document["dismissed"][0]["reason"] == "the certificate owner asked"


def test_it_filters_by_severity_and_explains(blameful: Path) -> None:
    blameful.write_text("The rollout plan was sloppy.\n", encoding="utf-8")
    assert hansei(str(blameful), "--min-severity", "error").returncode == 0
    done = hansei(str(blameful), "--explain")
    assert done.returncode == 1
    assert "    why: " in done.stdout and "<!-- hansei-lint: dismiss " in done.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["missing.md"], "hansei: no such file: missing.md"),
        (["--format", "xml", "x.md"], "invalid choice: 'xml'"),
        ([], "the following arguments are required: FILE"),
    ],
)
def test_it_refuses_bad_input_with_exit_2(args: list[str], message: str) -> None:
    done = hansei(*args)
    assert done.returncode == 2
    assert message in done.stderr and done.stdout == ""


def test_it_refuses_a_bad_vocabulary_or_dismissal(tmp_path: Path, blameful: Path) -> None:
    vocabulary = tmp_path / "vocabulary.json"
    vocabulary.write_text(json.dumps({"phrases": {"judgemental": {"en": [{"regex": "("}]}}}))
    done = hansei(str(blameful), "--vocabulary", str(vocabulary))
    assert done.returncode == 2
    assert "invalid vocabulary" in done.stderr and 'phrases["judgemental"]["en"][0]' in done.stderr
    blameful.write_text("<!-- hansei-lint: dismiss 0123456789abcdef -->\n", encoding="utf-8")
    done = hansei(str(blameful))
    assert done.returncode == 2 and "line 1: a dismissal needs a reason" in done.stderr


def test_a_vocabulary_adds_people_and_phrases(tmp_path: Path) -> None:
    vocabulary = tmp_path / "vocabulary.json"
    vocabulary.write_text(json.dumps({"people": ["Zoltan Kiss"]}), encoding="utf-8")
    text = "Zoltan failed to restart the worker.\n"
    assert hansei("-", stdin=text).returncode == 0
    assert hansei("-", "--vocabulary", str(vocabulary), stdin=text).returncode == 1
