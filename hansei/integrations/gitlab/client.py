"""GitLab Issues as a tracker, on gitlab.com or a self-managed instance.

GitLab has two states, ``opened`` and ``closed``, and no reason for a close. Won't do is
therefore a label: an issue that is closed and carries a label the configuration names among
its won't-do states (``won't do`` by default, compared case-insensitively) reads as that
label, a canceled state; any other closed issue reads as ``closed`` (done). Hansei's WONT_DO
closes the issue and adds the first won't-do state that is not a GitLab state name; DONE,
OPEN and IN_PROGRESS close or reopen it and remove those labels, so that the issue never
says won't do after Hansei moved on. With no won't-do state that can be a label, WONT_DO
only closes the issue, which then reads back as done.

Issues are named by their ``iid``, the number in their URL; priorities become labels (the
mapping names them, ``priority::1`` by default). Assignees carry no e-mail in GitLab's
answers and hooks: they are matched by username, against a display name only one Hansei user
has.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit

from hansei.integrations.gitlab.transport import api
from hansei.integrations.trackers.models import TrackerConfig
from hansei.integrations.trackers.protocol import (
    DONE,
    WONT_DO,
    Category,
    Defaults,
    IssueChange,
    NewIssue,
    Notice,
    PayloadError,
    Person,
    RemoteIssue,
    date_of,
    object_of,
    text_of,
    time_of,
)

# /<group>/<subgroups…>/<project>/-/issues/23, and the older form without "/-"; newer
# GitLab also shows issues as work items, with the same number.
ISSUE_PATH = re.compile(
    r"^/(?P<project>[\w.-]+(?:/[\w.-]+)+?)(?:/-)?/(?:issues|work_items)/(?P<iid>\d{1,12})/?\Z"
)
GITLAB_STATES = frozenset({"opened", "closed"})
MAX_KEY_CHARS = 100


class GitLab:
    kind = "gitlab"
    label = "GitLab Issues"
    defaults = Defaults(
        base_url="https://gitlab.com",
        token_variable="HANSEI_TRACKER_GITLAB_TOKEN",
        done_states=("closed",),
        wont_do_states=("won't do",),
        priority_mapping={"P0": "priority::1", "P1": "priority::2"},
        project_help="group/project",
    )

    # --- the API ----------------------------------------------------------------------

    def _issues(self, config: TrackerConfig) -> str:
        """The project's issues; GitLab takes the project's whole path, URL-encoded
        (``group%2Fproject``), where it takes its numeric id."""
        return f"/api/v4/projects/{quote(config.project.strip('/'), safe='')}/issues"

    def create_issue(self, config: TrackerConfig, issue: NewIssue) -> RemoteIssue:
        labels = list(issue.labels)
        priority = (config.priority_mapping or {}).get(issue.priority)
        if priority:
            labels.append(str(priority))
        body: dict[str, Any] = {"title": issue.title, "description": issue.description}
        if labels:
            body["labels"] = ",".join(labels)
        if issue.due_date is not None:
            body["due_date"] = issue.due_date.isoformat()
        return self.issue_from(config, api(config, "POST", self._issues(config), body))

    def fetch_issue(self, config: TrackerConfig, remote_id: str) -> RemoteIssue:
        answer = api(config, "GET", f"{self._issues(config)}/{int(remote_id)}")
        return self.issue_from(config, answer)

    def update_issue(
        self, config: TrackerConfig, remote_id: str, change: IssueChange
    ) -> RemoteIssue:
        body: dict[str, Any] = {}
        if change.title is not None:
            body["title"] = change.title
        if change.due_date is not None:
            body["due_date"] = change.due_date.isoformat()
        elif change.clear_due_date:
            body["due_date"] = None  # GitLab clears the date on null (or "")
        if change.status is not None:
            body.update(self._state_change(config, change.status))
        if not body:
            return self.fetch_issue(config, remote_id)
        answer = api(config, "PUT", f"{self._issues(config)}/{int(remote_id)}", body)
        return self.issue_from(config, answer)

    def _state_change(self, config: TrackerConfig, status: str) -> dict[str, str]:
        labels = wont_do_labels(config)
        if status == WONT_DO:
            change = {"state_event": "close"}
            if labels:
                change["add_labels"] = labels[0]
            return change
        change = {"state_event": "close" if status == DONE else "reopen"}
        if labels:
            change["remove_labels"] = ",".join(labels)
        return change

    # --- reading ----------------------------------------------------------------------

    def issue_from(
        self,
        config: TrackerConfig,
        data: Any,
        *,
        assignees: object = None,
        labels: object = None,
    ) -> RemoteIssue:
        """A REST issue, or a hook's ``object_attributes`` with the hook's top-level
        ``assignees`` (absent when there are none) and ``labels`` (when the attributes
        lack them)."""
        if not isinstance(data, dict):
            raise PayloadError("the issue is not an object")
        iid = data.get("iid")
        if not isinstance(iid, int) or isinstance(iid, bool) or iid <= 0:
            raise PayloadError("an issue without its iid")
        names = label_names(data.get("labels", labels))
        if assignees is None:
            single = object_of(data, "assignee")  # deprecated: the first assignee only
            assignees = data.get("assignees", [single] if single is not None else [])
        name, category = self._state(config, text_of(data, "state", required=True), names)
        return RemoteIssue(
            key=f"{config.project}#{iid}",
            remote_id=str(iid),
            url=text_of(data, "web_url") or text_of(data, "url"),
            title=text_of(data, "title", required=True),
            state=name,
            category=category,
            assignee=first_assignee(assignees),
            due_date=date_of(data, "due_date"),
            updated_at=gitlab_time_of(data, "updated_at"),
        )

    @staticmethod
    def _state(config: TrackerConfig, state: str, labels: list[str]) -> tuple[str, Category]:
        if state != "closed":
            return state, "open"
        wont_do = {name.strip().lower() for name in wont_do_labels(config)}
        for label in labels:
            if label.strip().lower() in wont_do:
                return label, "canceled"
        return "closed", "done"

    def ref_from_url(self, config: TrackerConfig, url: str) -> str | None:
        parts, base = urlsplit(url), urlsplit(config.base_url)
        if parts.scheme not in ("http", "https") or not base.hostname:
            return None
        if parts.hostname != base.hostname:
            return None
        # A self-managed GitLab may live under a path (https://example.com/gitlab).
        root = base.path.rstrip("/")
        if not parts.path.startswith(f"{root}/"):
            return None
        found = ISSUE_PATH.match(parts.path[len(root) :])
        if found is None or found["project"].lower() != config.project.strip("/").lower():
            return None
        return str(int(found["iid"]))

    # --- webhooks ---------------------------------------------------------------------

    def verify(self, config: TrackerConfig, headers: Mapping[str, str], body: bytes) -> bool:
        """``X-Gitlab-Token``: the webhook's secret token, sent as it is (no signature)."""
        given = headers.get("X-Gitlab-Token", "")
        secret = config.webhook_secret
        return bool(secret) and hmac.compare_digest(given.encode(), secret.encode())

    def parse_webhook(
        self, config: TrackerConfig, headers: Mapping[str, str], payload: object
    ) -> Notice:
        """Issue hooks (confidential ones too); GitLab has no hook for a deleted issue."""
        event = headers.get("X-Gitlab-Event", "")
        if not isinstance(payload, dict):
            raise PayloadError("the body is not a JSON object")
        if payload.get("object_kind") != "issue":
            kind = payload.get("object_kind")
            name = kind if isinstance(kind, str) and kind else event or "?"
            return Notice(event_type=name, event_id=event_id(headers), issue=None)
        attributes = object_of(payload, "object_attributes")
        project = object_of(payload, "project")
        if attributes is None or project is None:
            raise PayloadError("an issue hook without its object_attributes and project")
        action = text_of(attributes, "action")
        event_type = f"issue.{action}" if action else "issue"
        path = text_of(project, "path_with_namespace", required=True)
        if path.lower() != config.project.strip("/").lower():
            # Another project's issue: never an item of this configuration.
            return Notice(event_type=event_type, event_id=event_id(headers), issue=None)
        issue = self.issue_from(
            config,
            attributes,
            assignees=payload.get("assignees", []),
            labels=payload.get("labels"),
        )
        # The event UUID is the same for every hook one request sets off (a bulk edit of
        # many issues): with the issue and its time, it names this delivery only.
        about = f"{issue.remote_id}:{text_of(attributes, 'updated_at')}"
        return Notice(event_type=event_type, event_id=event_id(headers, about), issue=issue)


# --- reading documented shapes ------------------------------------------------------------


def wont_do_labels(config: TrackerConfig) -> list[str]:
    """The configured won't-do states that can be labels (not GitLab's own state names)."""
    return [
        name.strip()
        for name in config.wont_do_states or ()
        if name.strip() and name.strip().lower() not in GITLAB_STATES
    ]


def label_names(value: object) -> list[str]:
    """Labels as REST gives them (names) or as hooks do (objects with a ``title``)."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise PayloadError("labels: expected a list")
    names = []
    for label in value:
        name = text_of(label, "title", required=True) if isinstance(label, dict) else label
        if not isinstance(name, str):
            raise PayloadError("labels: expected names or objects with a title")
        names.append(name)
    return names


def first_assignee(people: object) -> Person | None:
    """The first of a list of users, by username."""
    if people is None:
        return None
    if not isinstance(people, list) or any(not isinstance(p, dict) for p in people):
        raise PayloadError("assignees: expected a list of users")
    if not people:
        return None
    username = text_of(people[0], "username")
    return Person(email="", name=username) if username else None


def gitlab_time_of(data: Mapping[str, object], name: str) -> datetime | None:
    """An ISO 8601 time, or GitLab's ``2013-12-03 17:15:43 UTC`` (hooks serialised by its
    job queue write times that way)."""
    value = data.get(name)
    if isinstance(value, str) and value.endswith(" UTC"):
        data = {name: value.removesuffix(" UTC").replace(" ", "T") + "+00:00"}
    return time_of(data, name)


def event_id(headers: Mapping[str, str], about: str = "") -> str:
    """What names one delivery: ``Idempotency-Key`` (GitLab 17.4+, the same on every retry
    of one hook's delivery), else ``X-Gitlab-Event-UUID`` with what it is about."""
    key = headers.get("Idempotency-Key", "").strip()[:MAX_KEY_CHARS]
    if key:
        return f"idempotency:{key}"
    uuid = headers.get("X-Gitlab-Event-UUID", "").strip()[:MAX_KEY_CHARS]
    if uuid:
        return f"event:{uuid}:{about}" if about else f"event:{uuid}"
    return ""
