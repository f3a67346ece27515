"""A stand-in for a tracker's API: a real HTTP server on a free local port, in a thread, that
routes requests to a test's handlers (method and path pattern → status and JSON), records
every request, and can be taken down (``stop()``: connections refused, as in an outage) or
made to fail the next requests (``fail(503)``). Each tracker's tests build its documented
API on it."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from hansei.conftest import free_port


@dataclass
class Request:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


Handler = Callable[[re.Match[str], Request], tuple[int, Any]]


class FakeApi:
    def __init__(self) -> None:
        self.port = free_port()
        self.requests: list[Request] = []
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self._failures: list[int] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def route(self, method: str, pattern: str, handler: Handler) -> None:
        self._routes.append((method, re.compile(pattern + r"\Z"), handler))

    def fail(self, status: int, *, times: int = 1) -> None:
        """Answer the next ``times`` requests with ``status`` (and an error body)."""
        with self._lock:
            self._failures.extend([status] * times)

    def made(self, method: str, path_start: str = "") -> list[Request]:
        return [r for r in self.requests if r.method == method and r.path.startswith(path_start)]

    def start(self) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _answer(self, request: Request) -> tuple[int, Any]:
        with self._lock:
            self.requests.append(request)
            if self._failures:
                return self._failures.pop(0), {"message": "Service Unavailable"}
        for method, pattern, handler in self._routes:
            found = pattern.match(request.path)
            if method == request.method and found:
                return handler(found, request)
        return 404, {"message": "Not Found"}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                parts = urlsplit(self.path)
                request = Request(
                    self.command,
                    parts.path,
                    parts.query,
                    dict(self.headers),
                    self.rfile.read(length),
                )
                status, answer = api._answer(request)
                body = b"" if answer is None else json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _any

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler
