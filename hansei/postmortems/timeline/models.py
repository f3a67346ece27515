"""A postmortem's timeline: what happened, when, from the incident or written by people."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hansei.postmortems.document.models import Postmortem

if TYPE_CHECKING:
    pass


class TimelineKind(models.TextChoices):
    EVENT = "event", _("Event")
    DETECTION = "detection", _("Detection")
    ESCALATION = "escalation", _("Escalation")
    ACTION = "action", _("Action taken")
    COMMUNICATION = "communication", _("Communication")
    MILESTONE = "milestone", _("Milestone")


class TimelineEntry(models.Model):
    postmortem = models.ForeignKey(Postmortem, on_delete=models.CASCADE, related_name="timeline")
    occurred_at = models.DateTimeField(_("time"))
    text = models.TextField(_("what happened"), max_length=2000)
    kind = models.CharField(
        _("kind"), max_length=16, choices=TimelineKind.choices, default=TimelineKind.EVENT
    )
    is_key_event = models.BooleanField(_("key event"), default=False)
    link_url = models.URLField(_("link (graph, log, page)"), max_length=500, blank=True)
    # Where an automatic entry came from ("incident:12:detected_at"), so it is updated in place.
    source = models.CharField(max_length=100, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        verbose_name_plural = _("timeline entries")

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.text[:40]}"
