"""What every importer shares: the parsed line, errors, limits, time windows and roles."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, tzinfo

MAX_BYTES = 2 * 1024 * 1024
MAX_LINES = 2000
MAX_TEXT = 2000
FORMATS = ("auto", "slack", "chat", "csv")


@dataclass(frozen=True)
class ChatLine:
    """One message: ``line`` is where it starts in the input (message number for Slack)."""

    line: int
    at: datetime
    author: str
    text: str


class ParseError(ValueError):
    """The input cannot be read; ``lines`` are the input lines (or messages) that failed."""

    def __init__(self, message: str, lines: Iterable[int] = ()) -> None:
        self.lines = sorted(set(lines))
        if self.lines:
            shown = ", ".join(str(n) for n in self.lines[:20])
            more = f" (+{len(self.lines) - 20} more)" if len(self.lines) > 20 else ""
            message = f"{message} Lines that failed: {shown}{more}."
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime

    def contains(self, at: datetime) -> bool:
        return self.start <= at <= self.end


def clip(text: str) -> str:
    text = text.strip()
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


class DayClock:
    """Dates for time-only lines: the day of the incident, rolling over past midnight."""

    def __init__(self, reference: datetime, zone: tzinfo) -> None:
        self.reference = reference.astimezone(zone)
        self.zone = zone
        self.day: date | None = None
        self.previous: datetime | None = None

    def at(self, clock: time) -> datetime:
        if self.day is None:
            # The first line goes on the day (before, of, or after the incident's) nearest to it.
            days = [self.reference.date() + timedelta(days=d) for d in (-1, 0, 1)]
            self.day = min(days, key=lambda d: abs(self._combine(d, clock) - self.reference))
        value = self._combine(self.day, clock)
        if self.previous is not None and value < self.previous - timedelta(hours=1):
            self.day += timedelta(days=1)
            value = self._combine(self.day, clock)
        self.previous = value
        return value

    def _combine(self, day: date, clock: time) -> datetime:
        return datetime.combine(day, clock).replace(tzinfo=self.zone)


# --- names to roles -----------------------------------------------------------------------

ROLES = ("the on-call engineer", "the incident commander")


def suggest_roles(authors: Iterable[str], *, commanders: Iterable[str] = ()) -> dict[str, str]:
    """A role for each distinct speaker, in order of first appearance: the commander (when
    known) as "the incident commander", the first other speaker as "the on-call engineer",
    bots as "the alerting bot", everyone else "responder 1", "responder 2"..."""
    known = {c.strip().lower() for c in commanders if c.strip()}
    roles: dict[str, str] = {}
    on_call_given = False
    responders = 0
    for author in authors:
        if author in roles:
            continue
        if author.lower() in known:
            roles[author] = ROLES[1]
        elif re.search(r"bot\b|alert|pagerduty|opsgenie|grafana", author, re.IGNORECASE):
            roles[author] = "the alerting bot"
        elif not on_call_given:
            roles[author] = ROLES[0]
            on_call_given = True
        else:
            responders += 1
            roles[author] = f"responder {responders}"
    return roles


def _aliases(name: str) -> list[str]:
    parts = name.split()
    names = [name]
    if len(parts) > 1 and len(parts[0]) >= 3:
        names.append(parts[0])
    return names


def replace_names(text: str, roles: dict[str, str]) -> str:
    """Each speaker's name (and "@name", and a first name alone) becomes their role."""
    pairs = [(alias, role) for name, role in roles.items() for alias in _aliases(name) if role]
    pairs.sort(key=lambda pair: len(pair[0]), reverse=True)
    for alias, role in pairs:
        pattern = r"(?<![\w@])@?" + re.escape(alias) + r"(?!\w)"
        text = re.sub(pattern, role.replace("\\", "\\\\"), text, flags=re.IGNORECASE)
    return text


def apply_roles(lines: list[ChatLine], roles: dict[str, str]) -> list[ChatLine]:
    """The lines with names replaced by roles, in authors and in texts."""
    cleaned = {name: role.strip() for name, role in roles.items() if role.strip()}
    return [
        replace(
            line,
            author=cleaned.get(line.author, line.author),
            text=replace_names(line.text, cleaned),
        )
        for line in lines
    ]
