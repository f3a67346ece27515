"""Process feedback: after a postmortem's first publication, a short survey to those who took
part (did the process help? how much toil? were the tools adequate? what would you change?).

An answer may be anonymous, and then nothing leads back to its author: the answer holds no
person and no time, and the invitation only whether it was answered, never when or which
answer. Results are shown per team and quarter, and only for groups of ``MIN_GROUP`` answers
or more, so a lone answer cannot be read off a chart either."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hansei.accounts.models import Team
from hansei.postmortems.document.models import Postmortem

MIN_GROUP = 3
SCALE = (MinValueValidator(1), MaxValueValidator(5))


class Survey(models.Model):
    postmortem = models.OneToOneField(
        Postmortem, on_delete=models.CASCADE, related_name="process_survey"
    )
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    quarter = models.CharField(max_length=7)  # "2026-Q4", of the first publication
    opened_at = models.DateTimeField(default=timezone.now)
    closes_at = models.DateTimeField()

    class Meta:
        ordering = ["-opened_at", "-id"]

    def __str__(self) -> str:
        return f"survey of {self.postmortem_id}"

    def is_open(self) -> bool:
        return timezone.now() < self.closes_at


class SurveyInvitation(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="survey_invitations"
    )
    answered = models.BooleanField(default=False)  # never when, never which answer

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "user"], name="one_invitation_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}: {self.user_id}"


class SurveyAnswer(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="answers")
    # None when anonymous. No time is kept: it would point at who answered.
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    helped = models.PositiveSmallIntegerField(_("did the process help?"), validators=SCALE)
    toil = models.PositiveSmallIntegerField(_("how much toil did it cost?"), validators=SCALE)
    tools = models.PositiveSmallIntegerField(_("were the tools adequate?"), validators=SCALE)
    change = models.TextField(_("what would you change?"), max_length=2000, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(helped__gte=1, helped__lte=5)
                & Q(toil__gte=1, toil__lte=5)
                & Q(tools__gte=1, tools__lte=5),
                name="answers_on_the_scale",
            )
        ]

    def __str__(self) -> str:
        return f"answer to {self.survey_id}"
