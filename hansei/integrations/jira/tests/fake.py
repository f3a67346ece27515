"""Jira's REST API on a local server: Cloud's v3 or Data Center's v2, each with its own
authentication, answering with the documented shapes (``payloads/``, see its README) filled
in with the issue as it is now. Issues move between statuses only by transitions, as in
Jira; the workflow starts as Atlassian's documented transitions list."""

from __future__ import annotations

import base64
import copy
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from hansei.integrations.trackers.tests.server import FakeApi, Request

PAYLOADS = Path(__file__).parent / "payloads"
PROJECT = "PROJ"
ACCOUNT = "bot@example.com"
TOKEN = "tracker-token-for-tests"
CLOUD, SERVER = "jira_cloud", "jira_server"
SITE = "https://your-domain.atlassian.net"  # the documented examples' site
FIRST_NUMBER = 42  # the documented examples' PROJ-42 (id 10042)

# name → (id, category key, category id, colour)
STATUSES = {
    "To Do": ("10001", "new", 2, "blue-gray"),
    "In Progress": ("10000", "indeterminate", 4, "yellow"),
    "Done": ("10002", "done", 3, "green"),
    "Closed": ("5", "done", 3, "green"),
    "Won't Do": ("10003", "done", 3, "green"),
}
CATEGORY_NAMES = {"new": "To Do", "indeterminate": "In Progress", "done": "Done"}


def load(name: str) -> Any:
    return json.loads((PAYLOADS / name).read_text())


def status(name: str, *, api: str = f"{SITE}/rest/api/2") -> dict[str, Any]:
    """A status as Jira describes one (``StatusDetails``)."""
    status_id, key, category_id, colour = STATUSES[name]
    return {
        "self": f"{api}/status/{status_id}",
        "description": "",
        "iconUrl": f"{SITE}/images/icons/statuses/generic.png",
        "name": name,
        "id": status_id,
        "statusCategory": {
            "self": f"{api}/statuscategory/{category_id}",
            "id": category_id,
            "key": key,
            "colorName": colour,
            "name": CATEGORY_NAMES[key],
        },
    }


def resolution(name: str) -> dict[str, Any]:
    return {"self": f"{SITE}/rest/api/2/resolution/10000", "id": "10000", "name": name}


class FakeJira:
    def __init__(self, api: FakeApi, kind: str) -> None:
        self.api = api
        self.kind = kind
        self.version = "3" if kind == CLOUD else "2"
        self.issues: dict[str, dict[str, Any]] = {}  # by key
        self.transitions: list[dict[str, Any]] = load("transitions_response.json")["transitions"]
        self.reads_down = 0  # how many of the next issue reads answer 503
        root = r"/rest/api/(?P<version>\d)/issue"
        ref = r"/(?P<ref>[^/]+)"
        api.route("POST", root, self.create)
        api.route("GET", root + ref, self.get)
        api.route("PUT", root + ref, self.put)
        api.route("GET", root + ref + "/transitions", self.list_transitions)
        api.route("POST", root + ref + "/transitions", self.transition)

    @property
    def api_url(self) -> str:
        return f"{self.api.url}/rest/api/{self.version}"

    def add(self, number: int, **fields: Any) -> dict[str, Any]:
        """An issue as ``GET issue`` answers it (the v3 or v2 example), with ``fields``."""
        template = (
            "get_issue_response_v3.json" if self.kind == CLOUD else "get_issue_response_v2.json"
        )
        data = copy.deepcopy(load(template))
        key = f"{PROJECT}-{number}"
        data.update(id=str(10000 + number), key=key, self=f"{self.api_url}/issue/{10000 + number}")
        data["fields"].update(
            status=status("To Do", api=self.api_url),
            resolution=None,
            resolutiondate=None,
            assignee=None,
            duedate=None,
            updated="2026-12-01T10:00:00.000+0000",
        )
        data["fields"].update(fields)
        self.issues[key] = data
        return data

    def add_transition(self, transition_id: str, name: str, to: str) -> None:
        self.transitions.append(
            {"id": transition_id, "name": name, "to": status(to, api=self.api_url)}
        )

    # --- the routes -------------------------------------------------------------------

    def _refusal(self, found: re.Match[str], request: Request) -> tuple[int, Any] | None:
        if found["version"] != self.version:
            return 404, {"errorMessages": ["Not Found"]}
        if self.kind == CLOUD:
            pair = base64.b64encode(f"{ACCOUNT}:{TOKEN}".encode()).decode()
            expected = f"Basic {pair}"
        else:
            expected = f"Bearer {TOKEN}"
        if request.headers.get("Authorization") != expected:
            return 401, {"errorMessages": ["You are not authenticated."]}
        return None

    def _issue(self, found: re.Match[str]) -> dict[str, Any] | None:
        ref = found["ref"]
        for issue in self.issues.values():
            if ref in (issue["key"], issue["id"]):
                return issue
        return None

    def create(self, found: re.Match[str], request: Request) -> tuple[int, Any]:
        refused = self._refusal(found, request)
        if refused is not None:
            return refused
        fields = request.json["fields"]
        errors = self._invalid(fields)
        if errors:
            return 400, {"errorMessages": [], "errors": errors}
        number = FIRST_NUMBER + len(self.issues)
        description = fields.get("description")
        issue = self.add(number, summary=fields["summary"], description=description)
        issue["fields"].update(duedate=fields.get("duedate"), labels=fields.get("labels", []))
        answer = load("create_issue_response_v3.json")
        del answer["transition"]  # only there when the request asked for a transition
        answer.update(id=issue["id"], key=issue["key"], self=issue["self"])
        return 201, answer

    def _invalid(self, fields: dict[str, Any]) -> dict[str, str]:
        errors = {}
        if fields.get("project") != {"key": PROJECT}:
            errors["project"] = "valid project is required"
        if not isinstance(fields.get("issuetype", {}).get("name"), str):
            errors["issuetype"] = "valid issue type is required"
        description = fields.get("description")
        if self.kind == CLOUD and not isinstance(description, dict):
            errors["description"] = "Operation value must be an Atlassian Document"
        if self.kind == SERVER and not isinstance(description, str):
            errors["description"] = "Operation value must be a string"
        for label in fields.get("labels", []):
            if " " in label:
                errors["labels"] = f"The label '{label}' contains spaces which is invalid."
        return errors

    def get(self, found: re.Match[str], request: Request) -> tuple[int, Any]:
        refused = self._refusal(found, request)
        if refused is not None:
            return refused
        if self.reads_down:
            self.reads_down -= 1
            return 503, {"errorMessages": ["Service Unavailable"]}
        issue = self._issue(found)
        if issue is None:
            return 404, {"errorMessages": ["Issue does not exist or you do not have permission"]}
        wanted = parse_qs(request.query).get("fields")
        if not wanted:
            return 200, issue
        names = set(wanted[0].split(","))
        return 200, {**issue, "fields": {k: v for k, v in issue["fields"].items() if k in names}}

    def put(self, found: re.Match[str], request: Request) -> tuple[int, Any]:
        refused = self._refusal(found, request)
        issue = self._issue(found)
        if refused is not None or issue is None:
            return refused or (404, {"errorMessages": ["Issue does not exist"]})
        for name, value in request.json["fields"].items():
            if name not in ("summary", "duedate"):
                return 400, {"errorMessages": [], "errors": {name: "cannot be set"}}
            issue["fields"][name] = value
        issue["fields"]["updated"] = "2026-12-02T10:00:00.000+0000"
        return 204, None

    def list_transitions(self, found: re.Match[str], request: Request) -> tuple[int, Any]:
        refused = self._refusal(found, request)
        if refused is not None or self._issue(found) is None:
            return refused or (404, {"errorMessages": ["Issue does not exist"]})
        return 200, {"transitions": self.transitions}

    def transition(self, found: re.Match[str], request: Request) -> tuple[int, Any]:
        refused = self._refusal(found, request)
        issue = self._issue(found)
        if refused is not None or issue is None:
            return refused or (404, {"errorMessages": ["Issue does not exist"]})
        chosen = request.json["transition"]["id"]
        transition = next((t for t in self.transitions if t["id"] == chosen), None)
        if transition is None:
            return 400, {"errorMessages": [f"Transition id '{chosen}' is not valid."]}
        to = transition["to"]
        resolved = None
        if to["statusCategory"]["key"] == "done":
            resolved = resolution("Won't Do" if to["name"] == "Won't Do" else "Done")
        issue["fields"].update(
            status=copy.deepcopy(to), resolution=resolved, updated="2026-12-02T10:00:00.000+0000"
        )
        return 204, None
