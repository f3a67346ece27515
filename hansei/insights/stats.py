"""Durations as distributions, never as a lone mean.

A mean of incident durations says little: they are skewed, and one long outage moves it more
than every short one together (the VOID report's lesson). A distribution is shown instead:
how many (n), the shortest, the median (p50), the 90th percentile (p90), the longest, and a
histogram. Percentiles are by nearest rank: the p-th percentile of n sorted values is the
value at rank ⌈p × n / 100⌉ (so p50 of 1, 2, 3, 4 is 2, and never a value nobody saw).
Below ``MIN_TO_COMPARE`` values, pages say the numbers are too few to compare.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

MIN_TO_COMPARE = 10

MINUTE, HOUR, DAY = 60, 3600, 86400
# Histogram edges, in seconds: a value falls in the first bin whose edge is above it, or in
# the last, open one. Roughly logarithmic, at durations people say aloud.
RESPONSE_EDGES = (
    MINUTE,
    5 * MINUTE,
    15 * MINUTE,
    30 * MINUTE,
    HOUR,
    2 * HOUR,
    4 * HOUR,
    8 * HOUR,
    DAY,
    2 * DAY,
    7 * DAY,
)
PROCESS_EDGES = (HOUR, 4 * HOUR, DAY, 2 * DAY, 3 * DAY, 5 * DAY, 7 * DAY, 14 * DAY, 30 * DAY)


@dataclass(frozen=True)
class Bin:
    below_seconds: float | None  # None: the last bin, open above
    count: int


@dataclass(frozen=True)
class Distribution:
    key: str
    label: str
    n: int
    min_seconds: float | None
    p50_seconds: float | None
    p90_seconds: float | None
    max_seconds: float | None
    bins: list[Bin]
    too_few: bool


def percentile(ordered: Sequence[float], p: int) -> float:
    """The p-th percentile of ``ordered`` (sorted, not empty), by nearest rank."""
    rank = max(1, math.ceil(p * len(ordered) / 100))
    return ordered[rank - 1]


def histogram(ordered: Sequence[float], edges: Sequence[int]) -> list[Bin]:
    counts = [0] * (len(edges) + 1)
    for value in ordered:
        counts[next((i for i, edge in enumerate(edges) if value < edge), len(edges))] += 1
    return [
        Bin(below_seconds=float(edges[i]) if i < len(edges) else None, count=count)
        for i, count in enumerate(counts)
    ]


def distribution(
    key: str, label: str, seconds: Iterable[float], edges: Sequence[int]
) -> Distribution:
    """The distribution of ``seconds`` (negative values count as 0: a milestone recorded
    before the one it follows)."""
    ordered = sorted(max(0.0, value) for value in seconds)
    n = len(ordered)
    return Distribution(
        key=key,
        label=label,
        n=n,
        min_seconds=ordered[0] if n else None,
        p50_seconds=percentile(ordered, 50) if n else None,
        p90_seconds=percentile(ordered, 90) if n else None,
        max_seconds=ordered[-1] if n else None,
        bins=histogram(ordered, edges),
        too_few=n < MIN_TO_COMPARE,
    )


def short_duration(seconds: float) -> str:
    """An axis label: 5m, 4h, 2d."""
    if seconds >= DAY:
        return _("%(days)sd") % {"days": round(seconds / DAY)}
    if seconds >= HOUR:
        return _("%(hours)sh") % {"hours": round(seconds / HOUR)}
    return _("%(minutes)sm") % {"minutes": round(seconds / MINUTE)}


def share(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` in percent, one decimal (None: nothing to divide)."""
    return round(100 * part / whole, 1) if whole else None
