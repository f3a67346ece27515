"""Server processes for the sign-in tests: Hansei under uvicorn on the test database, and a
real OpenID provider (``identity_provider``, django-oidc-provider) on ports of their own.

A test that starts a Hansei process must be ``django_db(transaction=True)``: the process
sees committed rows only."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from django.db import connection

from hansei.conftest import free_port

REPO = Path(__file__).resolve().parents[3]


def test_database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        return f"postgres://{db.get('USER') or 'postgres'}{password}@{host}:{port}/{db['NAME']}"
    return f"sqlite:///{Path(str(db['NAME'])).resolve()}"


class ServerProcess:
    """A child process serving HTTP on ``port``, ready once ``ready_path`` answers."""

    def __init__(self, command: list[str], env: dict[str, str], log: Path, port: int) -> None:
        self.command, self.env, self.log, self.port = command, env, log, port
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, ready_path: str) -> ServerProcess:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self.command, cwd=REPO, env=self.env, stdout=log, stderr=log
            )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.command} exited: {self.log.read_text()[-3000:]}")
            try:
                urllib.request.urlopen(f"{self.url}{ready_path}", timeout=2)
                return self
            except urllib.error.HTTPError:
                return self  # it answers
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.command} did not start: {self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def _child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HANSEI_")}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(extra)
    return env


def hansei_process(data_dir: Path, **settings: str) -> ServerProcess:
    """``uvicorn hansei.asgi:application`` on the test database; ``settings`` are more
    HANSEI_* variables."""
    port = free_port()
    env = _child_env(
        HANSEI_DATABASE_URL=test_database_url(),
        HANSEI_DATA_DIR=str(data_dir),
        HANSEI_LOG_LEVEL="WARNING",
        HANSEI_BASE_URL=f"http://127.0.0.1:{port}",
        **settings,
    )
    command = [sys.executable, "-m", "uvicorn", "hansei.asgi:application"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--no-access-log"]
    return ServerProcess(command, env, data_dir / f"hansei-{port}.log", port).start("/healthz")


class IdentityProvider:
    """The test OpenID provider in its own process; ``people`` and ``id_token`` go to the
    state file it reads on every request."""

    CLIENT_ID = "hansei-tests"
    CLIENT_SECRET = "a client secret for the tests"

    def __init__(self, data_dir: Path, *, rp_urls: list[str]) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.state_file = data_dir / "state.json"
        self.people: dict[str, dict[str, Any]] = {}
        self.id_token = "valid"
        self._write()
        client = {
            "client_id": self.CLIENT_ID,
            "client_secret": self.CLIENT_SECRET,
            "redirect_uris": [f"{url}/accounts/sso/callback/" for url in rp_urls],
            "post_logout_redirect_uris": [f"{url}/accounts/login/" for url in rp_urls],
        }
        port = free_port()
        env = _child_env(
            OP_PORT=str(port),
            OP_DATA_DIR=str(data_dir),
            OP_STATE=str(self.state_file),
            OP_CLIENT=json.dumps(client),
        )
        command = [sys.executable, "-m", "hansei.accounts.tests.identity_provider"]
        self.server = ServerProcess(command, env, data_dir / "provider.log", port)

    @property
    def issuer(self) -> str:
        return f"{self.server.url}/openid"

    def start(self) -> IdentityProvider:
        self.server.start("/openid/.well-known/openid-configuration")
        return self

    def stop(self) -> None:
        self.server.stop()

    def set_person(self, username: str, **claims: Any) -> None:
        self.people[username] = {**self.people.get(username, {}), **claims}
        self._write()

    def issue_id_tokens(self, kind: str) -> None:
        self.id_token = kind
        self._write()

    def _write(self) -> None:
        # Whole or not at all: the provider reads the file while the test writes it.
        partial = self.state_file.with_suffix(".tmp")
        partial.write_text(json.dumps({"people": self.people, "id_token": self.id_token}))
        partial.replace(self.state_file)
