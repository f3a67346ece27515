"""GitLab's Issues REST API v4 on a local server, answering with the documented issue objects
(``payloads/create_issue_response.json`` and ``get_issue_response.json``, from GitLab's API
reference) filled in with the issue as it is now. Like GitLab, it takes the project by its
URL-encoded path or its id, the token in ``PRIVATE-TOKEN``, labels as comma-separated names,
and serves issue pages where its API is, like a self-managed instance."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from hansei.integrations.trackers.tests.server import FakeApi, Request

PAYLOADS = Path(__file__).parent / "payloads"
PROJECT = "gitlab-org/gitlab-test"
PROJECT_ID = 1
FIRST_IID = 23  # the payloads' issue


def load(name: str) -> Any:
    return json.loads((PAYLOADS / name).read_text())


def names(value: str | None) -> list[str]:
    return [name.strip() for name in (value or "").split(",") if name.strip()]


class FakeGitLab:
    def __init__(self, api: FakeApi) -> None:
        self.api = api
        self.issues: dict[int, dict[str, Any]] = {}
        issues = r"/api/v4/projects/(?P<project>[^/]+)/issues"
        api.route("POST", issues, self.create)
        api.route("GET", issues + r"/(?P<iid>\d+)", self.get)
        api.route("PUT", issues + r"/(?P<iid>\d+)", self.put)

    def issue(
        self, iid: int, template: str = "get_issue_response.json", **fields: Any
    ) -> dict[str, Any]:
        data = copy.deepcopy(load(template))
        links = f"{self.api.url}/api/v4/projects/{PROJECT_ID}/issues/{iid}"
        data.update(
            iid=iid,
            id=300 + iid,
            web_url=f"{self.api.url}/{PROJECT}/-/issues/{iid}",
            references={"short": f"#{iid}", "relative": f"#{iid}", "full": f"{PROJECT}#{iid}"},
            state="opened",
            closed_at=None,
            closed_by=None,
            assignee=None,
            assignees=[],
            labels=[],
            due_date=None,
            updated_at="2026-12-01T10:00:00.000Z",
        )
        data["_links"]["self"] = links
        data.update(fields)
        return data

    def _refusal(self, found: re.Match[str], request: Request) -> tuple[int, Any] | None:
        if request.headers.get("PRIVATE-TOKEN") != "tracker-token-for-tests":
            return 401, {"message": "401 Unauthorized"}
        if unquote(found["project"]) not in (PROJECT, str(PROJECT_ID)):
            return 404, {"message": "404 Project Not Found"}
        if "iid" in found.groupdict() and int(found["iid"]) not in self.issues:
            return 404, {"message": "404 Not found"}
        return None

    def create(self, found: re.Match[str], request: Request) -> tuple[int, Any]:
        refused = self._refusal(found, request)
        if refused is not None:
            return refused
        body = request.json
        iid = FIRST_IID + len(self.issues)
        self.issues[iid] = self.issue(
            iid,
            "create_issue_response.json",
            title=body["title"],
            description=body.get("description"),
            labels=names(body.get("labels")),
            due_date=body.get("due_date"),
        )
        return 201, self.issues[iid]

    def get(self, found: re.Match[str], request: Request) -> tuple[int, Any]:
        refused = self._refusal(found, request)
        if refused is not None:
            return refused
        return 200, self.issues[int(found["iid"])]

    def put(self, found: re.Match[str], request: Request) -> tuple[int, Any]:
        refused = self._refusal(found, request)
        if refused is not None:
            return refused
        change, issue = request.json, self.issues[int(found["iid"])]
        for name in ("title", "description"):
            if name in change:
                issue[name] = change[name]
        if "due_date" in change:
            issue["due_date"] = change["due_date"] or None  # null or "" clears it
        if "labels" in change:
            issue["labels"] = names(change["labels"])
        removed = {name.lower() for name in names(change.get("remove_labels"))}
        labels = [name for name in issue["labels"] if name.lower() not in removed]
        issue["labels"] = labels + [n for n in names(change.get("add_labels")) if n not in labels]
        if change.get("state_event") == "close":
            issue.update(state="closed", closed_at="2026-12-02T10:00:00.000Z")
        elif change.get("state_event") == "reopen":
            issue.update(state="opened", closed_at=None, closed_by=None)
        issue["updated_at"] = "2026-12-02T10:00:00.000Z"
        return 200, issue
