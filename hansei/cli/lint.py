"""``hansei lint FILE.md``: the blameless writing assistant on a Markdown postmortem, for teams
that keep postmortems in git (pre-commit, CI).

Exit codes: 0 clean, 1 findings remain, 2 bad input (missing file, bad option, bad vocabulary
or dismissal). It needs no database and no Django: ``main()`` skips Django's setup for it.

A finding is dismissed by a comment in the file, with its fingerprint and the reason, which
reviewers see in the diff::

    <!-- hansei-lint: dismiss 3f2a9c0d1e2b4a5c verbatim quote from the customer's e-mail -->
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from hansei.cli.errors import CommandFailed
from hansei.lint import (
    Finding,
    MarkdownPostmortem,
    Vocabulary,
    VocabularyError,
    apply_dismissals,
    lint_postmortem,
    parse_dismissals,
    parse_markdown,
)
from hansei.lint.model import SEVERITY_RANK


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="a Markdown postmortem, or - for stdin")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.add_argument("--lang", choices=["auto", "en", "ja"], default="auto",
                        help="language of the text (auto: decided per sentence)")  # fmt: skip
    parser.add_argument("--ui-lang", choices=["en", "ja"], default="en",
                        help="language of the messages")  # fmt: skip
    parser.add_argument("--vocabulary", metavar="FILE.json",
                        help="extra phrases, people, roles and allowed phrases")  # fmt: skip
    parser.add_argument("--min-severity", choices=["info", "warning", "error"], default="info",
                        help="report (and fail on) findings at least this severe")  # fmt: skip
    parser.add_argument("--explain", action="store_true",
                        help="text format: say why each rule matters, how to dismiss")  # fmt: skip


def lint(args: argparse.Namespace) -> int:
    text, name = _read(args.file)
    vocabulary = _vocabulary(args.vocabulary)
    parsed = parse_markdown(text, today=date.today(), language=args.lang)
    try:
        dismissals = parse_dismissals(text)
    except ValueError as exc:
        raise CommandFailed(f"{name}: {exc}") from None
    findings = lint_postmortem(
        parsed.doc,
        vocabulary=vocabulary,
        ui_lang=args.ui_lang,
        quality=parsed.looks_like_postmortem,
    )
    floor = SEVERITY_RANK[args.min_severity]
    findings = [f for f in findings if SEVERITY_RANK[f.severity] >= floor]
    located = sorted(((_position(text, parsed, f), f) for f in findings), key=lambda p: p[0])
    result = apply_dismissals([f for _, f in located], dismissals)
    positions = {id(f): pos for pos, f in located}
    if args.format == "json":
        _print_json(name, result.open, result.dismissed, positions)
    else:
        _print_text(name, result.open, positions, explain=args.explain)
        count = len(result.open)
        print(
            f"hansei lint: {count} finding{'s' if count != 1 else ''}"
            f" ({len(result.dismissed)} dismissed) in {name}",
            file=sys.stderr,
        )
    return 1 if result.open else 0


def _read(path: str) -> tuple[str, str]:
    if path == "-":
        return sys.stdin.read(), "<stdin>"
    try:
        return Path(path).read_text(encoding="utf-8"), path
    except FileNotFoundError:
        raise CommandFailed(f"no such file: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandFailed(f"cannot read {path}: {exc}") from None


def _vocabulary(path: str | None) -> Vocabulary | None:
    if not path:
        return None
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return Vocabulary.from_dict(data)
    except FileNotFoundError:
        raise CommandFailed(f"no such vocabulary file: {path}") from None
    except (OSError, ValueError) as exc:  # JSONDecodeError and VocabularyError are ValueErrors
        kind = "invalid vocabulary" if isinstance(exc, VocabularyError) else "cannot read"
        raise CommandFailed(f"{kind} {path}: {exc}") from None


def _position(text: str, parsed: MarkdownPostmortem, finding: Finding) -> tuple[int, int]:
    offset = parsed.offset_of(finding.section_key, finding.start, bool(finding.text))
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def _print_text(
    name: str, findings: list[Finding], positions: dict[int, tuple[int, int]], *, explain: bool
) -> None:
    for finding in findings:
        line, column = positions[id(finding)]
        quoted = f" “{finding.text}”" if finding.text else ""
        print(f"{name}:{line}:{column}: {finding.rule_id} {finding.message}{quoted}")
        print(f"    suggestion: {finding.suggestion}")
        if explain:
            print(f"    why: {finding.explanation}")
            print(f"    dismiss: <!-- hansei-lint: dismiss {finding.fingerprint} REASON -->")


def _print_json(
    name: str,
    findings: list[Finding],
    dismissed: list[Any],
    positions: dict[int, tuple[int, int]],
) -> None:
    def row(finding: Finding) -> dict[str, Any]:
        line, column = positions[id(finding)]
        return {**finding.to_dict(), "line": line, "column": column}

    document = {
        "file": name,
        "findings": [row(f) for f in findings],
        "dismissed": [{**row(f), "reason": d.reason} for f, d in dismissed],
    }
    json.dump(document, sys.stdout, ensure_ascii=False, indent=2)
    print()
