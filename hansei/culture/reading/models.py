"""The reading club: reading lists (postmortems of ours, old and new, and outside public
postmortems by link), and sessions that read some of them together, with a facilitator, a
discussion, attendance and the notes kept afterwards."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hansei.postmortems.document.models import Postmortem


class ReadingList(models.Model):
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what it is for"), max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class Reading(models.Model):
    """One thing to read: a postmortem of ours, or an outside one by its link and title."""

    reading_list = models.ForeignKey(ReadingList, on_delete=models.CASCADE, related_name="readings")
    postmortem = models.ForeignKey(
        Postmortem, on_delete=models.CASCADE, null=True, blank=True, related_name="readings"
    )
    url = models.URLField(_("link"), max_length=1000, blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    note = models.TextField(_("why read it"), max_length=1000, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["reading_list", "added_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(postmortem__isnull=False) & models.Q(url=""))
                | (models.Q(postmortem__isnull=True) & ~models.Q(url="") & ~models.Q(title="")),
                name="reading_is_ours_or_a_link",
            ),
            models.UniqueConstraint(
                fields=["reading_list", "postmortem"],
                condition=models.Q(postmortem__isnull=False),
                name="one_postmortem_per_list",
            ),
            models.UniqueConstraint(
                fields=["reading_list", "url"],
                condition=~models.Q(url=""),
                name="one_link_per_list",
            ),
        ]

    def __str__(self) -> str:
        return self.title or f"postmortem {self.postmortem_id}"

    @property
    def is_outside(self) -> bool:
        return self.postmortem_id is None

    @property
    def label(self) -> str:
        """Its title: an outside one's own, the published title of ours."""
        if self.postmortem is None:
            return self.title
        return self.postmortem.published_title or self.postmortem.title


class ReadingSession(models.Model):
    """A meeting of the club. ``reminded_at``: when those coming were reminded (once)."""

    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    duration = models.PositiveIntegerField(_("duration (minutes)"), default=60)
    location = models.CharField(_("where"), max_length=500, blank=True)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="facilitated_sessions",
        verbose_name=_("facilitator"),
    )
    readings: models.ManyToManyField[Reading, models.Model] = models.ManyToManyField(
        Reading, related_name="sessions", blank=True, verbose_name=_("readings")
    )
    notes = models.TextField(_("notes"), max_length=20000, blank=True)
    notes_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    notes_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    reminded_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["starts_at"], name="reading_session_start")]

    def __str__(self) -> str:
        return self.title

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration)

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()


class Participation(models.Model):
    """One person and one session: whether they said they are coming, and whether the
    facilitator recorded them as there."""

    session = models.ForeignKey(
        ReadingSession, on_delete=models.CASCADE, related_name="participations"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reading_sessions"
    )
    going = models.BooleanField(default=False)
    attended = models.BooleanField(default=False)

    class Meta:
        ordering = ["session", "person_id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="one_participation_each")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} at {self.session_id}"


class SessionComment(models.Model):
    """The session's discussion, one thread (Markdown, rendered sanitized)."""

    session = models.ForeignKey(ReadingSession, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"comment {self.pk} on {self.session_id}"
