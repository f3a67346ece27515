from __future__ import annotations

from django.db import models
from django.utils import timezone


class JobQuerySet(models.QuerySet["Job"]):
    def due(self) -> JobQuerySet:
        return self.filter(finished_at__isnull=True, claimed_at__isnull=True).filter(
            run_after__lte=timezone.now()
        )


class Job(models.Model):
    """A unit of background work. Workers claim a row with a conditional UPDATE.

    ``kind`` names a handler in ``hansei.core.jobs.HANDLERS``; ``payload`` is its JSON input.
    """

    kind = models.CharField(max_length=100)
    payload = models.JSONField(default=dict)
    run_after = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=8)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=100, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    failed = models.BooleanField(default=False)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["run_after", "id"]
        indexes = [models.Index(fields=["finished_at", "claimed_at", "run_after"])]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"
