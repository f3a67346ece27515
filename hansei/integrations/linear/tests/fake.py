"""Linear's GraphQL API on a local server: POST /graphql, answered by the operation's root
field (``teams``, ``issueCreate``, ``issue``, ``issueUpdate``, ``workflowStates``) with the
documented shapes (``payloads/issue_create_response.json``, ``issue_query_response.json``)
filled in with the issue as it is now. It checks ``Authorization`` like Linear (a personal
API key as it is), and can answer the next requests with GraphQL errors (``errors``)."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

from hansei.integrations.trackers.tests.server import FakeApi, Request

PAYLOADS = Path(__file__).parent / "payloads"
TEAM = {"id": "9cfb482a-81e3-4154-b5b9-2c805e70a02d", "key": "ENG"}
WORKSPACE_URL = "https://linear.app/acme"
FIRST_NUMBER = 123

# The team's workflow, listed out of order: Linear orders states by ``position``.
STATES = [
    {"id": "0b8e6c1d-4a2f-4e3b-9c7d-1f5a2e8b6c03", "name": "Done", "type": "completed"},
    {"id": "7c1d2e3f-0000-4000-8000-000000000001", "name": "Triage", "type": "triage"},
    {"id": "7c1d2e3f-0000-4000-8000-000000000002", "name": "Backlog", "type": "backlog"},
    {"id": "f1a5c9e0-3c4b-4f4e-9a51-0e8b9d2c7a01", "name": "Todo", "type": "unstarted"},
    {"id": "5d3f0a7b-8e2c-4b1d-a6f9-2c7e1b0d4e02", "name": "In Progress", "type": "started"},
    {"id": "7c1d2e3f-0000-4000-8000-000000000003", "name": "In Review", "type": "started"},
    {"id": "7c1d2e3f-0000-4000-8000-000000000004", "name": "Released", "type": "completed"},
    {"id": "7c1d2e3f-0000-4000-8000-000000000005", "name": "Canceled", "type": "canceled"},
    {"id": "7c1d2e3f-0000-4000-8000-000000000006", "name": "Duplicate", "type": "duplicate"},
]
POSITIONS = {
    "Triage": 0,
    "Backlog": 1,
    "Todo": 2,
    "In Progress": 3,
    "In Review": 4,
    "Done": 5,
    "Released": 6,
    "Canceled": 7,
    "Duplicate": 8,
}
ROOT_FIELD = re.compile(r"\{\s*(\w+)")


def load(name: str) -> Any:
    return json.loads((PAYLOADS / name).read_text())


def not_found(what: str) -> dict[str, Any]:
    return {
        "message": f"Entity not found: {what}",
        "extensions": {"code": "INVALID_INPUT", "type": "invalid input", "userError": True},
    }


class FakeLinear:
    def __init__(self, api: FakeApi, *, authorization: str = "tracker-token-for-tests") -> None:
        self.api = api
        self.authorization = authorization
        self.issues: dict[str, dict[str, Any]] = {}  # by identifier
        self.errors: list[dict[str, Any]] = []  # GraphQL errors for the next answers
        api.route("POST", "/graphql", self.answer)

    # --- what a test reads and sets ---------------------------------------------------

    @staticmethod
    def state(name: str) -> dict[str, Any]:
        return dict(next(s for s in STATES if s["name"] == name))

    def issue(self, number: int, **fields: Any) -> dict[str, Any]:
        """Issue ENG-<number> as the documented query answers it, with ``fields``."""
        data = copy.deepcopy(load("issue_query_response.json")["data"]["issue"])
        identifier = f"{TEAM['key']}-{number}"
        data.update(
            id=f"539068e2-ae88-4d09-bd75-{number:012d}",
            identifier=identifier,
            url=f"{WORKSPACE_URL}/issue/{identifier}/an-issue",
            state=self.state("Todo"),
            assignee=None,
            dueDate=None,
            updatedAt="2026-12-01T10:00:00.000Z",
            team=dict(TEAM),
        )
        data.update(fields)
        return data

    def calls(self, root: str) -> list[dict[str, Any]]:
        """The variables of every request whose operation is ``root`` (issueCreate…)."""
        return [
            r.json["variables"]
            for r in self.api.made("POST", "/graphql")
            if self._root(r.json.get("query", "")) == root
        ]

    # --- the API ----------------------------------------------------------------------

    def answer(self, found: re.Match[str], request: Request) -> tuple[int, Any]:
        if request.headers.get("Authorization") != self.authorization:
            error = {
                "message": "Authentication required, not authenticated",
                "extensions": {"code": "AUTHENTICATION_ERROR"},
            }
            return 400, {"errors": [error]}
        if self.errors:
            return 200, {"data": None, "errors": [self.errors.pop(0)]}
        body = request.json
        variables = body.get("variables") or {}
        handlers = {
            "teams": self.teams,
            "issueCreate": self.create,
            "issue": self.get,
            "issueUpdate": self.update,
            "workflowStates": self.workflow_states,
        }
        handler = handlers.get(self._root(body["query"]))
        if handler is None:
            return 400, {"errors": [{"message": "Cannot query this field"}]}
        return 200, handler(variables)

    @staticmethod
    def _root(query: str) -> str:
        found = ROOT_FIELD.search(query)
        return found[1] if found else ""

    @staticmethod
    def _is_team(variables: dict[str, Any]) -> bool:
        """The filter ``{key: {eqIgnoreCase: $key}}`` names the team."""
        return str(variables.get("key", "")).upper() == TEAM["key"]

    def teams(self, variables: dict[str, Any]) -> dict[str, Any]:
        nodes = [{"id": TEAM["id"]}] if self._is_team(variables) else []
        return {"data": {"teams": {"nodes": nodes}}}

    def workflow_states(self, variables: dict[str, Any]) -> dict[str, Any]:
        if not self._is_team(variables):
            return {"data": {"workflowStates": {"nodes": []}}}
        nodes = [{**s, "position": float(POSITIONS[s["name"]])} for s in STATES]
        return {"data": {"workflowStates": {"nodes": nodes}}}

    def create(self, variables: dict[str, Any]) -> dict[str, Any]:
        fields = variables["input"]
        if fields.get("teamId") != TEAM["id"]:
            return {"data": None, "errors": [not_found("Team")]}
        number = FIRST_NUMBER + len(self.issues)
        issue = self.issue(
            number,
            title=fields["title"],
            description=fields.get("description"),
            priority=fields.get("priority", 0),
            dueDate=fields.get("dueDate"),
        )
        self.issues[issue["identifier"]] = issue
        return {"data": {"issueCreate": {"success": True, "issue": issue}}}

    def _find(self, key: str) -> dict[str, Any] | None:
        if key in self.issues:
            return self.issues[key]
        return next((i for i in self.issues.values() if i["id"] == key), None)

    def get(self, variables: dict[str, Any]) -> dict[str, Any]:
        issue = self._find(variables.get("id", ""))
        if issue is None:
            return {"data": None, "errors": [not_found("Issue")]}
        return {"data": {"issue": issue}}

    def update(self, variables: dict[str, Any]) -> dict[str, Any]:
        issue = self._find(variables.get("id", ""))
        if issue is None:
            return {"data": None, "errors": [not_found("Issue")]}
        fields = variables["input"]
        for name in ("title", "dueDate"):
            if name in fields:
                issue[name] = fields[name]
        if "stateId" in fields:
            state = next((s for s in STATES if s["id"] == fields["stateId"]), None)
            if state is None:
                return {"data": None, "errors": [not_found("WorkflowState")]}
            issue["state"] = dict(state)
        issue["updatedAt"] = "2026-12-02T10:00:00.000Z"
        return {"data": {"issueUpdate": {"success": True, "issue": issue}}}
