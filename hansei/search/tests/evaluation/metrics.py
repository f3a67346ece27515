"""Ranking metrics for the evaluation set: precision at k, recall at k and their means."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence


def precision_at(ranked_keys: Sequence[str], relevant: Collection[str], k: int = 5) -> float:
    """The share of the first ``k`` results that are relevant, out of ``min(k, len(relevant))``:
    a postmortem with three relevant others scores 1.0 when the three come first."""
    if k < 1:
        raise ValueError("k must be at least 1")
    if not relevant:
        raise ValueError("precision is undefined without relevant keys")
    wanted = set(relevant)
    hits = sum(1 for key in ranked_keys[:k] if key in wanted)
    return hits / min(k, len(wanted))


def recall_at(ranked_keys: Sequence[str], relevant: Collection[str], k: int = 20) -> float:
    """The share of the relevant keys found in the first ``k`` results."""
    if k < 1:
        raise ValueError("k must be at least 1")
    if not relevant:
        raise ValueError("recall is undefined without relevant keys")
    wanted = set(relevant)
    return len(wanted & set(ranked_keys[:k])) / len(wanted)


def mean(values: Iterable[float]) -> float:
    """The arithmetic mean; 0.0 for no values."""
    numbers = list(values)
    return sum(numbers) / len(numbers) if numbers else 0.0


def mean_precision_at(runs: Iterable[tuple[Sequence[str], Collection[str]]], k: int = 5) -> float:
    """Mean precision at ``k`` over (ranked keys, relevant keys) pairs."""
    return mean(precision_at(ranked, relevant, k) for ranked, relevant in runs)


def mean_recall_at(runs: Iterable[tuple[Sequence[str], Collection[str]]], k: int = 20) -> float:
    """Mean recall at ``k`` over (ranked keys, relevant keys) pairs."""
    return mean(recall_at(ranked, relevant, k) for ranked, relevant in runs)
