"""Kudos, the peer bonus of the Japanese practice guide: thanks for a well-written postmortem
or a careful review, shown on the postmortem and on the person's page."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hansei.postmortems.document.models import Postmortem


class KudosFor(models.TextChoices):
    WRITING = "writing", _("a well-written postmortem")
    REVIEW = "review", _("a careful review")


class Kudos(models.Model):
    giver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kudos_given"
    )
    receiver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kudos_received"
    )
    postmortem = models.ForeignKey(Postmortem, on_delete=models.CASCADE, related_name="kudos")
    kind = models.CharField(_("for"), max_length=16, choices=KudosFor.choices)
    message = models.TextField(_("message"), max_length=500)
    announced = models.BooleanField(_("announce it to their teams"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "kudos"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(giver=models.F("receiver")), name="no_kudos_to_oneself"
            ),
            models.UniqueConstraint(
                fields=["giver", "receiver", "postmortem", "kind"], name="one_kudos_per_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.giver_id} → {self.receiver_id} ({self.kind})"
