"""The simulated clock the demo's history is replayed on (see ``data``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.utils import timezone


class SimulatedClock:
    def __init__(self, real_now: datetime) -> None:
        self.real_now = real_now
        self.current = real_now

    def set(self, moment: datetime) -> None:
        self.current = min(moment, self.real_now - timedelta(minutes=1))

    def now(self) -> datetime:
        return self.current


@contextmanager
def simulated_clock() -> Iterator[SimulatedClock]:
    clock = SimulatedClock(timezone.now())
    real_now = timezone.now
    setattr(timezone, "now", clock.now)  # noqa: B010 - mypy refuses assigning to a function
    try:
        yield clock
    finally:
        setattr(timezone, "now", real_now)  # noqa: B010
