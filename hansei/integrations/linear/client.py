"""Linear as a tracker.

**Which id a link keeps.** Linear names an issue two ways: its UUID (``id``) and its
identifier (``ENG-123``). Its API takes either in ``issue(id:)`` and ``issueUpdate(id:)``,
a pasted URL shows only the identifier, and every webhook carries both. A link's
``remote_id`` is therefore always the identifier, whether the issue was created by Hansei,
linked by its URL or reported by a webhook, so the three always find the same link. (An issue
moved to another team gets a new identifier; its webhooks then name another team and are
ignored, and the link keeps the identifier it had.)

**States.** Linear's workflow states are the team's own names, each of a type: triage,
backlog, unstarted, started, completed, canceled or duplicate. Coming back, the type says
what the state means (completed: done; canceled and duplicate: won't do; started: in
progress) unless the configuration names the state. Going out, Hansei's status picks the
team's state: for done, the first of the configured done states the team has, else its
first state of type completed; for won't do likewise with canceled; in progress and open
take the first started and unstarted state.

**Priorities** are Linear's numbers (0 none, 1 urgent, 2 high, 3 medium, 4 low), which the
configuration's mapping gives for P0…P3. Labels are not sent: Linear takes label ids, not
names.

**Webhooks** are signed with ``Linear-Signature`` (the hex HMAC-SHA256 of the body, keyed
with the signing secret Linear generates) and carry ``webhookTimestamp``; a delivery sent
more than 60 seconds from now is refused, so a captured one cannot be replayed later.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from hansei.integrations.linear.transport import graphql
from hansei.integrations.trackers.models import TrackerConfig
from hansei.integrations.trackers.protocol import (
    DONE,
    IN_PROGRESS,
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
from hansei.integrations.transport import TransportError

ISSUE_FIELDS = (
    "id identifier title url dueDate updatedAt state { name type } assignee { name email }"
)
# Team keys are compared without case, as everywhere else here (ENG, eng).
TEAM_ID = (
    "query HanseiTeam($key: String!) "
    "{ teams(filter: {key: {eqIgnoreCase: $key}}) { nodes { id } } }"
)
CREATE = (
    "mutation HanseiCreateIssue($input: IssueCreateInput!) "
    f"{{ issueCreate(input: $input) {{ success issue {{ {ISSUE_FIELDS} }} }} }}"
)
FETCH = f"query HanseiIssue($id: String!) {{ issue(id: $id) {{ {ISSUE_FIELDS} }} }}"
UPDATE = (
    "mutation HanseiUpdateIssue($id: String!, $input: IssueUpdateInput!) "
    f"{{ issueUpdate(id: $id, input: $input) {{ success issue {{ {ISSUE_FIELDS} }} }} }}"
)
STATES = (
    "query HanseiStates($key: String!) "
    "{ workflowStates(filter: {team: {key: {eqIgnoreCase: $key}}}, first: 100) "
    "{ nodes { id name type position } } }"
)

CATEGORIES: dict[str, Category] = {
    "started": "started",
    "completed": "done",
    "canceled": "canceled",
    "duplicate": "canceled",
}
# Which type of state each Hansei status moves the issue to, and the configured names first.
STATE_TYPES = {DONE: ("completed",), WONT_DO: ("canceled",), IN_PROGRESS: ("started",)}
OPEN_TYPES = ("unstarted", "backlog", "triage")

IDENTIFIER = re.compile(r"^([A-Za-z][A-Za-z0-9_]{0,19})-(\d{1,9})\Z")
ISSUE_PATH = re.compile(r"^/[\w.-]+/issue/([A-Za-z][A-Za-z0-9_]{0,19}-\d{1,9})(?:/[^/]*)?/?\Z")
REPLAY_WINDOW_MS = 60 * 1000
ISSUE_ACTIONS = ("create", "update", "remove")
PRIORITIES = ("0", "1", "2", "3", "4")
# RemoteIssue's fields a webhook may leave out, and the name Linear gives each.
OPTIONAL_FIELDS = {"due_date": "dueDate", "assignee": "assignee"}


class Linear:
    kind = "linear"
    label = "Linear"
    defaults = Defaults(
        base_url="https://api.linear.app",
        token_variable="HANSEI_TRACKER_LINEAR_TOKEN",
        done_states=("Done",),
        wont_do_states=("Canceled", "Duplicate"),
        priority_mapping={"P0": "1", "P1": "2", "P2": "3", "P3": "4"},
        project_help="the team key (ENG)",
    )

    # --- the API ----------------------------------------------------------------------

    def create_issue(self, config: TrackerConfig, issue: NewIssue) -> RemoteIssue:
        fields: dict[str, Any] = {
            "teamId": self._team_id(config),
            "title": issue.title,
            "description": issue.description,
        }
        priority = self._priority(config, issue.priority)
        if priority is not None:
            fields["priority"] = priority
        if issue.due_date is not None:
            fields["dueDate"] = issue.due_date.isoformat()
        data = graphql(config, CREATE, {"input": fields})
        return self._answered(config, data, "issueCreate")

    def fetch_issue(self, config: TrackerConfig, remote_id: str) -> RemoteIssue:
        data = graphql(config, FETCH, {"id": remote_id})
        return self._read(config, data.get("issue"))

    def update_issue(
        self, config: TrackerConfig, remote_id: str, change: IssueChange
    ) -> RemoteIssue:
        fields: dict[str, Any] = {}
        if change.title is not None:
            fields["title"] = change.title
        if change.clear_due_date:
            fields["dueDate"] = None
        elif change.due_date is not None:
            fields["dueDate"] = change.due_date.isoformat()
        if change.status is not None:
            fields["stateId"] = self._state_id(config, remote_id, change.status)
        if not fields:
            return self.fetch_issue(config, remote_id)
        data = graphql(config, UPDATE, {"id": remote_id, "input": fields})
        return self._answered(config, data, "issueUpdate")

    def _team_id(self, config: TrackerConfig) -> str:
        data = graphql(config, TEAM_ID, {"key": config.project})
        teams = self._nodes(data, "teams")
        if not teams:
            raise TransportError(
                f"Linear has no team with the key {config.project} (or the token cannot see it)",
                permanent=True,
            )
        return self._api_text(teams[0], "id")

    @staticmethod
    def _priority(config: TrackerConfig, priority: str) -> int | None:
        value = (config.priority_mapping or {}).get(priority)
        if value is None or value == "":
            return None  # Linear's "no priority"
        if isinstance(value, bool) or str(value).strip() not in PRIORITIES:
            raise TransportError(
                f"the priority mapping gives {value!r} for {priority}: Linear takes 0 to 4",
                permanent=True,
            )
        return int(str(value).strip())

    def _state_id(self, config: TrackerConfig, remote_id: str, status: str) -> str:
        """The team's state for a Hansei status (the module docstring says which)."""
        found = IDENTIFIER.match(remote_id)
        team = found[1] if found else config.project
        states = self._nodes(graphql(config, STATES, {"key": team}), "workflowStates")
        states.sort(key=_position)
        names = {DONE: config.done_states, WONT_DO: config.wont_do_states}.get(status, [])
        for name in names or []:
            for state in states:
                if str(state.get("name", "")).strip().lower() == name.strip().lower():
                    return self._api_text(state, "id")
        wanted = STATE_TYPES.get(status, OPEN_TYPES)
        for kind in wanted:
            for state in states:
                if state.get("type") == kind:
                    return self._api_text(state, "id")
        raise TransportError(
            f"the Linear team {team} has no workflow state of type {wanted[0]}", permanent=True
        )

    # --- reading ----------------------------------------------------------------------

    def _answered(self, config: TrackerConfig, data: dict[str, Any], name: str) -> RemoteIssue:
        payload = data.get(name)
        if not isinstance(payload, dict) or payload.get("success") is not True:
            raise TransportError(f"Linear did not accept {name}", permanent=True)
        return self._read(config, payload.get("issue"))

    def _read(self, config: TrackerConfig, data: object) -> RemoteIssue:
        """An issue from an API answer: a shape Linear would not send is a lasting failure."""
        try:
            return self.issue_from(config, data)
        except PayloadError as exc:
            raise TransportError(f"Linear's answer: {exc}", permanent=True) from exc

    @staticmethod
    def _nodes(data: Mapping[str, object], name: str) -> list[Mapping[str, object]]:
        """A connection's nodes (``{name: {nodes: [...]}}``) from an API answer."""
        connection = data.get(name)
        nodes = connection.get("nodes") if isinstance(connection, dict) else None
        if not isinstance(nodes, list) or not all(isinstance(n, dict) for n in nodes):
            raise TransportError(f"Linear's answer: {name}: expected its nodes", permanent=True)
        return list(nodes)

    @staticmethod
    def _api_text(data: Mapping[str, object], name: str) -> str:
        try:
            return text_of(data, name, required=True)
        except PayloadError as exc:
            raise TransportError(f"Linear's answer: {exc}", permanent=True) from exc

    def issue_from(self, config: TrackerConfig, data: object) -> RemoteIssue:
        if not isinstance(data, dict):
            raise PayloadError("issue: expected an object")
        identifier = text_of(data, "identifier", required=True)
        if not IDENTIFIER.match(identifier):
            raise PayloadError("identifier: expected TEAM-123")
        text_of(data, "id", required=True)
        state = object_of(data, "state") or {}
        assignee = object_of(data, "assignee")
        person = None
        if assignee is not None and (text_of(assignee, "email") or text_of(assignee, "name")):
            person = Person(email=text_of(assignee, "email"), name=text_of(assignee, "name"))
        # A webhook without a field says nothing of it; null says there is none.
        missing = {name for name, field in OPTIONAL_FIELDS.items() if field not in data}
        return RemoteIssue(
            key=identifier,
            remote_id=identifier,
            url=text_of(data, "url"),
            title=text_of(data, "title", required=True),
            state=text_of(state, "name"),
            category=CATEGORIES.get(text_of(state, "type"), "open"),
            assignee=person,
            due_date=date_of(data, "dueDate"),
            updated_at=time_of(data, "updatedAt"),
            missing=frozenset(missing),
        )

    def ref_from_url(self, config: TrackerConfig, url: str) -> str | None:
        parts = urlsplit(url)
        found = ISSUE_PATH.match(parts.path)
        if parts.scheme not in ("http", "https") or found is None:
            return None
        if parts.hostname != self._web_host(config):
            return None
        identifier = found[1].upper()
        if identifier.rpartition("-")[0] != config.project.strip().upper():
            return None
        return identifier

    @staticmethod
    def _web_host(config: TrackerConfig) -> str:
        """linear.app for Linear's API; any other address (a stand-in) serves both."""
        host = urlsplit(config.base_url).hostname or ""
        return "linear.app" if host == "api.linear.app" else host

    # --- webhooks ---------------------------------------------------------------------

    def verify(self, config: TrackerConfig, headers: Mapping[str, str], body: bytes) -> bool:
        """``Linear-Signature: <HMAC-SHA256 of the body, lowercase hex>``, keyed with the
        signing secret. (How recent it is: ``parse_webhook``, which reads the body.)"""
        given = headers.get("Linear-Signature", "").strip()
        expected = hmac.new(config.webhook_secret.encode(), body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(given.encode(), expected.encode())

    def parse_webhook(
        self, config: TrackerConfig, headers: Mapping[str, str], payload: object
    ) -> Notice:
        if not isinstance(payload, dict):
            raise PayloadError("the body is not a JSON object")
        self._check_recent(payload)
        kind, action = text_of(payload, "type"), text_of(payload, "action")
        event_type = f"{kind or '?'}.{action}" if action else kind or "?"
        data = payload.get("data")
        event_id = headers.get("Linear-Delivery", "") or self._event_id(payload, data)
        if kind != "Issue" or action not in ISSUE_ACTIONS:
            return Notice(event_type=event_type, event_id=event_id, issue=None)
        if not isinstance(data, dict):
            raise PayloadError("data: expected an object")
        if self._team_of(data).lower() != config.project.strip().lower():
            # Another team's issue: never an item of this configuration.
            return Notice(event_type=event_type, event_id=event_id, issue=None)
        return Notice(
            event_type=event_type,
            event_id=event_id,
            issue=self.issue_from(config, data),
            removed=action == "remove",
        )

    @staticmethod
    def _check_recent(payload: Mapping[str, object]) -> None:
        sent = payload.get("webhookTimestamp")
        if isinstance(sent, bool) or not isinstance(sent, int | float) or not math.isfinite(sent):
            raise PayloadError("webhookTimestamp: expected the time it was sent (ms)")
        away = abs(time.time() * 1000 - sent)
        if away > REPLAY_WINDOW_MS:
            raise PayloadError(
                f"webhookTimestamp: sent {away / 1000:.0f} s from now; a delivery more than "
                f"{REPLAY_WINDOW_MS // 1000} s away is refused (replayed, or a clock is wrong)"
            )

    @staticmethod
    def _team_of(data: Mapping[str, object]) -> str:
        team = object_of(data, "team")
        if team is not None and text_of(team, "key"):
            return text_of(team, "key")
        return text_of(data, "identifier").rpartition("-")[0]

    @staticmethod
    def _event_id(payload: Mapping[str, object], data: object) -> str:
        """Without ``Linear-Delivery``: what stays the same when Linear sends an event
        again (``webhookTimestamp`` does not)."""
        issue = data.get("id") if isinstance(data, dict) else ""
        parts = (payload.get("webhookId"), payload.get("action"), issue, payload.get("createdAt"))
        if not all(isinstance(part, str) and part for part in parts):
            return ""
        return hashlib.sha256("|".join(str(part) for part in parts).encode()).hexdigest()


def _position(state: Mapping[str, object]) -> float:
    """Where the team shows a workflow state (Linear orders them by it)."""
    position = state.get("position")
    if isinstance(position, int | float) and not isinstance(position, bool):
        return float(position)
    return 0.0
