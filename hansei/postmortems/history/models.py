"""The draft's history: a version at every state change and while people type."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hansei.postmortems.document.models import Postmortem

if TYPE_CHECKING:
    pass


class VersionReason(models.TextChoices):
    CREATED = "created", _("Draft created")
    EDITED = "edited", _("Edited")
    SUBMITTED = "submitted", _("Submitted for review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    WITHDRAWN = "withdrawn", _("Withdrawn from review")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
    AMENDMENT = "amendment", _("Amendment started")
    RESTORED = "restored", _("Section restored")


class Version(models.Model):
    """An automatic snapshot of the text, taken at every state change and periodically while
    people write. Unlike a Revision it is not published: it is the draft's history."""

    postmortem = models.ForeignKey(Postmortem, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    reason = models.CharField(max_length=20, choices=VersionReason.choices)
    title = models.CharField(max_length=200)
    # {section key: Markdown body} for every section; no order is implied (PostgreSQL's jsonb
    # does not keep key order).
    sections = models.JSONField(default=dict)
    # Timeline entries, action items and impact figures as they were (history.tracked); empty
    # in versions recorded before they were kept.
    parts = models.JSONField(default=dict)
    note = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["postmortem", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["postmortem", "number"], name="unique_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.postmortem} v{self.number}"
