"""Precision and recall of the blame rules on labelled postmortem sentences.

``corpus_*.tsv`` is the development corpus (written with the rules in mind: its figures are
optimistic); ``holdout_*.tsv`` was written after the rules and is never used to tune them.
A sentence counts as flagged when any blame-family rule fires on it. Run with ``-s`` to see
the figures the README reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from hansei.lint import blame_rule_ids, lint_text

HERE = Path(__file__).parent
MIN_PRECISION, MIN_RECALL = 0.9, 0.8
MIN_SIZE = {"en": 200, "ja": 100}


@dataclass
class Scores:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    right_rule: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def rule_agreement(self) -> float:
        return self.right_rule / self.tp if self.tp else 1.0

    def report(self, name: str) -> str:
        return (
            f"{name}: precision {self.precision:.3f}, recall {self.recall:.3f} "
            f"(tp {self.tp}, fp {self.fp}, fn {self.fn}, tn {self.tn}; "
            f"expected rule among those found in {self.rule_agreement:.0%} of hits)"
        )


def load(name: str) -> list[tuple[frozenset[str], str]]:
    rows = []
    for line in (HERE / f"{name}.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            labels, sentence = line.split("\t")
            expected = frozenset() if labels == "-" else frozenset(labels.split(","))
            rows.append((expected, sentence))
    return rows


def measure(name: str, lang: str) -> Scores:
    scores = Scores()
    blame = blame_rule_ids()
    for expected, sentence in load(name):
        found = {f.rule_id for f in lint_text(sentence, lang=lang)} & blame
        if expected and found:
            scores.tp += 1
            scores.right_rule += bool(expected & found)
        elif expected:
            scores.fn += 1
            scores.misses.append(f"missed {sorted(expected)}: {sentence}")
        elif found:
            scores.fp += 1
            scores.misses.append(f"false alarm {sorted(found)}: {sentence}")
        else:
            scores.tn += 1
    return scores


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_corpus_is_large_balanced_and_well_formed(lang: str) -> None:
    rows = load(f"corpus_{lang}")
    assert len(rows) >= MIN_SIZE[lang]
    blameful = sum(1 for expected, _ in rows if expected)
    assert 0.4 <= blameful / len(rows) <= 0.6
    sentences = [s for _, s in rows + load(f"holdout_{lang}")]
    assert len(sentences) == len(set(sentences)), "a sentence is labelled twice"
    labels = set().union(*(expected for expected, _ in rows))
    assert labels <= blame_rule_ids()


@pytest.mark.parametrize(
    "name, lang",
    [("corpus_en", "en"), ("corpus_ja", "ja"), ("holdout_en", "en"), ("holdout_ja", "ja")],
)
def test_it_finds_blame_with_high_precision_and_recall(name: str, lang: str) -> None:
    scores = measure(name, lang)
    report = scores.report(name)
    print(report)
    detail = "\n".join([report, *scores.misses])
    assert scores.precision >= MIN_PRECISION, detail
    assert scores.recall >= MIN_RECALL, detail
    assert scores.rule_agreement >= 0.9, detail
