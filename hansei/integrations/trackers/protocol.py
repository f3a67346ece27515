"""The one contract every tracker keeps, so that a new tracker is a copied folder.

A tracker client turns Hansei's wishes (``NewIssue``, ``IssueChange``) into its API's requests
and its API's issues and webhook bodies into ``RemoteIssue``. It never touches the database:
the shared services (``trackers/services.py``) do, from what it returns. Its calls raise
``TransportError`` (temporary: retried by the queue; permanent: shown to admins), and its
parsers raise ``PayloadError`` for a body that does not have the documented shape.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    from hansei.integrations.trackers.models import TrackerConfig

# What a tracker state means, whatever the tracker calls it.
Category = Literal["open", "started", "done", "canceled"]
# Hansei's side of it (ActionStatus values).
OPEN, IN_PROGRESS, DONE, WONT_DO = "open", "in_progress", "done", "wont_do"


class PayloadError(ValueError):
    """A webhook or API answer without the documented shape: refused with its reason."""


@dataclass(frozen=True)
class Person:
    """Someone the tracker names: matched to a Hansei user by e-mail, else by a name only one
    active user has."""

    email: str = ""
    name: str = ""


@dataclass(frozen=True)
class RemoteIssue:
    """An issue as the tracker has it now."""

    key: str  # what people call it: PROJ-42, octo-org/octo-repo#1347, ENG-123
    remote_id: str  # what the API calls it (a number, an id, a UUID)
    url: str  # the page people open
    title: str
    state: str  # the tracker's own name for its state: "closed", "In Review", "Canceled"
    category: Category
    assignee: Person | None = None
    due_date: date | None = None
    updated_at: datetime | None = None  # when the tracker last changed it (the conflict rule)
    # Fields the payload did not carry (a partial webhook): left as they are in Hansei.
    missing: frozenset[str] = frozenset()


@dataclass(frozen=True)
class NewIssue:
    """What an action item asks the tracker to create."""

    title: str
    description: str  # Markdown: the item, its postmortem, and the link back
    priority: str  # P0..P3
    kind: str  # ActionKind value
    due_date: date | None
    backlink: str  # the postmortem's URL in Hansei
    labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class IssueChange:
    """What changed in Hansei since the tracker last had the issue; None = unchanged."""

    title: str | None = None
    status: str | None = None  # OPEN, IN_PROGRESS, DONE or WONT_DO
    due_date: date | None = None
    clear_due_date: bool = False

    @property
    def is_empty(self) -> bool:
        return (
            self.title is None
            and self.status is None
            and self.due_date is None
            and not self.clear_due_date
        )


@dataclass(frozen=True)
class Notice:
    """One webhook delivery, read: which issue, as it is now, and what makes it unique."""

    event_type: str
    event_id: str  # the tracker's delivery id, else empty (a hash of the body is used)
    issue: RemoteIssue | None  # None: an event about something else (ignored)
    removed: bool = False  # the issue was deleted in the tracker


@dataclass(frozen=True)
class Defaults:
    """What a new configuration of this tracker starts with."""

    base_url: str
    token_variable: str
    done_states: tuple[str, ...]
    wont_do_states: tuple[str, ...]
    priority_mapping: Mapping[str, str] = field(default_factory=dict)
    project_help: str = ""


class Tracker(Protocol):
    kind: str
    label: str
    defaults: Defaults

    def create_issue(self, config: TrackerConfig, issue: NewIssue) -> RemoteIssue: ...

    def fetch_issue(self, config: TrackerConfig, remote_id: str) -> RemoteIssue: ...

    def update_issue(
        self, config: TrackerConfig, remote_id: str, change: IssueChange
    ) -> RemoteIssue: ...

    def ref_from_url(self, config: TrackerConfig, url: str) -> str | None:
        """The ``remote_id`` an issue URL names, if it is an issue of this configuration's
        project; None otherwise."""
        ...

    def verify(self, config: TrackerConfig, headers: Mapping[str, str], body: bytes) -> bool:
        """Whether the webhook delivery comes from the tracker (its signature or token)."""
        ...

    def parse_webhook(
        self, config: TrackerConfig, headers: Mapping[str, str], payload: object
    ) -> Notice: ...


def status_of(config: TrackerConfig | None, remote: RemoteIssue) -> str:
    """Hansei's status for the tracker's state: the configured names first, then what kind
    of state the tracker says it is."""
    mapped = config.maps_to(remote.state) if config is not None else None
    if mapped is not None:
        return mapped
    return {"done": DONE, "canceled": WONT_DO, "started": IN_PROGRESS}.get(remote.category, OPEN)


# --- reading documented shapes: a field of another type is refused, never guessed -----------


def text_of(data: Mapping[str, object], name: str, *, required: bool = False) -> str:
    value = data.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise PayloadError(f"{name}: expected text")
    return value


def object_of(data: Mapping[str, object], name: str) -> Mapping[str, object] | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise PayloadError(f"{name}: expected an object")
    return value


def date_of(data: Mapping[str, object], name: str) -> date | None:
    """A ``YYYY-MM-DD`` date (or the date of an ISO time), None when absent."""
    value = text_of(data, name)
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError as exc:
        raise PayloadError(f"{name}: expected a date") from exc


def time_of(data: Mapping[str, object], name: str) -> datetime | None:
    """An ISO 8601 time (Jira's ``+0000`` offsets and GitLab's ``2013-12-03 17:15:43 UTC``
    too), None when absent."""
    value = text_of(data, name)
    if not value:
        return None
    if value.endswith(" UTC"):
        value = value[: -len(" UTC")].replace(" ", "T", 1) + "+00:00"
    value = re.sub(r"([+-]\d\d)(\d\d)\Z", r"\1:\2", value.replace("Z", "+00:00"))
    try:
        found = datetime.fromisoformat(value)
    except ValueError as exc:
        raise PayloadError(f"{name}: expected a time") from exc
    if found.tzinfo is None:
        raise PayloadError(f"{name}: a time without its offset")
    return found
