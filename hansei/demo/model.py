"""The shape of a demo story: an incident and, perhaps, the postmortem written about it.

Times are relative: incidents start ``days_ago`` days before the load; postmortem steps happen a
number of days after the incident was resolved. The loader replays them in order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

# "withdrawn": the writers took the round back before this reviewer decided.
Decision = Literal["approve", "changes", "pending", "withdrawn"]


@dataclass(frozen=True)
class Event:
    """A hand-written timeline entry, ``minutes`` after the incident started."""

    minutes: int
    text: str
    kind: str = "event"
    key: bool = False


@dataclass(frozen=True)
class Action:
    title: str
    owner: str
    kind: str = "prevent"
    priority: str = "P2"
    due_in_days: int = 30  # after the draft was started
    status: str = "open"  # where it stands today
    tracking: str = ""
    wont_do_reason: str = ""
    # Contributing factor categories the fix addresses, on the story's services.
    addresses: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReviewStep:
    reviewer: str
    decision: Decision
    comment: str = ""


@dataclass(frozen=True)
class Meeting:
    attendees: str
    notes: str


@dataclass(frozen=True)
class Amendment:
    section: str
    body: str
    change_note: str
    reviewer: str
    after_days: float = 12  # after the first publication
    finished: bool = True  # False: the amendment is still a draft


@dataclass(frozen=True)
class CustomerVersion:
    """The report for customers: written the day after publication, approved, published."""

    template: str  # "customer_en" or "shogai_hokokusho"
    title: str
    sections: dict[str, str]  # by customer section key; the rest keeps its seeded text
    approver: str


@dataclass(frozen=True)
class Dismissal:
    """A writing-check finding the writers judged acceptable, and why."""

    rule: str
    section: str
    text: str  # the words the check matched
    reason: str


@dataclass(frozen=True)
class Writeup:
    author: str
    sections: dict[str, str]
    owner: str = ""  # defaults to the author
    language: str = "en"
    timeline: tuple[Event, ...] = ()
    # Contributing factors: (category name, what played a part).
    factors: tuple[tuple[str, str], ...] = ()
    dismissals: tuple[Dismissal, ...] = ()
    actions: tuple[Action, ...] = ()
    rounds: tuple[tuple[ReviewStep, ...], ...] = ()  # review rounds, in order
    meeting: Meeting | None = None
    publish: bool = False
    amendment: Amendment | None = None
    customer: CustomerVersion | None = None
    started_after_days: float = 0.5  # after the incident was resolved


@dataclass(frozen=True)
class Story:
    team: str
    title: str
    severity: int
    days_ago: int
    summary: str
    commander: str
    responders: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    starts_at_utc: tuple[int, int] = (9, 30)  # hour, minute
    # Minutes after the start: detected, acknowledged, mitigated, resolved.
    detected: int = 5
    acknowledged: int = 10
    mitigated: int = 30
    resolved: int = 60
    facts: dict[str, Any] = field(default_factory=dict)
    requested: tuple[str, str] | None = None  # (username, reason): asked for by hand
    writeup: Writeup | None = None
