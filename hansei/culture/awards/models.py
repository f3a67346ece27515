"""Postmortem of the month: one round per month, its nominations and its votes.

A round is for the postmortems first published in its month. Anyone nominates one (with a
reason) until voting closes; everyone has one vote per round, which they may move while the
window is open; after the window the winner is announced to the organisation once.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hansei.postmortems.document.models import Postmortem


class RoundQuerySet(models.QuerySet["AwardRound"]):
    def due_for_announcement(self, now: datetime) -> RoundQuerySet:
        return self.filter(voting_closes_at__lte=now, announced_at__isnull=True)

    def won(self) -> RoundQuerySet:
        return self.filter(winner__isnull=False)


class AwardRound(models.Model):
    month = models.DateField(unique=True)  # the first day of the month the award is for
    voting_opens_at = models.DateTimeField(_("voting opens"))
    voting_closes_at = models.DateTimeField(_("voting closes"))
    winner = models.ForeignKey(
        "Nomination", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    announced_at = models.DateTimeField(null=True, blank=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-month"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(voting_opens_at__lt=models.F("voting_closes_at")),
                name="award_window_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.month.strftime("%Y-%m")

    def is_voting_open(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.announced_at is None and self.voting_opens_at <= now < self.voting_closes_at

    def takes_nominations(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.announced_at is None and now < self.voting_closes_at


class Nomination(models.Model):
    round = models.ForeignKey(AwardRound, on_delete=models.CASCADE, related_name="nominations")
    postmortem = models.ForeignKey(
        Postmortem, on_delete=models.CASCADE, related_name="award_nominations"
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.TextField(_("why it deserves it"), max_length=1000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "postmortem"], name="one_nomination_per_postmortem"
            )
        ]

    def __str__(self) -> str:
        return f"{self.round}: {self.postmortem_id}"


class Vote(models.Model):
    """One per person and round (the database refuses a second); moving it changes the row."""

    round = models.ForeignKey(AwardRound, on_delete=models.CASCADE, related_name="votes")
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    cast_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "voter"], name="one_vote_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.round}: {self.voter_id} → {self.nomination_id}"
