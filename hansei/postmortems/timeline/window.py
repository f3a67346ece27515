"""The incident's window: when a timeline's entries are expected, for the import's default
range, a new entry's default time and the warning on an entry far outside it."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from hansei.incidents.models import Incident
from hansei.postmortems.timeline.importers.common import Window

MARGIN = timedelta(hours=1)
# How far from the incident an entry may lie before the writer is asked to confirm it: the
# change that set it off may have shipped days before, the verification days after.
PLAUSIBLE = timedelta(days=14)


def default_window(incidents: list[Incident], margin: timedelta = MARGIN) -> Window:
    """From ``margin`` before the first start until ``margin`` after the last resolution (or
    now)."""
    now = timezone.now()
    if not incidents:
        return Window(now - timedelta(days=1), now)
    start = min(i.started_at for i in incidents) - margin
    ends = [i.resolved_at or now for i in incidents]
    return Window(start, max(ends) + margin)


def default_entry_time(incidents: list[Incident], times: list[datetime]) -> datetime:
    """Where a new entry most likely goes: a minute after the last entry inside the
    incident's window, else at the incident's start; never "now", weeks later."""
    if not incidents:
        return max(times, default=None) or timezone.now()
    window = default_window(incidents)
    inside = [when for when in times if window.contains(when)]
    if inside:
        return max(inside) + timedelta(minutes=1)
    return min(i.started_at for i in incidents)


def far_outside(incidents: list[Incident], when: datetime) -> Window | None:
    """The incident's own window when ``when`` lies more than ``PLAUSIBLE`` outside it."""
    if not incidents:
        return None
    window = default_window(incidents, margin=timedelta(0))
    if window.start - PLAUSIBLE <= when <= window.end + PLAUSIBLE:
        return None
    return window
