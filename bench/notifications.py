"""Notification center speed: fanning one publication out, and the worker's delivery rate.

    .venv/bin/python bench/notifications.py [--followers 10000] [--emails 300] [--rounds 5]
    HANSEI_DATABASE_URL=postgres://postgres@127.0.0.1:5432/hansei_bench_notify \\
        .venv/bin/python bench/notifications.py

It builds a throwaway database (SQLite in a temporary directory, or the PostgreSQL database
named by HANSEI_DATABASE_URL, flushed first), a team, ``--followers`` people following it and a
published postmortem of it, then measures, each in a transaction rolled back after the round:

1. **Fan-out**: ``announce_publication`` (who may read it, each person's channels, an inbox row
   and an e-mail job each, idempotency keys), against the reference: a bare ``bulk_create``
   of the same inbox rows and jobs, nothing checked. Milliseconds (median of ``--rounds``),
   SQL statements, and the ratio Hansei / reference.
2. **Delivery**: ``--emails`` queued e-mails sent by the worker (``run_pending``: claim, write
   the e-mail in the recipient's language, check they may still read it, send over SMTP,
   record) to a local aiosmtpd server, against the reference: a bare loop sending the same
   number of ready-made messages through Django's SMTP backend. Messages per second, ratio.
"""

from __future__ import annotations

import argparse
import logging
import os
import socket
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from timing import median_ms  # bench/timing.py (run as python bench/notifications.py)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _setup() -> None:
    if not os.environ.get("HANSEI_DATABASE_URL"):
        os.environ["HANSEI_DATA_DIR"] = tempfile.mkdtemp(prefix="hansei-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hansei.settings")
    os.environ["HANSEI_LOG_LEVEL"] = "WARNING"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        call_command("flush", "--no-input", verbosity=0)
    call_command("migrate", verbosity=0)


def _world(followers: int) -> Any:
    """A published postmortem of a team that ``followers`` people follow."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from hansei.accounts.models import Membership, Team, User
    from hansei.incidents.models import PostmortemPolicy, Severity
    from hansei.incidents.services import IncidentInput, create_incident
    from hansei.notifications.models import Subscription
    from hansei.postmortems.document.models import Revision
    from hansei.postmortems.document.services import create_postmortem, publish_postmortem
    from hansei.postmortems.template_library.builtin import load_builtin_data
    from hansei.postmortems.template_library.models import Template, TemplateSection
    from hansei.reviews.services import approve_review, submit_for_review

    load_builtin_data(Severity, PostmortemPolicy, Template, TemplateSection)
    team = Team.objects.create(name="Payments", slug="payments")
    author = User.objects.create_user("author", "author@example.com", role="member")
    Membership.objects.create(user=author, team=team, is_lead=True)
    reviewer = User.objects.create_user("reviewer", "reviewer@example.com", role="reviewer")
    password = make_password(None)
    people = User.objects.bulk_create(
        User(username=f"f{n}", email=f"f{n}@example.com", password=password)
        for n in range(followers)
    )
    Subscription.objects.bulk_create(Subscription(user=user, team=team) for user in people)
    now = timezone.now()
    incident = create_incident(
        actor=author,
        data=IncidentInput(
            title="Checkout failed",
            severity=Severity.objects.get(level=2),
            team=team,
            started_at=now - timedelta(hours=2),
            resolved_at=now - timedelta(hours=1),
        ),
    )
    postmortem = create_postmortem(actor=author, incident=incident)
    [review] = submit_for_review(actor=author, postmortem=postmortem, reviewers=[reviewer])
    approve_review(actor=reviewer, review=review, checklist=_full_checklist())
    publish_postmortem(actor=author, postmortem=postmortem)
    return Revision.objects.get(postmortem=postmortem)


def _full_checklist() -> dict[str, bool]:
    from hansei.reviews.models import CHECKLIST

    return {key: True for key, _label in CHECKLIST}


def _rolled_back(run: Any) -> Any:
    from django.db import transaction

    def once() -> None:
        with transaction.atomic():
            run()
            transaction.set_rollback(True)

    return once


def _queries(run: Any) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        _rolled_back(run)()
    return len(captured)


def fan_out(revision: Any, rounds: int) -> None:
    from hansei.core.models import Job
    from hansei.notifications.models import Notification, Subscription
    from hansei.notifications.services import announce_publication

    followers = list(Subscription.objects.values_list("user_id", flat=True))
    postmortem = revision.postmortem

    def hansei() -> None:
        announce_publication(revision=revision)

    def reference() -> None:
        Notification.objects.bulk_create(
            Notification(
                recipient_id=user_id,
                kind="published",
                postmortem=postmortem,
                text=postmortem.title,
                url="/",
                key=f"bench:{user_id}:inbox",
            )
            for user_id in followers
        )
        Job.objects.bulk_create(
            Job(kind="notifications.email", key=f"bench:{user_id}:email", payload={"r": user_id})
            for user_id in followers
        )

    # The publication itself already told everyone: start each round from a clean outbox.
    Notification.objects.all().delete()
    Job.objects.all().delete()
    ours = median_ms(_rolled_back(hansei), rounds)
    theirs = median_ms(_rolled_back(reference), rounds)
    print(f"fan-out to {len(followers):,} followers (median of {rounds})")
    print(f"  reference bulk insert  {theirs:9.1f} ms  {_queries(reference):5d} statements")
    print(f"  announce_publication   {ours:9.1f} ms  {_queries(hansei):5d} statements")
    print(f"  ratio                  {ours / theirs:9.2f} x")


def delivery(revision: Any, emails: int) -> None:
    from aiosmtpd.controller import Controller
    from django.conf import settings
    from django.core.mail import EmailMultiAlternatives
    from django.db import transaction

    from hansei.core.jobs import run_pending
    from hansei.core.models import Job
    from hansei.notifications.emails import compose
    from hansei.notifications.models import Notification, Subscription
    from hansei.notifications.services import announce_publication

    class Sink:
        count = 0

        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            Sink.count += 1
            return "250 OK"

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    port = _free_port()
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    try:
        Subscription.objects.exclude(
            pk__in=Subscription.objects.order_by("pk").values("pk")[:emails]
        ).delete()
        Notification.objects.all().delete()
        Job.objects.all().delete()
        with transaction.atomic():
            announce_publication(revision=revision)
        jobs = list(Job.objects.filter(kind="notifications.email"))
        ready = [compose(job.payload) for job in jobs]
        start = time.perf_counter()
        sent = run_pending()
        ours = sent / (time.perf_counter() - start)
        received = Sink.count

        start = time.perf_counter()
        for message in ready:
            assert message is not None
            EmailMultiAlternatives(
                subject=message.subject,
                body=message.body,
                to=message.to,
                alternatives=message.alternatives,
                headers=message.extra_headers,
            ).send()
        theirs = len(ready) / (time.perf_counter() - start)
    finally:
        controller.stop()
    print(f"delivery of {sent} e-mails over SMTP to a local aiosmtpd ({received} received)")
    print(f"  reference send loop    {theirs:9.1f} messages/s")
    print(f"  worker (run_pending)   {ours:9.1f} messages/s")
    print(f"  ratio                  {ours / theirs:9.2f} x (higher is better)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--followers", type=int, default=10_000)
    parser.add_argument("--emails", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    _setup()
    revision = _world(args.followers)
    fan_out(revision, args.rounds)
    delivery(revision, args.emails)


if __name__ == "__main__":
    main()
