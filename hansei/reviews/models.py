from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hansei.accounts.models import User
from hansei.postmortems.document.models import Postmortem

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The reviewer checklist from the SRE Workbook, in the order a reviewer reads it, and one of
# Hansei's own: the lessons of similar past incidents.
CHECKLIST: tuple[tuple[str, StrOrPromise], ...] = (
    ("data_collected", _("Key incident data is collected for posterity")),
    ("impact_complete", _("The impact assessment is complete")),
    ("root_cause_deep", _("The root cause analysis is deep enough")),
    ("action_plan_appropriate", _("The action plan is appropriate, with owners and priorities")),
    ("tracking_issues_filed", _("Tracking issues are filed at the right priority")),
    ("shared_with_right_people", _("It is shared with the right people")),
    ("blameless", _("It is written blamelessly")),
    (
        "similar_considered",
        _("Similar past incidents and their unfinished action items were considered"),
    ),
)
CHECKLIST_KEYS = tuple(key for key, _label in CHECKLIST)


class Decision(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    APPROVED = "approved", _("Approved")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    WITHDRAWN = "withdrawn", _("Withdrawn by the writers")


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


class ReviewMeetingQuerySet(models.QuerySet["ReviewMeeting"]):
    def held(self) -> ReviewMeetingQuerySet:
        """Meetings that took place: started already and not cancelled (notes attach to them)."""
        return self.filter(cancelled_at=None, starts_at__lte=timezone.now())


class ReviewMeeting(models.Model):
    """A review meeting on a postmortem, sent to its invitees as a calendar invitation.

    ``uid`` names the event in every calendar for good; ``sequence`` grows at every change a
    calendar must apply (time, place, agenda, invitees, cancellation), as RFC 5545 asks, so a
    calendar applies a later message over an earlier one and ignores a stale one."""

    postmortem = models.ForeignKey(Postmortem, on_delete=models.CASCADE, related_name="meetings")
    starts_at = models.DateTimeField(_("starts at"))
    duration = models.PositiveIntegerField(_("duration (minutes)"))
    location = models.CharField(_("where"), max_length=500, blank=True)
    agenda = models.TextField(_("agenda"), max_length=5000, blank=True)
    invitees: models.ManyToManyField[User, ReviewMeetingInvitation] = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="ReviewMeetingInvitation", related_name="+"
    )
    organizer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sequence = models.PositiveIntegerField(default=0)
    uid = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = ReviewMeetingQuerySet.as_manager()

    class Meta:
        ordering = ["postmortem", "-starts_at", "-id"]

    def __str__(self) -> str:
        return f"Review meeting {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration)

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def is_over(self) -> bool:
        return self.ends_at <= timezone.now()

    def people_invited(self) -> models.QuerySet[User]:
        """Who is invited now (people removed since keep a row, to be told once)."""
        return User.objects.filter(
            meeting_invitations__meeting=self, meeting_invitations__removed_in=None
        ).order_by("display_name", "username")


class ReviewMeetingInvitation(models.Model):
    """One person invited to a meeting. ``removed_in``: the sequence of the change that
    took them off the list (they are sent that version as a cancellation), None while they
    are invited."""

    meeting = models.ForeignKey(ReviewMeeting, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_invitations"
    )
    removed_in = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="invited_once")]

    def __str__(self) -> str:
        return f"{self.person_id} to meeting {self.meeting_id}"


class ReviewMeetingNote(models.Model):
    postmortem = models.ForeignKey(
        Postmortem, on_delete=models.CASCADE, related_name="meeting_notes"
    )
    # The notes of a scheduled meeting attach to it (older notes, and notes of meetings held
    # elsewhere, have none).
    meeting = models.ForeignKey(
        ReviewMeeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="notes"
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
