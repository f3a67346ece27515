"""The background queue's admin page: what failed and why, and trying it again."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hansei.core.jobs import enqueue
from hansei.core.models import Job

pytestmark = pytest.mark.django_db


def test_it_queues_failed_jobs_again_from_their_first_attempt(client: Client, ada: Any):
    failed = enqueue("notifications.send_email", {}, key="once")
    done = enqueue("notifications.send_email", {})
    assert failed is not None and done is not None
    Job.objects.filter(pk=failed.pk).update(
        failed=True, attempts=8, finished_at="2026-01-01T00:00Z", last_error="SMTP said no"
    )
    Job.objects.filter(pk=done.pk).update(finished_at="2026-01-01T00:00Z", attempts=1)
    client.force_login(ada)

    response = client.post(
        reverse("admin:core_job_changelist"),
        {"action": "retry", "_selected_action": [failed.pk, done.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert "1 job queued again." in response.content.decode()
    failed.refresh_from_db()
    assert (failed.failed, failed.attempts, failed.finished_at, failed.key) == (
        False,
        0,
        None,
        "once",
    )
    assert Job.objects.get(pk=done.pk).finished_at is not None


def test_only_admins_open_the_queue(client: Client, alice: Any):
    client.force_login(alice)

    response = client.get(reverse("admin:core_job_changelist"))

    assert response.status_code == 302
