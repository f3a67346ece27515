"""GitHub Issues as a tracker.

GitHub has two states, open and closed, and says why an issue was closed
(``state_reason``: completed, not_planned, duplicate). Hansei names the state by the reason
(``closed`` for completed, else ``not_planned`` or ``duplicate``), so a configuration can
say which mean done and which won't do. GitHub issues have no due date: due dates stay
Hansei's. Priorities become labels (the mapping names them).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlsplit

from hansei.integrations.github.transport import api
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
    object_of,
    text_of,
    time_of,
)

ISSUE_PATH = re.compile(r"^/([\w.-]+)/([\w.-]+)/issues/(\d{1,12})/?\Z")


class GitHub:
    kind = "github"
    label = "GitHub Issues"
    defaults = Defaults(
        base_url="https://api.github.com",
        token_variable="HANSEI_TRACKER_GITHUB_TOKEN",
        done_states=("closed",),
        wont_do_states=("not_planned", "duplicate"),
        priority_mapping={"P0": "priority: P0", "P1": "priority: P1"},
        project_help="owner/repository",
    )

    # --- the API ----------------------------------------------------------------------

    def _repo(self, config: TrackerConfig) -> str:
        owner, _slash, repo = config.project.partition("/")
        return f"/repos/{quote(owner, safe='')}/{quote(repo, safe='')}"

    def create_issue(self, config: TrackerConfig, issue: NewIssue) -> RemoteIssue:
        labels = list(issue.labels)
        priority = (config.priority_mapping or {}).get(issue.priority)
        if priority:
            labels.append(str(priority))
        answer = api(
            config,
            "POST",
            f"{self._repo(config)}/issues",
            {"title": issue.title, "body": issue.description, "labels": labels},
        )
        return self.issue_from(config, answer)

    def fetch_issue(self, config: TrackerConfig, remote_id: str) -> RemoteIssue:
        answer = api(config, "GET", f"{self._repo(config)}/issues/{int(remote_id)}")
        return self.issue_from(config, answer)

    def update_issue(
        self, config: TrackerConfig, remote_id: str, change: IssueChange
    ) -> RemoteIssue:
        body: dict[str, Any] = {}
        if change.title is not None:
            body["title"] = change.title
        if change.status == DONE:
            body.update(state="closed", state_reason="completed")
        elif change.status == WONT_DO:
            body.update(state="closed", state_reason="not_planned")
        elif change.status is not None:
            body.update(state="open")
        if not body:  # a due date only: GitHub has none
            return self.fetch_issue(config, remote_id)
        answer = api(config, "PATCH", f"{self._repo(config)}/issues/{int(remote_id)}", body)
        return self.issue_from(config, answer)

    # --- reading ----------------------------------------------------------------------

    def issue_from(self, config: TrackerConfig, data: Any) -> RemoteIssue:
        if not isinstance(data, dict) or not isinstance(data.get("number"), int):
            raise PayloadError("an issue without a number")
        name, category = self._state(text_of(data, "state"), text_of(data, "state_reason"))
        assignee = object_of(data, "assignee")
        person = None
        if assignee is not None and text_of(assignee, "login"):
            person = Person(email=text_of(assignee, "email"), name=text_of(assignee, "login"))
        return RemoteIssue(
            key=f"{config.project}#{data['number']}",
            remote_id=str(data["number"]),
            url=text_of(data, "html_url"),
            title=text_of(data, "title", required=True),
            state=name,
            category=category,
            assignee=person,
            updated_at=time_of(data, "updated_at"),
            missing=frozenset({"due_date"}),
        )

    @staticmethod
    def _state(state: str, reason: str) -> tuple[str, Category]:
        if state != "closed":
            return "open", "open"
        if reason in ("not_planned", "duplicate"):
            return reason, "canceled"
        return "closed", "done"

    def ref_from_url(self, config: TrackerConfig, url: str) -> str | None:
        parts = urlsplit(url)
        found = ISSUE_PATH.match(parts.path)
        if parts.scheme not in ("http", "https") or found is None:
            return None
        if parts.hostname != self._web_host(config):
            return None
        if f"{found[1]}/{found[2]}".lower() != config.project.lower():
            return None
        return str(int(found[3]))

    @staticmethod
    def _web_host(config: TrackerConfig) -> str:
        """github.com for the public API; a GitHub Enterprise server serves both."""
        host = urlsplit(config.base_url).hostname or ""
        return "github.com" if host == "api.github.com" else host

    # --- webhooks ---------------------------------------------------------------------

    def verify(self, config: TrackerConfig, headers: Mapping[str, str], body: bytes) -> bool:
        """``X-Hub-Signature-256: sha256=<HMAC-SHA256 of the body, hex>``, keyed with the
        webhook's secret."""
        given = headers.get("X-Hub-Signature-256", "")
        expected = hmac.new(config.webhook_secret.encode(), body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(given.encode(), f"sha256={expected}".encode())

    def parse_webhook(
        self, config: TrackerConfig, headers: Mapping[str, str], payload: object
    ) -> Notice:
        event = headers.get("X-GitHub-Event", "")
        delivery = headers.get("X-GitHub-Delivery", "")
        if not isinstance(payload, dict):
            raise PayloadError("the body is not a JSON object")
        action = str(payload.get("action") or "")
        if event != "issues":
            return Notice(event_type=event or "?", event_id=delivery, issue=None)
        repository = payload.get("repository")
        if not isinstance(repository, dict) or not isinstance(payload.get("issue"), dict):
            raise PayloadError("an issues event without its issue and repository")
        if str(repository.get("full_name", "")).lower() != config.project.lower():
            # Another repository's issue: never an item of this configuration.
            return Notice(event_type=f"issues.{action}", event_id=delivery, issue=None)
        issue = self.issue_from(config, payload["issue"])
        return Notice(
            event_type=f"issues.{action}",
            event_id=delivery,
            issue=issue,
            removed=action == "deleted",
        )
