from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hansei.postmortems.document.models import Postmortem


class ActionKind(models.TextChoices):
    MITIGATE = "mitigate", _("Mitigate")
    PREVENT = "prevent", _("Prevent")
    DETECT = "detect", _("Detect")
    REPAIR = "repair", _("Repair")
    INVESTIGATE = "investigate", _("Investigate")
    PROCESS = "process", _("Process")


class Priority(models.TextChoices):
    P0 = "P0", _("P0 — now")
    P1 = "P1", _("P1 — this sprint")
    P2 = "P2", _("P2 — this quarter")
    P3 = "P3", _("P3 — when possible")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    WONT_DO = "wont_do", _("Won't do")


CLOSED_STATUSES = (ActionStatus.DONE, ActionStatus.WONT_DO)


class ActionItemQuerySet(models.QuerySet["ActionItem"]):
    def unfinished(self) -> ActionItemQuerySet:
        return self.exclude(status__in=CLOSED_STATUSES)

    def overdue(self, today: date | None = None) -> ActionItemQuerySet:
        return self.unfinished().filter(due_date__lt=today or timezone.localdate())


class ActionItem(models.Model):
    postmortem = models.ForeignKey(
        Postmortem, on_delete=models.CASCADE, related_name="action_items"
    )
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(
        _("type"), max_length=16, choices=ActionKind.choices, default=ActionKind.PREVENT
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("owner"),
    )
    priority = models.CharField(
        _("priority"), max_length=2, choices=Priority.choices, default=Priority.P2
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    wont_do_reason = models.CharField(_("reason for not doing it"), max_length=1000, blank=True)
    tracking_url = models.URLField(_("tracking issue"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = ["priority", "due_date", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    def is_overdue(self, today: date | None = None) -> bool:
        if self.is_closed or self.due_date is None:
            return False
        return self.due_date < (today or timezone.localdate())
