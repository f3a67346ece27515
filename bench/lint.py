"""Blameless-writing lint speed: Hansei's linter against one compiled regex pass, same text.

    .venv/bin/python bench/lint.py [--words 10000] [--rounds 30]

It builds a postmortem of ``--words`` words (English) from the labelled corpus sentences in
``hansei/lint/tests`` (half of them blameful), laid out in sections with list items, inline
code, a fenced code block and log lines, and a Japanese one of the same size (counted as
characters / 2.5). For each it times, median of ``--rounds``:

* the reference: ``re.finditer`` of one compiled alternation of blame keywords over the text
  (what a naive word-list checker costs, no masking, no grammar);
* ``lint_text`` on the whole text as one section (masking, sentences, language, all rules);
* ``lint_postmortem`` on the text split into its sections (the same, plus the quality checks).

It prints milliseconds, words per second and the ratio to the reference.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from timing import median_ms  # bench/timing.py (run as python bench/lint.py)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hansei.lint import PostmortemInput, SectionInput, lint_postmortem, lint_text  # noqa: E402

CORPUS = ROOT / "hansei" / "lint" / "tests"
SECTIONS = ("summary", "impact", "trigger", "root_causes", "resolution", "detection", "went_wrong")
REFERENCE = re.compile(
    r"\b(?:forgot|forget|neglected|failed\s+to|did\s+not|didn't|should\s+have|could\s+have"
    r"|would\s+have|if\s+only|human\s+error|careless|negligence|sloppy|inadequate|ridiculous"
    r"|mismanaged)\b|ヒューマンエラー|人為的ミス|不注意|うっかり|べきだった|ていれば|怠った",
    re.IGNORECASE,
)
EXTRAS = (
    "- 10:42 The on-call engineer paged the database team (see `pg_stat_activity`).\n",
    "```\n$ kubectl rollout undo deploy/checkout\nAlice forgot: code is not linted\n```\n",
    "2024-05-02T10:00:01Z ERROR payment-gateway: upstream timeout after 30s host=pay-3\n",
)


def sentences(lang: str) -> list[str]:
    rows = (CORPUS / f"corpus_{lang}.tsv").read_text(encoding="utf-8").splitlines()
    return [row.split("\t")[1] for row in rows if row.strip() and not row.startswith("#")]


def words(text: str) -> float:
    latin = len(re.findall(r"[A-Za-z0-9]+", text))
    return latin + len(re.findall(r"[\u3040-\u30ff\u3400-\u9fff]", text)) / 2.5


def build(lang: str, target: int) -> list[SectionInput]:
    pool = sentences(lang)
    bodies: dict[str, list[str]] = {key: [] for key in SECTIONS}
    total, i = 0.0, 0
    while total < target:
        key = SECTIONS[i // 12 % len(SECTIONS)]
        paragraph = " ".join(pool[(i + k) % len(pool)] for k in range(3))
        extra = EXTRAS[i % len(EXTRAS)] if i % 4 == 0 else ""
        bodies[key].append(paragraph + "\n\n" + extra)
        total += words(paragraph + extra)
        i += 3
    return [
        SectionInput(key, key, "\n".join(parts), required=True) for key, parts in bodies.items()
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--words", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    print(f"{'text':<10}{'what':<18}{'words':>8}{'ms':>10}{'words/s':>12}{'x reference':>13}")
    for lang in ("en", "ja"):
        sections = build(lang, args.words)
        text = "\n\n".join(s.body for s in sections)
        size = words(text)
        doc = PostmortemInput(sections=sections, language="auto")
        reference = median_ms(
            lambda text=text: sum(1 for _ in REFERENCE.finditer(text)), args.rounds
        )
        runs = (
            ("one regex pass", reference),
            ("lint_text", median_ms(lambda text=text: lint_text(text), args.rounds)),
            ("lint_postmortem", median_ms(lambda doc=doc: lint_postmortem(doc), args.rounds)),
        )
        for what, ms in runs:
            rate = size / ms * 1000
            print(
                f"{lang:<10}{what:<18}{size:>8.0f}{ms:>10.2f}{rate:>12,.0f}{ms / reference:>12.1f}x"
            )
        findings = len(lint_text(text))
        print(f"{lang:<10}{'findings':<18}{findings:>8}")


if __name__ == "__main__":
    main()
