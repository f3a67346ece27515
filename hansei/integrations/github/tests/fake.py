"""GitHub's Issues REST API on a local server, answering with the documented issue object
(``payloads/get_issue_response.json``, from GitHub's REST reference) filled in with the
issue as it is now."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

from hansei.integrations.trackers.tests.server import FakeApi, Request

PAYLOADS = Path(__file__).parent / "payloads"
REPO = "octo-org/octo-repo"


def load(name: str) -> Any:
    return json.loads((PAYLOADS / name).read_text())


class FakeGitHub:
    def __init__(self, api: FakeApi) -> None:
        self.api = api
        self.issues: dict[int, dict[str, Any]] = {}
        repo = r"/repos/(?P<owner>[^/]+)/(?P<repo>[^/]+)/issues"
        api.route("POST", repo, self.create)
        api.route("GET", repo + r"/(?P<number>\d+)", self.get)
        api.route("PATCH", repo + r"/(?P<number>\d+)", self.patch)

    def issue(self, number: int, **fields: Any) -> dict[str, Any]:
        data = copy.deepcopy(load("get_issue_response.json"))
        data.update(
            number=number,
            html_url=f"https://github.com/{REPO}/issues/{number}",
            url=f"https://api.github.com/repos/{REPO}/issues/{number}",
            state="open",
            state_reason=None,
            assignee=None,
            assignees=[],
            updated_at="2026-12-01T10:00:00Z",
        )
        data.update(fields)
        return data

    def _authorised(self, request: Request) -> bool:
        return request.headers.get("Authorization") == "Bearer tracker-token-for-tests"

    def create(self, found: re.Match[str], request: Request) -> tuple[int, Any]:
        if not self._authorised(request):
            return 401, {"message": "Bad credentials"}
        if f"{found['owner']}/{found['repo']}" != REPO:
            return 404, {"message": "Not Found"}
        body = request.json
        number = len(self.issues) + 1
        labels = [{"name": name} for name in body.get("labels", [])]
        self.issues[number] = self.issue(
            number, title=body["title"], body=body.get("body"), labels=labels
        )
        return 201, self.issues[number]

    def get(self, found: re.Match[str], request: Request) -> tuple[int, Any]:
        number = int(found["number"])
        if not self._authorised(request) or number not in self.issues:
            return 404, {"message": "Not Found"}
        return 200, self.issues[number]

    def patch(self, found: re.Match[str], request: Request) -> tuple[int, Any]:
        number = int(found["number"])
        if not self._authorised(request) or number not in self.issues:
            return 404, {"message": "Not Found"}
        change = request.json
        issue = self.issues[number]
        for name in ("title", "state", "state_reason"):
            if name in change:
                issue[name] = change[name]
        if change.get("state") == "open":
            issue["state_reason"] = "reopened"
        issue["updated_at"] = "2026-12-02T10:00:00Z"
        return 200, issue
