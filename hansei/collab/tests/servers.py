"""Hansei server processes on the test database, and stock Yjs Node clients to talk to them.

Tests that use these must be ``django_db(transaction=True)``: the server processes only see
committed rows."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

from hansei.conftest import free_port

REPO = Path(__file__).resolve().parents[3]
NODE_CLIENT = REPO / "frontend" / "tests" / "yclient.mjs"


def worker_redis_url(url: str) -> str:
    """Each pytest-xdist worker's servers on a Redis database of their own: the workers'
    test databases number their postmortems alike, so on one shared channel layer the rooms
    of one worker would receive the other's edits."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    base = url.rsplit("/", 1)[0] if url.rsplit("/", 1)[-1].isdigit() else url.rstrip("/")
    return f"{base}/{8 + int(worker or 0) % 8}"


def test_database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
        user = db.get("USER") or "postgres"
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"
    name = str(db["NAME"])
    if "memory" in name or not name:
        raise RuntimeError("server processes need a file database, not an in-memory one")
    return f"sqlite:///{Path(name).resolve()}"


def eventually(check: Callable[[], bool], timeout: float = 30.0) -> bool:
    """Whether ``check`` comes true within ``timeout`` seconds: for what a server does in its
    own time (a debounced save), on a machine whose load nobody knows. Not a measurement."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


class HanseiServer:
    """``uvicorn hansei.asgi:application`` in a child process."""

    def __init__(self, data_dir: Path, port: int | None = None, **env: str) -> None:
        self.port = port or free_port()
        self.data_dir = data_dir
        self.env = env
        self.process: subprocess.Popen[bytes] | None = None
        self.log = data_dir / f"server-{self.port}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/collab"

    def start(self) -> HanseiServer:
        env = dict(os.environ)
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        env.update(
            HANSEI_DATABASE_URL=test_database_url(),
            HANSEI_DATA_DIR=str(self.data_dir),
            HANSEI_COLLAB_SAVE_DELAY="0.3",
            HANSEI_COLLAB_CATCHUP_INTERVAL="1",
            HANSEI_LOG_LEVEL="WARNING",
        )
        if settings.REDIS_URL:
            env["HANSEI_REDIS_URL"] = worker_redis_url(settings.REDIS_URL)
        env.update(self.env)
        command = [sys.executable, "-m", "uvicorn", "hansei.asgi:application"]
        command += ["--host", "127.0.0.1", "--port", str(self.port), "--no-access-log"]
        command += ["--no-server-header"]  # as `hansei serve` runs it
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=log)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited: {self.log.read_text()[-3000:]}")
            try:
                urllib.request.urlopen(f"{self.url}/healthz", timeout=2)
                return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"the server did not start: {self.log.read_text()[-3000:]}")

    def log_tail(self) -> str:
        """The end of what the server wrote: for a failing assertion's message."""
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush, nothing but what is already in the database."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


class YClient:
    """A Node process running yjs + y-websocket, the stock client, as ``frontend/tests``
    drives it."""

    def __init__(self, server_url: str, room: str, token: str) -> None:
        self.process = subprocess.Popen(
            ["node", str(NODE_CLIENT), server_url, room, token],
            cwd=NODE_CLIENT.parent,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def __call__(self, op: str, **args: Any) -> dict[str, Any]:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(json.dumps({"op": op, **args}) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            error = self.process.stderr.read() if self.process.stderr else ""
            raise RuntimeError(f"the Node client died: {error[-2000:]}")
        answer: dict[str, Any] = json.loads(line)
        if "error" in answer:
            raise RuntimeError(answer["error"])
        return answer

    def text(self, key: str) -> str:
        return str(self("text", key=key)["text"])

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                self("quit")
                self.process.wait(5)
            except (RuntimeError, OSError, ValueError, subprocess.TimeoutExpired):
                self.process.kill()
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if stream:
                stream.close()
