"""`hansei serve` and `hansei worker` as real processes, on a SQLite file of their own.

They always use SQLite in a temporary data directory: the test database of this process is
inside a transaction they could not see, and the demo must not leak into other tests.
"""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from hansei.demo.people import DEMO_PASSWORD

HANSEI = [sys.executable, "-c", "import sys; from hansei.cli.main import main; sys.exit(main())"]
STARTUP_TIMEOUT = 90


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Process:
    """A running `hansei` command whose output is collected line by line."""

    def __init__(self, args: list[str], data_dir: Path, **settings: str) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("HANSEI_")}
        env.update(HANSEI_DATA_DIR=str(data_dir), PYTHONUNBUFFERED="1", **settings)
        env.pop("DJANGO_SETTINGS_MODULE", None)
        self.proc = subprocess.Popen(
            [*HANSEI, *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.output: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)

    def wait_for(self, text: str, timeout: float = STARTUP_TIMEOUT) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                if self.proc.poll() is not None:
                    break
                continue
            self.output.append(line)
            if text in line:
                return line
        raise AssertionError(f"{text!r} not printed; output:\n{''.join(self.output)}")

    def stop(self, sig: signal.Signals, timeout: float = 30) -> int:
        self.proc.send_signal(sig)
        code = self.proc.wait(timeout)
        time.sleep(0.1)
        while not self.lines.empty():
            self.output.append(self.lines.get())
        return code

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


@pytest.fixture
def processes() -> Iterator[list[Process]]:
    started: list[Process] = []
    yield started
    for process in started:
        process.kill()


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read().decode()


def test_serve_runs_the_demo_and_stops_cleanly(tmp_path: Path, processes: list[Process]) -> None:
    port = _free_port()
    server = Process(["serve", "--demo", "--port", str(port)], tmp_path)
    processes.append(server)
    line = server.wait_for("Hansei is running at")
    url = f"http://127.0.0.1:{port}/"
    assert url in line
    server.wait_for("tomas")
    printed = "".join(server.output)
    assert f"emma    / {DEMO_PASSWORD}" in printed and "admin" in printed
    assert _get(url + "healthz") == (200, "ok")
    status, page = _get(url + "accounts/login/")
    assert status == 200 and "csrfmiddlewaretoken" in page
    assert server.stop(signal.SIGINT) == 0
    assert "Hansei stopped." in "".join(server.output)

    # Second start on the same data: the demo is not loaded again, and SIGTERM stops it.
    server = Process(["serve", "--demo", "--port", str(port), "--no-worker"], tmp_path)
    processes.append(server)
    server.wait_for("Hansei is running at")
    server.wait_for("tomas")
    assert "Loading demo data" not in "".join(server.output)
    assert "run `hansei worker` as well" in "".join(server.output)
    assert _get(url + "healthz")[0] == 200
    assert server.stop(signal.SIGTERM) == 0
    assert "Hansei stopped." in "".join(server.output)


def test_the_worker_stops_on_sigterm(tmp_path: Path, processes: list[Process]) -> None:
    migrate = Process(["migrate", "-v", "0"], tmp_path)
    assert migrate.proc.wait(60) == 0
    worker = Process(["worker"], tmp_path)
    processes.append(worker)
    worker.wait_for("worker started")
    assert worker.stop(signal.SIGTERM) == 0
    assert "worker stopped" in "".join(worker.output)


def test_serve_refuses_a_bad_port(tmp_path: Path) -> None:
    server = Process(["serve", "--port", "70000"], tmp_path)
    assert server.proc.wait(60) == 2
    server.wait_for("--port must be between 1 and 65535", timeout=5)


def test_serve_refuses_several_processes_without_redis(tmp_path: Path) -> None:
    """Live editing relays edits between web processes through Redis: without it, one."""
    server = Process(["serve", "--workers", "2"], tmp_path)
    assert server.proc.wait(60) == 2
    server.wait_for("--workers above 1 needs HANSEI_REDIS_URL", timeout=5)
