"""What every benchmark here times with: the median of several rounds, after one warm-up."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_ms(run: Callable[[], object], rounds: int) -> float:
    """Milliseconds ``run`` takes, the median of ``rounds`` runs after one that warms caches
    (a server compiles its patterns and fills its caches once, then serves many requests)."""
    run()
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000
