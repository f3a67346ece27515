"""A database-backed job queue, in the healthchecks way.

``enqueue()`` inserts a row (inside the caller's transaction, so a rolled-back change sends
nothing). A worker claims a row with a conditional UPDATE: if no row was updated, another worker
got it first. Failed jobs are retried with exponential backoff up to ``max_attempts``.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from django.db import close_old_connections, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from hansei.core.models import Job

log = logging.getLogger(__name__)

# Job kinds and the dotted path of the function that runs them: f(payload) -> None.
HANDLERS: dict[str, str] = {
    "notifications.send_email": "hansei.notifications.jobs.send_email",
    # Invitations and password reset links, composed when sent (accounts/invitations).
    "accounts.invitation_email": "hansei.accounts.invitations.send_invitation_email",
    "accounts.password_reset_email": "hansei.accounts.invitations.send_password_reset_email",
    "notifications.email": "hansei.notifications.emails.send_notification_email",
    "notifications.digest": "hansei.notifications.emails.send_digest",
    "notifications.test_email": "hansei.notifications.jobs.send_test_email",
    # An announcement to one chat channel or outgoing webhook (integrations/chat).
    "integrations.chat": "hansei.integrations.chat.deliver.deliver",
    # A direct message in Slack (the notification center queues it when Slack is set up).
    "notifications.chat": "hansei.integrations.slack.transport.send_direct_message",
    # An action item's issue in its team's tracker: created, updated, read (integrations/trackers).
    "trackers.create": "hansei.integrations.trackers.sync.create_issue",
    "trackers.push": "hansei.integrations.trackers.sync.push_changes",
    "trackers.fetch": "hansei.integrations.trackers.sync.fetch_issue",
}


# Housekeeping: functions without arguments (dotted paths) a worker runs once when it starts,
# and every so many seconds after. Each is idempotent, so several workers may overlap.
AT_START: list[str] = [
    # Live text a killed server process had stored but not yet copied into the sections.
    "hansei.postmortems.document.live_text.materialize_stale",
]
PERIODIC: dict[str, float] = {
    # The same, for documents whose room's process died while others keep serving.
    "hansei.postmortems.document.live_text.sweep_unsaved_text": 30.0,
    # Due-soon and overdue reminders, waiting reviews, escalations (keys stop repeats).
    "hansei.notifications.reminders.send_reminders": 300.0,
    "hansei.notifications.digests.send_digests": 300.0,
    "hansei.notifications.digests.send_organisation_digest": 300.0,
    "hansei.integrations.chat.services.send_chat_digests": 300.0,
    # Postmortem of the month: each round whose voting window closed, announced once.
    "hansei.culture.awards.services.announce_due_rounds": 300.0,
    # Reading club sessions starting within a day: those coming are reminded once.
    "hansei.culture.reading.services.remind_due_sessions": 300.0,
}


class PermanentJobError(Exception):
    """Raised by a handler when retrying cannot help (bad payload, unknown recipient...)."""


def enqueue(
    kind: str,
    payload: dict[str, Any],
    *,
    delay: timedelta | None = None,
    key: str | None = None,
    max_attempts: int | None = None,
) -> Job | None:
    """Queue one job; None if ``key`` names a job already queued (or done)."""
    queued = enqueue_many(kind, [(key, payload)], delay=delay, max_attempts=max_attempts)
    return queued[0] if queued else None


def enqueue_many(
    kind: str,
    jobs: Sequence[tuple[str | None, dict[str, Any]]],
    *,
    delay: timedelta | None = None,
    max_attempts: int | None = None,
) -> list[Job]:
    """Queue ``(key, payload)`` jobs of one kind in one insert; those whose key is already
    queued (or done) are left out. The new jobs (those without a key first)."""
    if kind not in HANDLERS:
        raise ValueError(f"Unknown job kind: {kind}")
    keys = [key for key, _payload in jobs if key is not None]
    if len(set(keys)) != len(keys):
        raise ValueError("two jobs with the same key")
    taken = set(Job.objects.filter(key__in=keys).values_list("key", flat=True)) if keys else set()
    run_after = timezone.now() + (delay or timedelta(0))
    attempts = {"max_attempts": max_attempts} if max_attempts else {}
    keyless = [Job(kind=kind, payload=p, run_after=run_after, **attempts) for k, p in jobs if not k]
    keyed = [
        Job(kind=kind, key=k, payload=p, run_after=run_after, **attempts)
        for k, p in jobs
        if k and k not in taken
    ]
    queued = Job.objects.bulk_create(keyless)
    if keyed:
        # A key queued by a concurrent transaction since the read above: its insert waits for
        # that transaction and is then skipped, never doubled.
        Job.objects.bulk_create(keyed, ignore_conflicts=True)
        queued += Job.objects.filter(key__in=[job.key for job in keyed]).order_by("pk")
    return queued


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def claim_next(worker: str) -> Job | None:
    for job in Job.objects.due()[:5]:
        claimed = Job.objects.filter(pk=job.pk, claimed_at__isnull=True).update(
            claimed_at=timezone.now(), claimed_by=worker
        )
        if claimed:
            job.refresh_from_db()
            return job
    return None


def _handler(kind: str) -> Callable[[dict[str, Any]], None]:
    if kind not in HANDLERS:
        raise PermanentJobError(f"no handler for job kind {kind!r}")
    try:
        handler: Callable[[dict[str, Any]], None] = import_string(HANDLERS[kind])
        return handler
    except ImportError as exc:
        raise PermanentJobError(f"cannot load the handler of {kind!r}: {exc}") from exc


def _retry_after(exc: Exception) -> float:
    """The seconds a failure asks to wait (its ``retry_after``, up to an hour), or 0."""
    seconds = getattr(exc, "retry_after", 0)
    return min(3600.0, float(seconds)) if isinstance(seconds, int | float) and seconds > 0 else 0.0


def run_job(job: Job) -> None:
    job.attempts += 1
    try:
        # A kind without a handler fails the job on the row: raising here instead would leave
        # it claimed, then released by recover_stale_claims, and retried forever.
        handler = _handler(job.kind)
        with transaction.atomic():
            handler(job.payload)
    except Exception as exc:  # every failure is recorded on the row, never lost
        permanent = isinstance(exc, PermanentJobError) or job.attempts >= job.max_attempts
        log.warning("job %s failed (attempt %s): %s", job, job.attempts, exc)
        job.last_error = f"{exc.__class__.__name__}: {exc}"
        if permanent:
            job.failed = True
            job.finished_at = timezone.now()
        else:
            job.claimed_at = None
            job.claimed_by = ""
            # A failure may say when to try again (a rate limit's Retry-After): never sooner.
            wait = max(min(3600, 2**job.attempts * 5), _retry_after(exc))
            job.run_after = timezone.now() + timedelta(seconds=wait)
    else:
        job.finished_at = timezone.now()
        job.last_error = ""
    job.save()


def recover_stale_claims(older_than: timedelta = timedelta(minutes=10)) -> int:
    """Release jobs whose worker died mid-run so another worker picks them up.

    The abandoned run counts as an attempt: a job that kills its worker every time stops after
    ``max_attempts`` instead of being retried forever. Returns how many jobs were released.
    """
    now = timezone.now()
    stale = Job.objects.filter(finished_at__isnull=True, claimed_at__lt=now - older_than)
    stale.filter(attempts__gte=F("max_attempts") - 1).update(
        attempts=F("attempts") + 1,
        failed=True,
        finished_at=now,
        last_error="The worker stopped during the job too many times.",
    )
    return stale.update(attempts=F("attempts") + 1, claimed_at=None, claimed_by="", run_after=now)


def run_pending(limit: int | None = None) -> int:
    """Run due jobs until none is left (or ``limit``); returns how many ran."""
    worker = _worker_name()
    ran = 0
    while limit is None or ran < limit:
        job = claim_next(worker)
        if job is None:
            break
        run_job(job)
        ran += 1
    return ran


def _run_task(path: str) -> None:
    try:
        import_string(path)()
    except Exception:
        log.exception("housekeeping task %s failed", path)


def run_periodic(last_runs: dict[str, float]) -> None:
    """Run the AT_START tasks on the first call, then the PERIODIC ones that are due."""
    now = time.monotonic()
    if not last_runs:
        for path in AT_START:
            _run_task(path)
    for path, interval in PERIODIC.items():
        if path in last_runs and now - last_runs[path] < interval:
            continue
        last_runs[path] = now
        _run_task(path)


def work_forever(stop: threading.Event, poll_seconds: float = 1.0) -> None:
    last_recovery = 0.0
    last_runs: dict[str, float] = {}
    while not stop.is_set():
        close_old_connections()
        try:
            if time.monotonic() - last_recovery > 60:
                recover_stale_claims()
                last_recovery = time.monotonic()
            run_periodic(last_runs)
            ran = run_pending(limit=20)
        except Exception:
            log.exception("worker loop error")
            ran = 0
        if not ran:
            stop.wait(poll_seconds)
    close_old_connections()
