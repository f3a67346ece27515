"""bench/collab: Hansei's live-editing server against the reference Yjs servers.

Starts each server on a free loopback port, runs the same Node clients (bench.mjs) against it,
stops it, and prints every figure with Hansei/reference ratios measured in this run.

    bench/collab/run [--only hansei|reference|y-websocket|hocuspocus[,...]] [--quick]
                     [--json FILE] [--keep-logs] [--hansei-workers N]

Servers:
* Hansei: ``hansei serve`` on a fresh data directory (SQLite), or on PostgreSQL when
  HANSEI_DATABASE_URL is set (database ``hansei_bench_collab``, created when missing) and Redis
  when HANSEI_REDIS_URL is (database 14). Clients use y-websocket's WebsocketProvider on
  /ws/collab/postmortem-<id>?token=<API token>.
* y-websocket: ``npx y-websocket`` from @y/websocket-server 0.1.1, in memory, same provider.
* Hocuspocus: @hocuspocus/server 3 with no extensions (hocuspocus-server.mjs), in memory. Its
  protocol prefixes every message with the document name, so the stock y-websocket client cannot
  talk to it: its clients use @hocuspocus/provider, with the same client logic otherwise.

Nothing is downloaded at run time: ``npm ci`` (from the committed lockfile) runs only when
node_modules is missing.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
VENV = ROOT / ".venv" / "bin"
SERVERS = ["hansei", "y-websocket", "hocuspocus"]
BENCH_DATABASE = "hansei_bench_collab"  # bench/search.py drops hansei_bench
BENCH_REDIS_DB = 14
ROOMS_NEEDED = 110  # memory 1, converge 1, latency 3, many 100, and a few to spare

# (key, label, how to format) — every figure is "lower is better".
ROWS = [
    ("converge_4x500_ms", "4 clients x 500 edits: all equal after (ms, median of 3)", "{:.0f}"),
    ("latency_2_p50_ms", "edit-to-peer, 2 clients: p50 (ms)", "{:.2f}"),
    ("latency_2_p99_ms", "edit-to-peer, 2 clients: p99 (ms)", "{:.2f}"),
    ("latency_10_p50_ms", "edit-to-peer, 10 clients: p50 (ms)", "{:.2f}"),
    ("latency_10_p99_ms", "edit-to-peer, 10 clients: p99 (ms)", "{:.2f}"),
    ("latency_50_p50_ms", "edit-to-peer, 50 clients: p50 (ms)", "{:.2f}"),
    ("latency_50_p99_ms", "edit-to-peer, 50 clients: p99 (ms)", "{:.2f}"),
    ("many_converge_s", "100 docs x 3 clients: all equal after (s)", "{:.2f}"),
    ("many_drain_ms", "100 docs x 3 clients: equal after last edit (ms)", "{:.1f}"),
    ("many_p50_ms", "100 docs x 3 clients: edit-to-peer p50 (ms)", "{:.2f}"),
    ("many_p99_ms", "100 docs x 3 clients: edit-to-peer p99 (ms)", "{:.2f}"),
    ("mem_idle_mib", "server RSS, no connection (MiB)", "{:.1f}"),
    ("mem_per_conn_kib", "server RSS per idle connection (KiB)", "{:.1f}"),
]


def log(message: str) -> None:
    print(f"[bench/collab] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, proc: subprocess.Popen[bytes], timeout: float, logfile: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"server exited with {proc.returncode}; see {logfile}:\n" + tail(logfile)
            )
        with socket.socket() as sock:
            sock.settimeout(0.5)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port} after {timeout:.0f} s; see {logfile}")


def tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def group_members(pgid: int) -> list[int]:
    """Live processes of process group ``pgid`` (from /proc)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(entry.name))
    return members


def stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM the server's own process group (npx leaves its node child behind otherwise),
    then SIGKILL whatever of that group is still there."""
    if proc.poll() is not None:
        return
    members = group_members(proc.pid)
    with suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        left = [pid for pid in members if pid in group_members(proc.pid)]
        if not left:
            return
        time.sleep(0.1)
    for pid in left:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def ensure_node_modules() -> None:
    if (HERE / "node_modules" / ".package-lock.json").exists():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm is not on PATH (Node 20 is needed)")
    log("node_modules missing: npm ci")
    subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True, stdout=sys.stderr)


@dataclass
class Running:
    kind: str
    proc: subprocess.Popen[bytes]
    url: str
    pid_match: str | None = None
    token: str | None = None
    rooms: list[str] | None = None
    workdir: Path | None = None
    logfile: Path | None = None
    notes: list[str] = field(default_factory=list)


# --- the servers ---------------------------------------------------------------------------


def start_reference(kind: str, workdir: Path) -> Running:
    port = free_port()
    env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port)}
    logfile = workdir / f"{kind}.log"
    if kind == "y-websocket":
        cmd = ["npx", "--no-install", "y-websocket"]
        pid_match = "node_modules/.bin/y-websocket"  # the node process, not npm exec
    else:
        cmd = ["node", "hocuspocus-server.mjs"]
        pid_match = None
    with logfile.open("wb") as out:
        proc = subprocess.Popen(
            cmd,
            cwd=HERE,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    wait_for_port(port, proc, 30, logfile)
    return Running(kind, proc, f"ws://127.0.0.1:{port}", pid_match=pid_match, logfile=logfile)


def bench_database_url(url: str) -> str:
    """The same server as HANSEI_DATABASE_URL, database BENCH_DATABASE (created if missing)."""
    import psycopg

    parts = urlsplit(url)
    bench = urlunsplit(parts._replace(path=f"/{BENCH_DATABASE}"))
    admin = urlunsplit(parts._replace(path="/postgres"))  # the maintenance database
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DATABASE]
        ).fetchone()
        if not exists:
            log(f"creating database {BENCH_DATABASE}")
            conn.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')
    return bench


def bench_redis_url(url: str) -> str:
    """The same Redis, database number BENCH_REDIS_DB: the bench's group messages must not reach
    a test suite using the usual database (rooms are named after postmortem ids)."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{BENCH_REDIS_DB}"))


def start_hansei(workdir: Path, workers: int) -> Running:
    hansei = VENV / "hansei"
    python = VENV / "python"
    if not hansei.exists():
        raise RuntimeError(f"{hansei} is missing: install the project into .venv first")
    data = workdir / "hansei-data"
    data.mkdir()
    env = {**os.environ, "HANSEI_DATA_DIR": str(data), "DJANGO_SETTINGS_MODULE": "hansei.settings"}
    notes = []
    if os.environ.get("HANSEI_DATABASE_URL"):
        env["HANSEI_DATABASE_URL"] = bench_database_url(os.environ["HANSEI_DATABASE_URL"])
        notes.append(f"Hansei on PostgreSQL (database {BENCH_DATABASE})")
    else:
        notes.append("Hansei on SQLite (fresh data directory)")
    if os.environ.get("HANSEI_REDIS_URL"):
        env["HANSEI_REDIS_URL"] = bench_redis_url(os.environ["HANSEI_REDIS_URL"])
        notes.append(f"Hansei with Redis (database {BENCH_REDIS_DB}) as its channel layer")
    if workers > 1:
        notes.append(f"Hansei with {workers} server processes (RSS summed over them)")
    logfile = workdir / "hansei.log"
    with logfile.open("ab") as out:
        subprocess.run(
            [str(hansei), "migrate", "--noinput"],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        made = subprocess.run(
            [str(python), str(HERE / "setup_hansei.py"), "--postmortems", str(ROOMS_NEEDED)],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.PIPE,
            stderr=out,
        )
    setup = json.loads(made.stdout.decode().strip().splitlines()[-1])
    port = free_port()
    with logfile.open("ab") as out:
        proc = subprocess.Popen(
            [
                str(hansei),
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(workers),
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    wait_for_port(port, proc, 60, logfile)
    return Running(
        "hansei",
        proc,
        f"ws://127.0.0.1:{port}/ws/collab",
        token=setup["token"],
        rooms=setup["rooms"],
        workdir=workdir,
        logfile=logfile,
        notes=notes,
    )


@contextmanager
def server(kind: str, workdir: Path, workers: int) -> Iterator[Running]:
    running = start_hansei(workdir, workers) if kind == "hansei" else start_reference(kind, workdir)
    try:
        yield running
    finally:
        stop(running.proc)


def run_clients(running: Running, workdir: Path, quick: bool) -> dict:
    cmd = [
        "node",
        str(HERE / "bench.mjs"),
        "--kind",
        running.kind,
        "--url",
        running.url,
        "--pid",
        str(running.proc.pid),
    ]
    if running.pid_match:
        cmd += ["--pid-match", running.pid_match]
    if running.token:
        cmd += ["--token", running.token]
    if running.rooms:
        rooms_file = workdir / f"{running.kind}-rooms.json"
        rooms_file.write_text(json.dumps(running.rooms))
        cmd += ["--rooms", str(rooms_file)]
    if quick:
        cmd.append("--quick")
    done = subprocess.run(cmd, cwd=HERE, stdout=subprocess.PIPE, timeout=1200)
    lines = done.stdout.decode().strip().splitlines()
    if done.returncode != 0 or not lines:
        error = f"the clients exited with {done.returncode}"
        return {"kind": running.kind, "results": {}, "errors": {"clients": error}}
    return json.loads(lines[-1])


# --- the table -----------------------------------------------------------------------------


def ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or not math.isfinite(a) or not math.isfinite(b) or b <= 0:
        return "-"
    if a < 0:
        return "-"
    return f"{a / b:.2f}x"


def table(outcomes: dict[str, dict], quick: bool) -> str:
    def value(kind: str, key: str) -> float | None:
        got = outcomes.get(kind, {}).get("results", {}).get(key)
        return None if got is None or got.get("value") is None else float(got["value"])

    header = ["scenario", "Hansei", "y-websocket", "hocuspocus", "Hansei/y-ws", "Hansei/hocus"]
    rows = [header]
    for key, label, fmt in ROWS:
        values = [value(kind, key) for kind in SERVERS]
        cells = [label] + ["-" if v is None else fmt.format(v) for v in values]
        cells += [ratio(values[0], values[1]), ratio(values[0], values[2])]
        rows.append(cells)
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = []
    for n, r in enumerate(rows):
        lines.append(
            "  ".join(c.ljust(widths[0]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(r))
        )
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def notes(outcomes: dict[str, dict], runs: dict[str, Running], quick: bool) -> list[str]:
    out = [
        "Ratios are Hansei / reference from this run; every figure is lower-is-better.",
        "Hansei and y-websocket are driven by y-websocket's WebsocketProvider; Hocuspocus by "
        "@hocuspocus/provider, because its protocol prefixes every message with the document "
        "name (the stock y-websocket client cannot talk to it). Same client logic otherwise.",
        "All clients share one Node process, the server another, on a 2-core machine; "
        "latencies include client-side processing (visible at 50 clients).",
        "Memory: VmRSS of the server process (Hansei: all its processes) with no connection "
        "vs 200 idle clients synced to ONE shared document, divided by 200.",
        "100 docs x 3 clients: every client types a tagged edit every 200 ms on average "
        f"({5 if quick else 20} edits each); 'all equal after' counts from the first edit.",
    ]
    if quick:
        out.append("--quick: fewer edits and samples than the figures in the README.")
    for kind, running in runs.items():
        out += [f"{kind}: {n}" for n in running.notes]
    for kind, outcome in outcomes.items():
        for scenario, error in outcome.get("errors", {}).items():
            out.append(f"{kind}: {scenario} FAILED: {error}")
        conv = outcome.get("results", {}).get("converge_4x500_ms")
        if conv is not None and not conv.get("equal", False):
            out.append(f"{kind}: the 4 documents were NOT equal")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--only", default="", help="comma list of hansei, y-websocket, hocuspocus, or 'reference'"
    )
    parser.add_argument("--quick", action="store_true", help="a fast smoke run")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument(
        "--hansei-workers",
        type=int,
        default=1,
        help="hansei serve --workers (more than 1 needs HANSEI_REDIS_URL)",
    )
    parser.add_argument("--keep-logs", action="store_true", help="keep the servers' logs")
    args = parser.parse_args()

    chosen = set()
    for name in filter(None, (n.strip() for n in args.only.split(","))):
        if name == "reference":
            chosen |= {"y-websocket", "hocuspocus"}
        elif name in SERVERS:
            chosen.add(name)
        else:
            parser.error(f"unknown server {name!r}")
    kinds = [k for k in SERVERS if k in (chosen or set(SERVERS))]

    ensure_node_modules()
    workdir = Path(tempfile.mkdtemp(prefix="hansei-bench-collab-"))
    outcomes: dict[str, dict] = {}
    runs: dict[str, Running] = {}
    try:
        for kind in kinds:
            log(f"{kind}: starting")
            try:
                with server(kind, workdir, args.hansei_workers) as running:
                    runs[kind] = running
                    log(f"{kind}: listening at {running.url}; running the clients")
                    outcomes[kind] = run_clients(running, workdir, args.quick)
            except Exception as exc:  # one server failing must not hide the others' figures
                log(f"{kind}: {exc}")
                outcomes[kind] = {"kind": kind, "results": {}, "errors": {"server": str(exc)}}
    finally:
        if args.keep_logs:
            log(f"logs kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    print(table(outcomes, args.quick))
    print()
    for line in notes(outcomes, runs, args.quick):
        print(f"* {line}")
    if args.json:
        args.json.write_text(json.dumps(outcomes, indent=2) + "\n")
    failed = any(o.get("errors") for o in outcomes.values())
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
