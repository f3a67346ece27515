from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from hansei.accounts.models import Team
from hansei.core import jobs
from hansei.core.jobs import (
    PermanentJobError,
    claim_next,
    enqueue,
    recover_stale_claims,
    run_job,
    run_pending,
)
from hansei.core.models import Job, JobQuerySet

pytestmark = pytest.mark.django_db

CALLS: list[dict[str, Any]] = []


def record_handler(payload: dict[str, Any]) -> None:
    CALLS.append(payload)


def failing_handler(payload: dict[str, Any]) -> None:
    Team.objects.create(name="Half-written", slug="half-written")
    raise RuntimeError("upstream said no")


def permanent_handler(payload: dict[str, Any]) -> None:
    raise PermanentJobError("no such recipient")


@pytest.fixture(autouse=True)
def test_handlers(monkeypatch: pytest.MonkeyPatch) -> None:
    CALLS.clear()
    for kind in ("record", "failing", "permanent"):
        monkeypatch.setitem(jobs.HANDLERS, f"test.{kind}", f"{__name__}.{kind}_handler")


def test_it_refuses_an_unknown_kind():
    with pytest.raises(ValueError):
        enqueue("test.nothing", {})

    assert Job.objects.count() == 0


def test_it_runs_a_due_job_once():
    job = enqueue("test.record", {"n": 1})

    assert run_pending() == 1
    assert run_pending() == 0

    stored = Job.objects.get(pk=job.pk)
    assert CALLS == [{"n": 1}]
    assert stored.finished_at is not None
    assert stored.attempts == 1
    assert stored.failed is False
    assert stored.last_error == ""


def test_a_delayed_job_waits():
    enqueue("test.record", {}, delay=timedelta(minutes=5))

    assert run_pending() == 0
    assert CALLS == []


def test_run_pending_stops_at_the_limit():
    for n in range(3):
        enqueue("test.record", {"n": n})

    assert run_pending(limit=2) == 2
    assert [c["n"] for c in CALLS] == [0, 1]
    assert Job.objects.filter(finished_at__isnull=True).count() == 1


def test_a_claim_is_exclusive():
    job = enqueue("test.record", {})

    first = claim_next("worker-a")
    second = claim_next("worker-b")

    assert first is not None and first.pk == job.pk
    assert first.claimed_by == "worker-a"
    assert second is None
    assert Job.objects.get(pk=job.pk).claimed_by == "worker-a"


def test_a_worker_that_saw_a_job_before_another_claimed_it_does_not_get_it(monkeypatch):
    job = enqueue("test.record", {})
    seen_by_a = list(Job.objects.due())
    assert claim_next("worker-b").pk == job.pk
    monkeypatch.setattr(JobQuerySet, "due", lambda self: seen_by_a)

    assert claim_next("worker-a") is None
    assert Job.objects.get(pk=job.pk).claimed_by == "worker-b"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_never_run_the_same_job():
    total = 40
    for n in range(total):
        enqueue("test.record", {"n": n})
    claimed: list[list[int]] = [[] for _ in range(4)]
    start = threading.Barrier(4)

    def work(index: int) -> None:
        try:
            start.wait()
            while (job := claim_next(f"worker-{index}")) is not None:
                claimed[index].append(job.pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    everything = [pk for pks in claimed for pk in pks]
    assert len(everything) == len(set(everything)) == total
    assert Job.objects.filter(claimed_at__isnull=True).count() == 0


def test_a_failure_is_recorded_and_retried_later_with_backoff():
    job = enqueue("test.failing", {})
    before = timezone.now()

    assert run_pending() == 1

    stored = Job.objects.get(pk=job.pk)
    assert stored.attempts == 1
    assert stored.failed is False
    assert stored.finished_at is None
    assert stored.claimed_at is None
    assert stored.last_error == "RuntimeError: upstream said no"
    assert stored.run_after >= before + timedelta(seconds=10)
    assert not Team.objects.filter(slug="half-written").exists()

    Job.objects.filter(pk=job.pk).update(run_after=timezone.now())
    run_pending()
    again = Job.objects.get(pk=job.pk)
    assert again.attempts == 2
    assert again.run_after - timezone.now() > timedelta(seconds=15)


def test_it_gives_up_after_the_last_attempt():
    job = enqueue("test.failing", {})
    Job.objects.filter(pk=job.pk).update(attempts=7)

    run_pending()

    stored = Job.objects.get(pk=job.pk)
    assert stored.attempts == 8
    assert stored.failed is True
    assert stored.finished_at is not None
    assert "upstream said no" in stored.last_error


def test_a_permanent_error_is_not_retried():
    job = enqueue("test.permanent", {})

    run_pending()

    stored = Job.objects.get(pk=job.pk)
    assert (stored.failed, stored.attempts) == (True, 1)
    assert stored.finished_at is not None
    assert stored.last_error == "PermanentJobError: no such recipient"


def test_a_job_whose_handler_is_gone_fails_instead_of_staying_claimed():
    job = Job.objects.create(kind="removed.kind", payload={})

    assert run_pending() == 1

    stored = Job.objects.get(pk=job.pk)
    assert stored.failed is True
    assert stored.finished_at is not None
    assert "removed.kind" in stored.last_error


def test_stale_claims_are_recovered():
    stale = enqueue("test.record", {"n": "stale"})
    fresh = enqueue("test.record", {"n": "fresh"})
    done = enqueue("test.record", {"n": "done"})
    now = timezone.now()
    Job.objects.filter(pk=stale.pk).update(claimed_at=now - timedelta(minutes=11), claimed_by="x")
    Job.objects.filter(pk=fresh.pk).update(claimed_at=now - timedelta(minutes=1), claimed_by="y")
    Job.objects.filter(pk=done.pk).update(
        claimed_at=now - timedelta(hours=1), claimed_by="z", finished_at=now
    )

    assert recover_stale_claims() == 1

    assert Job.objects.get(pk=stale.pk).claimed_at is None
    assert Job.objects.get(pk=stale.pk).claimed_by == ""
    assert Job.objects.get(pk=fresh.pk).claimed_by == "y"
    assert run_pending() == 1
    assert CALLS == [{"n": "stale"}]


def test_a_job_that_keeps_killing_its_worker_stops_after_max_attempts():
    job = enqueue("test.record", {"n": "crashes"})
    Job.objects.filter(pk=job.pk).update(max_attempts=3)
    for _round in range(3):
        claimed = claim_next("doomed-worker")
        assert claimed is not None and claimed.pk == job.pk  # then the worker dies mid-run
        Job.objects.filter(pk=job.pk).update(claimed_at=timezone.now() - timedelta(minutes=11))
        recover_stale_claims()

    stored = Job.objects.get(pk=job.pk)
    assert (stored.attempts, stored.failed) == (3, True)
    assert stored.finished_at is not None
    assert "stopped during the job" in stored.last_error
    assert claim_next("next-worker") is None


def test_run_job_counts_the_attempt():
    job = enqueue("test.record", {"n": 1})

    run_job(claim_next("w"))

    assert Job.objects.get(pk=job.pk).attempts == 1


def test_it_queues_a_keyed_job_once():
    first = enqueue("test.record", {"n": 1}, key="published:1:alice:email")
    again = enqueue("test.record", {"n": 2}, key="published:1:alice:email")

    assert first is not None and again is None
    assert run_pending() == 1
    assert CALLS == [{"n": 1}]
    # Done is still taken: the same message is not sent again later.
    assert enqueue("test.record", {"n": 3}, key="published:1:alice:email") is None


def test_it_queues_many_in_one_insert_leaving_out_the_keys_already_taken(
    django_assert_max_num_queries: Any,
):
    enqueue("test.record", {"n": 0}, key="k0")
    batch: list[tuple[str | None, dict[str, Any]]] = [(f"k{n}", {"n": n}) for n in range(50)]
    with django_assert_max_num_queries(4):
        queued = jobs.enqueue_many("test.record", [*batch, (None, {"n": "free"})])

    assert len(queued) == 50
    assert Job.objects.filter(kind="test.record").count() == 51
    assert sorted(job.payload["n"] for job in queued if job.key) == list(range(1, 50))


def test_it_refuses_two_jobs_with_one_key_in_a_batch():
    with pytest.raises(ValueError):
        jobs.enqueue_many("test.record", [("same", {}), ("same", {})])

    assert Job.objects.count() == 0


def test_a_job_may_ask_for_more_attempts():
    job = enqueue("test.failing", {}, max_attempts=20)

    assert job is not None and job.max_attempts == 20
