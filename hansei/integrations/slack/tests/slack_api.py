"""A local HTTP server speaking the part of Slack's Web API Hansei uses, with the answers
Slack's documentation gives, and Slack's signed requests to Hansei.

Where each shape is documented (values are the docs', ids changed where a test needs people):

* chat.postMessage: https://docs.slack.dev/reference/methods/chat.postMessage
* users.lookupByEmail: https://docs.slack.dev/reference/methods/users.lookupByEmail
* users.info: https://docs.slack.dev/reference/methods/users.info
* conversations.open: https://docs.slack.dev/reference/methods/conversations.open
* views.open: https://docs.slack.dev/reference/methods/views.open
* chat.getPermalink: https://docs.slack.dev/reference/methods/chat.getPermalink
* auth.test: https://docs.slack.dev/reference/methods/auth.test
* errors and rate limits (HTTP 429 with Retry-After): https://docs.slack.dev/apis/web-api/rate-limits
* the slash command's form and its signature (the example request, secret and signature):
  https://docs.slack.dev/authentication/verifying-requests-from-slack
* the message shortcut payload: https://docs.slack.dev/interactivity/implementing-shortcuts
  and https://api.slack.com/reference/interaction-payloads/shortcuts
* the view_submission payload, response_action errors/update:
  https://docs.slack.dev/reference/interaction-payloads/view-interactions-payload
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

# The documentation's example: this secret, timestamp and body give this signature.
DOCS_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
DOCS_TIMESTAMP = 1531420618
DOCS_BODY = (
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&"
    "channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&"
    "command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands"
    "%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&"
    "trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
)
DOCS_SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TOKEN = "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy"

# The message shortcut payload of the docs (ids of the docs' workspace).
MESSAGE_SHORTCUT: dict[str, Any] = {
    "type": "message_action",
    "token": "XXXXXXXXXXXXX",
    "action_ts": "1564002367.361357",
    "team": {"id": "TXXXXXXXX", "domain": "shortcuts-test"},
    "user": {"id": "UXXXXXXXXX", "username": "aman", "team_id": "TXXXXXXXX"},
    "channel": {"id": "CXXXXXXXXX", "name": "general"},
    "callback_id": "add_to_timeline",
    "trigger_id": "944799105734.773906753841.38b5894552bdd4a780554ee59d1f3638",
    "message_ts": "1564002361.000500",
    "message": {
        "type": "message",
        "text": "Rolled back the config push, <@UXXXXXXXXX|aman> &amp; the error rate is down",
        "user": "UXXXXXXXXX",
        "ts": "1564002361.000500",
        "team": "TXXXXXXXX",
    },
    "response_url": "https://hooks.slack.com/app/TXXXXXXXX/715669458003/QpbiHXvfrPsWKURl1ktqDMzb",
}

# The view_submission payload of the docs; its view is replaced by the one Hansei opened.
VIEW_SUBMISSION: dict[str, Any] = {
    "type": "view_submission",
    "team": {"id": "T0MJRM1A7", "domain": "pandamonium"},
    "user": {"id": "U0MJRG1AL", "username": "jess", "name": "jess", "team_id": "T0MJRM1A7"},
    "api_app_id": "A0KRD7HC3",
    "token": "Shh_its_a_seekrit",
    "trigger_id": "12466734323.1395872398.1823jfc",
    "view": {
        "id": "V0PKB1ZFV",
        "team_id": "T0MJRM1A7",
        "type": "modal",
        "private_metadata": "shhh-its-secret",
        "callback_id": "modal-with-inputs",
        "state": {"values": {}},
        "hash": "156663117.cd33ad1f",
        "root_view_id": "V0PKB1ZFV",
        "app_id": "A0KRD7HC3",
        "bot_id": "B0JQ0J8M0",
    },
    "response_urls": [],
}

# users.lookupByEmail's and users.info's documented user, the id and address filled in.
DOCS_USER: dict[str, Any] = {
    "id": "W012A3CDE",
    "team_id": "T012AB3C4",
    "name": "spengler",
    "deleted": False,
    "color": "9f69e7",
    "real_name": "Egon Spengler",
    "tz": "America/Los_Angeles",
    "tz_label": "Pacific Daylight Time",
    "tz_offset": -25200,
    "profile": {
        "avatar_hash": "ge3b51ca72de",
        "status_text": "Print is dead",
        "status_emoji": ":books:",
        "real_name": "Egon Spengler",
        "display_name": "spengler",
        "real_name_normalized": "Egon Spengler",
        "display_name_normalized": "spengler",
        "email": "spengler@ghostbusters.example.com",
        "team": "T012AB3C4",
    },
    "is_admin": True,
    "is_owner": False,
    "is_primary_owner": False,
    "is_restricted": False,
    "is_ultra_restricted": False,
    "is_bot": False,
    "updated": 1502138686,
    "is_app_user": False,
    "has_2fa": False,
}


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    headers: dict[str, str]


@dataclass
class Failure:
    status: int = 200
    body: dict[str, Any] | bytes = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


class SlackApi:
    """The server's state: who is in the workspace, what was asked, what to fail next."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.people: dict[str, str] = {}  # Slack user id -> e-mail address
        self.failures: dict[str, list[Failure]] = {}  # method -> answers before succeeding
        self.delay = 0.0
        self.lock = threading.Lock()
        self.url = ""

    def called(self, method: str) -> list[Call]:
        with self.lock:
            return [call for call in self.calls if call.method == method]

    def fail(self, method: str, *failures: Failure) -> None:
        self.failures.setdefault(method, []).extend(failures)

    def answer(self, method: str, args: dict[str, Any]) -> Failure:
        with self.lock:
            queued = self.failures.get(method)
            if queued:
                return queued.pop(0)
        return Failure(200, self.success(method, args))

    def success(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method == "chat.postMessage":
            return {
                "ok": True,
                "channel": args.get("channel"),
                "ts": "1503435956.000247",
                "message": {
                    "text": args.get("text"),
                    "username": "ecto1",
                    "bot_id": "B123ABC456",
                    "type": "message",
                    "subtype": "bot_message",
                    "ts": "1503435956.000247",
                },
            }
        if method == "users.lookupByEmail":
            found = [i for i, mail in self.people.items() if mail == args.get("email")]
            if not found:
                return {"ok": False, "error": "users_not_found"}
            return {"ok": True, "user": self.user(found[0])}
        if method == "users.info":
            if args.get("user") not in self.people:
                return {"ok": False, "error": "user_not_found"}
            return {"ok": True, "user": self.user(str(args["user"]))}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D069C7QFK"}}
        if method == "views.open":
            view = args.get("view") or {}
            return {"ok": True, "view": {"id": "VMHU10V25", "team_id": "T8N4K1JN", **view}}
        if method == "chat.getPermalink":
            channel, ts = args.get("channel"), str(args.get("message_ts", ""))
            return {
                "ok": True,
                "channel": channel,
                "permalink": f"https://ghostbusters.slack.com/archives/{channel}/p"
                + ts.replace(".", ""),
            }
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://subarachnoiddomain.slack.com/",
                "team": "Subarachnoid Workspace",
                "user": "grace",
                "team_id": "T12345678",
                "user_id": "W12345678",
            }
        return {"ok": False, "error": "unknown_method"}

    def user(self, slack_id: str) -> dict[str, Any]:
        user = copy.deepcopy(DOCS_USER)
        user["id"] = slack_id
        user["profile"]["email"] = self.people[slack_id]
        return user


def _arguments(handler: BaseHTTPRequestHandler, body: bytes) -> dict[str, Any]:
    args: dict[str, Any] = dict(parse_qsl(urlsplit(handler.path).query))
    kind = handler.headers.get("Content-Type", "")
    if "json" in kind:
        args.update(json.loads(body or b"{}"))
    elif body:
        args.update(parse_qsl(body.decode()))
    for name, value in list(args.items()):
        # Form-encoded calls send blocks and views as JSON strings.
        if isinstance(value, str) and value[:1] in "[{":
            with contextlib.suppress(json.JSONDecodeError):
                args[name] = json.loads(value)
    return args


def make_handler(api: SlackApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            self.do_POST()

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            method = urlsplit(self.path).path.removeprefix("/api/")
            args = _arguments(self, body)
            with api.lock:
                api.calls.append(Call(method, args, dict(self.headers)))
            if api.delay:
                time.sleep(api.delay)
            answer = api.answer(method, args)
            html = isinstance(answer.body, bytes)
            raw = (
                answer.body if isinstance(answer.body, bytes) else json.dumps(answer.body).encode()
            )
            self.send_response(answer.status)
            kind = "text/html" if html else "application/json"
            self.send_header("Content-Type", f"{kind}; charset=utf-8")
            self.send_header("Content-Length", str(len(raw)))
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(raw)

    return Handler


def serve(port: int) -> Iterator[SlackApi]:
    api = SlackApi()
    server = ThreadingHTTPServer(("127.0.0.1", port), make_handler(api))
    server.daemon_threads = True
    api.url = f"http://127.0.0.1:{port}/api/"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield api
    finally:
        server.shutdown()
        server.server_close()


# --- Slack's requests to Hansei ---------------------------------------------------------------


def sign(body: str, *, secret: str = SECRET, timestamp: int | None = None) -> dict[str, str]:
    """The headers Slack sends with ``body``: v0, HMAC-SHA256 of "v0:<timestamp>:<body>"."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256)
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest.hexdigest()}"}


def slash_command_body(text: str, user_id: str = "U2CERLKJA") -> str:
    """The documentation's slash command, as ``/hansei <text>`` from ``user_id``."""
    fields = dict(parse_qsl(DOCS_BODY, keep_blank_values=True))
    fields.update(command="/hansei", text=text, user_id=user_id)
    return urlencode(fields)


def interaction_body(payload: dict[str, Any]) -> str:
    return urlencode({"payload": json.dumps(payload)})
