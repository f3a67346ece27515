"""``hansei serve``: the embedded setup in one process.

Runs migrations, optionally loads the demo data into an empty site, starts a background job
thread (unless ``--no-worker``) and serves ``hansei.asgi:application`` with uvicorn. SIGINT
(Ctrl-C) and SIGTERM stop the server gracefully, then the job thread, then the process exits 0.
"""

from __future__ import annotations

import argparse
import logging
import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

from hansei.cli.errors import CommandFailed

log = logging.getLogger("hansei.serve")
APP = "hansei.asgi:application"
# Every uvicorn server this command starts: no lifespan events (Django has none), and no
# "Server: uvicorn" header telling the world what answers.
UVICORN: dict[str, Any] = {"lifespan": "off", "server_header": False}


def display_url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in {"", "0.0.0.0"} else "[::1]" if host == "::" else host
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def prepare_database(*, demo: bool) -> list[str]:
    """Migrate; load the demo into a site without users. Returns the demo logins, if any."""
    from django.db import connections

    from hansei.accounts.models import User
    from hansei.cli.main import migrate
    from hansei.demo.data import demo_logins, load_demo

    migrate()
    if demo and not User.objects.exists():
        print("Loading demo data...", flush=True)
        load_demo()
    logins = demo_logins()
    # The server's threads open their own connections; don't leak this one into them.
    connections.close_all()
    return logins


def announce(url: str, *, logins: list[str], worker: bool) -> None:
    lines = [f"Hansei is running at {url}  (Ctrl-C to stop)"]
    if not worker:
        lines.append("No background worker in this process: run `hansei worker` as well.")
    if logins:
        lines.append("Demo logins (username / password):")
        lines += [f"  {line}" for line in logins]
    print("\n".join(lines), flush=True)


class JobThread:
    """``hansei.core.jobs.work_forever`` in a thread, stopped through a threading.Event."""

    def __init__(self) -> None:
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="hansei-worker", daemon=True)

    def _run(self) -> None:
        from hansei.core.jobs import work_forever

        work_forever(self.stop)

    def start(self) -> None:
        self.thread.start()

    def shutdown(self, timeout: float = 30) -> None:
        self.stop.set()
        self.thread.join(timeout)
        if self.thread.is_alive():
            log.warning("the job thread did not stop within %ss", timeout)


def _validate(args: argparse.Namespace) -> None:
    if not 0 < args.port < 65536:
        raise CommandFailed(f"--port must be between 1 and 65535, not {args.port}")
    if args.workers < 1:
        raise CommandFailed("--workers must be 1 or more")
    from django.conf import settings

    if args.workers > 1 and not settings.REDIS_URL:
        raise CommandFailed(
            "--workers above 1 needs HANSEI_REDIS_URL: live editing relays edits between "
            "web processes through Redis"
        )


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    _validate(args)
    logins = prepare_database(demo=args.demo)
    url = display_url(args.host, args.port)
    jobs = None if args.no_worker else JobThread()

    def on_started() -> None:
        announce(url, logins=logins, worker=jobs is not None)

    # uvicorn restores these after its graceful shutdown and re-raises the signal it caught:
    # they turn that into a normal return instead of a KeyboardInterrupt or a kill by SIGTERM.
    stopping = threading.Event()

    def request_stop(_signum: int, _frame: FrameType | None) -> None:
        stopping.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    if jobs is not None:
        jobs.start()
    try:
        if args.workers > 1:
            on_started()  # the supervisor starts the processes; it has no "listening" hook
            uvicorn.run(APP, host=args.host, port=args.port, workers=args.workers, **UVICORN)
        else:
            config = uvicorn.Config(APP, host=args.host, port=args.port, **UVICORN)
            server = _announcing_server(config, on_started)
            try:
                server.run()
            except SystemExit as exc:  # uvicorn exits 1 when it cannot bind
                raise CommandFailed(
                    f"could not listen on {args.host}:{args.port} (is the port in use?)"
                ) from exc
    finally:
        if jobs is not None:
            jobs.shutdown()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    print("Hansei stopped.", flush=True)
    return 0


def _announcing_server(config: Any, on_started: Callable[[], None]) -> Any:
    """A uvicorn Server that prints the URL and logins once it is really listening."""
    import uvicorn

    class AnnouncingServer(uvicorn.Server):
        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets=sockets)
            if not self.should_exit:
                on_started()

    return AnnouncingServer(config)
