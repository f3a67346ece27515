from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hansei.postmortems.document.models import Postmortem

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The reviewer checklist from the SRE Workbook, in the order a reviewer reads it.
CHECKLIST: tuple[tuple[str, StrOrPromise], ...] = (
    ("data_collected", _("Key incident data is collected for posterity")),
    ("impact_complete", _("The impact assessment is complete")),
    ("root_cause_deep", _("The root cause analysis is deep enough")),
    ("action_plan_appropriate", _("The action plan is appropriate, with owners and priorities")),
    ("tracking_issues_filed", _("Tracking issues are filed at the right priority")),
    ("shared_with_right_people", _("It is shared with the right people")),
    ("blameless", _("It is written blamelessly")),
)
CHECKLIST_KEYS = tuple(key for key, _label in CHECKLIST)


class Decision(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    APPROVED = "approved", _("Approved")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")


class ReviewQuerySet(models.QuerySet["Review"]):
    def current(self) -> ReviewQuerySet:
        """Reviews of each postmortem's current review round."""
        return self.filter(round=models.F("postmortem__review_round"))

    def pending(self) -> ReviewQuerySet:
        return self.filter(decision=Decision.PENDING)


class Review(models.Model):
    postmortem = models.ForeignKey(Postmortem, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews"
    )
    round = models.PositiveIntegerField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decision = models.CharField(max_length=20, choices=Decision.choices, default=Decision.PENDING)
    checklist = models.JSONField(default=dict, blank=True)
    comment = models.TextField(_("comment"), blank=True, max_length=20_000)
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["postmortem", "-round", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["postmortem", "reviewer", "round"], name="unique_review_per_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} on {self.postmortem} (round {self.round})"

    @property
    def checklist_complete(self) -> bool:
        return all(self.checklist.get(key) is True for key in CHECKLIST_KEYS)


class ReviewMeetingNote(models.Model):
    postmortem = models.ForeignKey(
        Postmortem, on_delete=models.CASCADE, related_name="meeting_notes"
    )
    held_on = models.DateField(_("meeting date"))
    attendees = models.CharField(_("attendees"), max_length=1000, blank=True)
    notes = models.TextField(_("notes"), max_length=50_000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["postmortem", "-held_on", "-id"]

    def __str__(self) -> str:
        return f"Review meeting {self.held_on}"
