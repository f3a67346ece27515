"""Jira Cloud (REST v3) and Jira Data Center (REST v2) as trackers.

**Which issue.** Hansei keeps an issue's key (``PROJ-42``) as its ``remote_id``, not its
numeric id: the key is what the issue's page address carries (so an issue is linked by its
URL without asking Jira), what webhooks and people show, and the API takes it wherever it
takes the id. A key changes when the issue moves to another project; its webhooks then name
that project and are ignored, so the link stops syncing until the issue is linked anew.

**States.** The state is the issue's status (``In Review``, ``Done``), and its kind is the
status's category (``new``, ``indeterminate``, ``done``). A done issue whose resolution is one
of the configuration's won't-do names (``Won't Do``, ``Duplicate``) is named by its
resolution, so ``Done`` resolved as ``Won't Do`` means won't do. Hansei moves an issue with a
transition: one leading to a status the configuration names, else one leading to a status of
the right category. A transition's own name is never read: it says nothing (Atlassian's
example "Close Issue" leads to In Progress). Without a won't-do status in the workflow,
"won't do" moves the issue to a done status.

**Webhooks** carry the v2 issue on both (a plain-text description), and the delivery's id in
``X-Atlassian-Webhook-Identifier`` (the same on retries). Jira Cloud signs them
(``X-Hub-Signature: sha256=<hex HMAC-SHA256 of the body>``, keyed with the webhook's secret),
and an unsigned one is refused. Jira Data Center signs them only when its webhook has a
secret, which older versions cannot have: a signature, when there is one, must be right;
without one, the secret token in the webhook's URL is the credential.

**Descriptions** are an Atlassian Document Format document on Cloud's v3 API (paragraphs,
bullet lists, links) and plain text on Data Center's v2 API.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import re
from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlsplit

from hansei.integrations.jira.transport import api
from hansei.integrations.trackers.models import TrackerConfig
from hansei.integrations.trackers.protocol import (
    DONE,
    IN_PROGRESS,
    OPEN,
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
    status_of,
    text_of,
    time_of,
)
from hansei.integrations.transport import TransportError

ISSUE_KEY = re.compile(r"^([A-Za-z][A-Za-z0-9_]*)-(\d{1,12})\Z")
READ_FIELDS = "summary,status,resolution,assignee,duedate,updated"
SUMMARY_CHARS = 255  # Jira refuses a longer summary
ISSUE_EVENTS = ("jira:issue_created", "jira:issue_updated", "jira:issue_deleted")
CATEGORIES: dict[str, Category] = {"new": "open", "indeterminate": "started", "done": "done"}
# The status category a transition must lead to, for each of Hansei's statuses.
TARGET_CATEGORY = {OPEN: "new", IN_PROGRESS: "indeterminate", DONE: "done", WONT_DO: "done"}

DEFAULTS = Defaults(
    base_url="https://your-site.atlassian.net",
    token_variable="HANSEI_TRACKER_JIRA_TOKEN",
    done_states=("Done",),
    wont_do_states=("Won't Do",),
    priority_mapping={"P0": "Highest", "P1": "High", "P2": "Medium", "P3": "Low"},
    project_help="the project key (OPS)",
)


class Jira(ABC):
    """What both Jiras share; each says how it writes a description and checks a webhook."""

    kind: str
    label: str
    defaults: Defaults

    @abstractmethod
    def description(self, text: str) -> Any:
        """The issue's description as this Jira takes it (ADF on Cloud, text on Data Center)."""

    # --- the API ----------------------------------------------------------------------

    def create_issue(self, config: TrackerConfig, issue: NewIssue) -> RemoteIssue:
        fields: dict[str, Any] = {
            "project": {"key": config.project},
            "summary": summary_of(issue.title),
            "issuetype": {"name": config.issue_type.strip() or "Task"},
            "description": self.description(issue.description),
            "labels": [label_of(name) for name in issue.labels if name.strip()],
        }
        priority = (config.priority_mapping or {}).get(issue.priority)
        if priority:
            fields["priority"] = {"name": str(priority)}
        if issue.due_date is not None:
            fields["duedate"] = issue.due_date.isoformat()
        answer = api(config, "POST", "/issue", {"fields": fields})
        key = answer.get("key") if isinstance(answer, dict) else None
        if not isinstance(key, str) or ISSUE_KEY.match(key) is None:
            raise TransportError("Jira's answer names no issue key", permanent=True)
        try:
            return self.fetch_issue(config, key.upper())
        except (TransportError, PayloadError):
            # The issue exists: a failed read must not make the queue create it again. What
            # it was created with stands in until its next webhook.
            return RemoteIssue(
                key=key.upper(),
                remote_id=key.upper(),
                url=browse_url(config, key.upper()),
                title=fields["summary"],
                state="",
                category="open",
                missing=frozenset({"status", "due_date", "assignee"}),
            )

    def fetch_issue(self, config: TrackerConfig, remote_id: str) -> RemoteIssue:
        answer = api(config, "GET", issue_path(remote_id), params={"fields": READ_FIELDS})
        return self.issue_from(config, answer)

    def update_issue(
        self, config: TrackerConfig, remote_id: str, change: IssueChange
    ) -> RemoteIssue:
        fields: dict[str, Any] = {}
        if change.title is not None:
            fields["summary"] = summary_of(change.title)
        if change.due_date is not None:
            fields["duedate"] = change.due_date.isoformat()
        elif change.clear_due_date:
            fields["duedate"] = None
        if fields:
            api(config, "PUT", issue_path(remote_id), {"fields": fields})
        if change.status is not None:
            self._move(config, remote_id, change.status)
        return self.fetch_issue(config, remote_id)

    def _move(self, config: TrackerConfig, remote_id: str, status: str) -> None:
        """Transition the issue to a status meaning ``status``, unless it is in one."""
        if status_of(config, self.fetch_issue(config, remote_id)) == status:
            return
        path = f"{issue_path(remote_id)}/transitions"
        transition = transition_to(config, api(config, "GET", path), status)
        if transition is None:
            raise TransportError(
                f"no transition of {remote_id} leads to a status meaning {status} "
                "(name it among the configuration's states, or add it to the workflow)",
                permanent=True,
            )
        api(config, "POST", path, {"transition": {"id": transition}})

    # --- reading ----------------------------------------------------------------------

    def issue_from(self, config: TrackerConfig, data: Any) -> RemoteIssue:
        if not isinstance(data, dict):
            raise PayloadError("issue: expected an object")
        key = text_of(data, "key", required=True)
        if ISSUE_KEY.match(key) is None:
            raise PayloadError("key: expected an issue key (PROJ-42)")
        fields = object_of(data, "fields")
        status = object_of(fields, "status") if fields is not None else None
        if fields is None or status is None:
            raise PayloadError("an issue without its fields and status")
        state, category = state_of(config, status, object_of(fields, "resolution"))
        assignee = object_of(fields, "assignee")
        person = None
        if assignee is not None:
            person = Person(
                email=text_of(assignee, "emailAddress"), name=text_of(assignee, "displayName")
            )
        # A field Jira did not send (not on the project's screens) stays as Hansei has it.
        missing = {name for name, field in FIELD_NAMES.items() if field not in fields}
        return RemoteIssue(
            key=key.upper(),
            remote_id=key.upper(),
            url=browse_url(config, key.upper()),
            title=text_of(fields, "summary", required=True),
            state=state,
            category=category,
            assignee=person if person is not None and (person.email or person.name) else None,
            due_date=date_of(fields, "duedate"),
            updated_at=time_of(fields, "updated"),
            missing=frozenset(missing),
        )

    def ref_from_url(self, config: TrackerConfig, url: str) -> str | None:
        """``<site>/browse/PROJ-42`` (with the site's path, for a Data Center under one)."""
        try:
            parts, site = urlsplit(url), urlsplit(config.base_url)
        except ValueError:
            return None
        if parts.scheme not in ("http", "https") or parts.hostname != site.hostname:
            return None
        start = f"{site.path.rstrip('/')}/browse/"
        if not parts.path.startswith(start):
            return None
        found = ISSUE_KEY.match(parts.path[len(start) :].rstrip("/"))
        if found is None or found[1].lower() != config.project.strip().lower():
            return None
        return found[0].upper()

    # --- webhooks ---------------------------------------------------------------------

    def parse_webhook(
        self, config: TrackerConfig, headers: Mapping[str, str], payload: object
    ) -> Notice:
        if not isinstance(payload, dict):
            raise PayloadError("the body is not a JSON object")
        event = text_of(payload, "webhookEvent")
        delivery = headers.get("X-Atlassian-Webhook-Identifier", "")
        if event not in ISSUE_EVENTS:
            return Notice(event_type=event or "?", event_id=delivery, issue=None)
        data = object_of(payload, "issue")
        if data is None:
            raise PayloadError("an issue event without its issue")
        if project_of(data).lower() != config.project.strip().lower():
            # Another project's issue: never an item of this configuration.
            return Notice(event_type=event, event_id=delivery, issue=None)
        return Notice(
            event_type=event,
            event_id=delivery,
            issue=self.issue_from(config, data),
            removed=event == "jira:issue_deleted",
        )


class JiraCloud(Jira):
    kind = "jira_cloud"
    label = "Jira Cloud"
    defaults = DEFAULTS

    def description(self, text: str) -> Any:
        return adf_document(text)

    def verify(self, config: TrackerConfig, headers: Mapping[str, str], body: bytes) -> bool:
        """Signed, and rightly: Hansei always gives the webhook a secret."""
        return signature_is_right(config, headers, body) is True


class JiraServer(Jira):
    kind = "jira_server"
    label = "Jira Data Center"
    defaults = dataclasses.replace(DEFAULTS, base_url="https://jira.example.com")

    def description(self, text: str) -> Any:
        return text

    def verify(self, config: TrackerConfig, headers: Mapping[str, str], body: bytes) -> bool:
        """Rightly signed, or not signed at all (the URL's token was right to get here)."""
        return signature_is_right(config, headers, body) is not False


# --- the pieces -------------------------------------------------------------------------------

FIELD_NAMES = {"due_date": "duedate", "assignee": "assignee"}


def issue_path(remote_id: str) -> str:
    return f"/issue/{quote(remote_id, safe='')}"


def browse_url(config: TrackerConfig, key: str) -> str:
    return f"{config.base_url.rstrip('/')}/browse/{key}"


def summary_of(title: str) -> str:
    return " ".join(title.split())[:SUMMARY_CHARS]


def label_of(name: str) -> str:
    """Jira labels cannot hold spaces."""
    return "-".join(name.split())


def project_of(issue: Mapping[str, object]) -> str:
    """The project key of a webhook's issue: its project, else its key's prefix."""
    fields = object_of(issue, "fields")
    project = object_of(fields, "project") if fields is not None else None
    if project is not None and text_of(project, "key"):
        return text_of(project, "key")
    return text_of(issue, "key").rpartition("-")[0]


def state_of(
    config: TrackerConfig,
    status: Mapping[str, object],
    resolution: Mapping[str, object] | None,
) -> tuple[str, Category]:
    name = text_of(status, "name", required=True)
    group = object_of(status, "statusCategory")
    category = CATEGORIES.get(text_of(group, "key") if group is not None else "", "open")
    if category != "done":
        return name, category
    wont_do = {state.strip().lower() for state in config.wont_do_states}
    resolved = text_of(resolution, "name") if resolution is not None else ""
    if name.lower() in wont_do:
        return name, "canceled"
    if resolved.lower() in wont_do:
        return resolved, "canceled"
    return name, "done"


def transition_to(config: TrackerConfig, answer: Any, status: str) -> str | None:
    """The id of a transition to a status meaning ``status``: one the configuration names
    first, else one of the right category that the configuration does not name otherwise."""
    listed = answer.get("transitions") if isinstance(answer, dict) else None
    if not isinstance(listed, list):
        raise TransportError("Jira's list of transitions has an unknown shape", permanent=True)
    targets: list[tuple[str, str, str]] = []  # id, status name, status category
    for transition in listed:
        to = transition.get("to") if isinstance(transition, dict) else None
        if not isinstance(to, dict) or transition.get("isAvailable") is False:
            continue
        group = to.get("statusCategory")
        key = group.get("key") if isinstance(group, dict) else None
        if isinstance(transition.get("id"), str) and isinstance(to.get("name"), str):
            targets.append((transition["id"], to["name"], key if isinstance(key, str) else ""))
    named = {DONE: config.done_states, WONT_DO: config.wont_do_states}.get(status, [])
    wanted = {state.strip().lower() for state in named}
    for transition_id, name, _category in targets:
        if name.strip().lower() in wanted:
            return transition_id
    for transition_id, name, category in targets:
        if category == TARGET_CATEGORY.get(status) and config.maps_to(name) in (None, status):
            return transition_id
    return None


def signature_is_right(
    config: TrackerConfig, headers: Mapping[str, str], body: bytes
) -> bool | None:
    """``X-Hub-Signature: sha256=<hex>`` against the body and the webhook's secret; None
    when the delivery is not signed. Only SHA-256 is taken (Atlassian says the method may
    change: a new one is refused until Hansei knows it)."""
    given = headers.get("X-Hub-Signature")
    if given is None:
        return None
    method, _equals, digest = given.strip().partition("=")
    if method.lower() != "sha256":
        return False
    expected = hmac.new(config.webhook_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(digest.strip().lower().encode(), expected.encode())


# --- Atlassian Document Format (Cloud's v3 descriptions) -------------------------------------

URL_IN_TEXT = re.compile(r"https?://[^\s<>\"]*[^\s<>\".,;:!?)\]]")


def adf_document(text: str) -> dict[str, Any]:
    """Hansei's Markdown as an ADF document: blank lines part paragraphs, ``- `` lines make
    a bullet list, and addresses become links."""
    blocks: list[dict[str, Any]] = []
    lines: list[str] = []
    items: list[str] = []

    def flush() -> None:
        if lines:
            blocks.append(adf_paragraph(lines))
        if items:
            entries = [{"type": "listItem", "content": [adf_paragraph([i])]} for i in items]
            blocks.append({"type": "bulletList", "content": entries})
        lines.clear()
        items.clear()

    for line in text.splitlines():
        line = line.strip()
        if line.startswith(("- ", "* ")) and line[2:].strip():
            if lines:
                flush()
            items.append(line[2:].strip())
        elif line:
            if items:
                flush()
            lines.append(line)
        else:
            flush()
    flush()
    return {"type": "doc", "version": 1, "content": blocks}


def adf_paragraph(lines: list[str]) -> dict[str, Any]:
    content: list[dict[str, Any]] = []
    for number, line in enumerate(lines):
        if number:
            content.append({"type": "hardBreak"})
        content += adf_text(line)
    return {"type": "paragraph", "content": content}


def adf_text(line: str) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = []
    start = 0
    for found in URL_IN_TEXT.finditer(line):
        if found.start() > start:
            nodes.append({"type": "text", "text": line[start : found.start()]})
        link = {"type": "link", "attrs": {"href": found[0]}}
        nodes.append({"type": "text", "text": found[0], "marks": [link]})
        start = found.end()
    if start < len(line):
        nodes.append({"type": "text", "text": line[start:]})
    return nodes
