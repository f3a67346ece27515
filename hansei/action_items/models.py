from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hansei.incidents.models import Service
from hansei.postmortems.analysis.models import ContributingFactorCategory
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
    # What the fix is for, so a later postmortem can tell whether it held.
    addresses_factors = models.ManyToManyField(
        ContributingFactorCategory,
        blank=True,
        related_name="+",
        verbose_name=_("contributing factors it addresses"),
    )
    addresses_services = models.ManyToManyField(
        Service, blank=True, related_name="+", verbose_name=_("services it addresses")
    )
    verification = models.TextField(_("how to verify it"), max_length=2000, blank=True)

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


class Recurrence(models.Model):
    """A fix that did not hold: a later postmortem recorded a contributing factor the item
    addressed, on a service it addressed, after the item was done."""

    item = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="recurrences")
    postmortem = models.ForeignKey(
        Postmortem, on_delete=models.CASCADE, related_name="recurred_fixes"
    )
    factor = models.ForeignKey(
        ContributingFactorCategory, on_delete=models.CASCADE, related_name="+"
    )
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    found_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["found_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "postmortem"], name="one_recurrence_each")
        ]

    def __str__(self) -> str:
        return f"#{self.item_id} recurred in postmortem {self.postmortem_id}"


class CarriedItem(models.Model):
    """An open item of an earlier postmortem carried into a later one: linked, not copied,
    so the one fix is tracked once."""

    item = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="carried_into")
    postmortem = models.ForeignKey(
        Postmortem, on_delete=models.CASCADE, related_name="carried_items"
    )
    carried_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    carried_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["carried_at", "id"]
        constraints = [models.UniqueConstraint(fields=["item", "postmortem"], name="carried_once")]

    def __str__(self) -> str:
        return f"#{self.item_id} carried into postmortem {self.postmortem_id}"
