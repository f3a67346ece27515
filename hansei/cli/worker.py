"""``hansei worker``: runs queued background jobs until SIGTERM or Ctrl-C."""

from __future__ import annotations

import argparse
import logging
import signal
import threading
from types import FrameType

log = logging.getLogger("hansei.worker")


def worker(args: argparse.Namespace) -> int:
    from hansei.core.jobs import recover_stale_claims, run_pending, run_periodic, work_forever

    if args.once:
        recover_stale_claims()
        run_periodic({})
        ran = run_pending()
        print(f"Ran {ran} job(s).")
        return 0
    stop = threading.Event()

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        log.info("received %s, finishing the current job", signal.Signals(signum).name)
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    log.info("worker started")
    try:
        work_forever(stop)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    log.info("worker stopped")
    return 0
