"""Wheel of Misfortune: a drill generated from a published postmortem. The game master holds
the answer key and reveals the cards; players see the opening and what was revealed, never
the rest. A drill creates no incident: it stays out of every incident figure."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hansei.accounts.models import Team
from hansei.postmortems.document.models import Postmortem, Revision

MIN_TIME, MAX_TIME = 10, 240  # a drill's time limit, minutes
EXTRA_TIME = 5  # what the game master's "+5 min" adds


class Phase(models.TextChoices):
    DETECTION = "detection", _("Detection")
    DIAGNOSIS = "diagnosis", _("Diagnosis")
    MITIGATION = "mitigation", _("Mitigation")


class DrillStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")


class Drill(models.Model):
    postmortem = models.ForeignKey(Postmortem, on_delete=models.CASCADE, related_name="drills")
    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="drills")
    title = models.CharField(_("title"), max_length=200)
    game_master = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="drills_run",
        verbose_name=_("game master"),
    )
    language = models.CharField(max_length=8, default="en")
    opening = models.TextField(_("opening"), max_length=5000)
    # The answer key: [{"title": ..., "body": Markdown}], names already replaced by roles.
    answer_key = models.JSONField(default=list)
    status = models.CharField(
        max_length=16, choices=DrillStatus.choices, default=DrillStatus.PLANNED
    )
    phase = models.CharField(max_length=16, choices=Phase.choices, default=Phase.DETECTION)
    time_limit = models.PositiveIntegerField(_("time limit (minutes)"), default=45)
    started_at = models.DateTimeField(null=True, blank=True)
    # The clock stops while the game master pauses it: since when, and for how long in all
    # before (seconds). The timer runs out that much later.
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    debrief = models.TextField(_("debrief notes"), max_length=20000, blank=True)
    debrief_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    debrief_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def ends_at(self) -> datetime | None:
        """When the timer runs out (once started); while it is paused, when it would if it
        went on now."""
        if self.started_at is None:
            return None
        paused = self.paused_seconds + (
            (timezone.now() - self.paused_at).total_seconds() if self.paused_at else 0
        )
        return self.started_at + timedelta(minutes=self.time_limit, seconds=paused)

    @property
    def seconds_left(self) -> int | None:
        """What the timer shows: seconds left (negative once over), frozen while paused."""
        if self.started_at is None:
            return None
        stopped = self.paused_at or self.finished_at or timezone.now()
        limit = timedelta(minutes=self.time_limit, seconds=self.paused_seconds)
        return int((self.started_at + limit - stopped).total_seconds())


class DrillCard(models.Model):
    """One key event of the incident, as players would discover it; ``reveals``: what the
    players do that makes the game master reveal it."""

    drill = models.ForeignKey(Drill, on_delete=models.CASCADE, related_name="cards")
    position = models.PositiveIntegerField()
    phase = models.CharField(max_length=16, choices=Phase.choices)
    offset_minutes = models.IntegerField(null=True, blank=True)
    text = models.TextField(max_length=2000)
    reveals = models.CharField(max_length=500)
    revealed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["drill", "position"]
        constraints = [
            models.UniqueConstraint(fields=["drill", "position"], name="one_card_per_position")
        ]

    def __str__(self) -> str:
        return f"card {self.position} of drill {self.drill_id}"

    @property
    def offset_label(self) -> str:
        """Its time from the opening: "T+20 min", or "T−4 min" for what happened before."""
        if self.offset_minutes is None:
            return ""
        sign = "+" if self.offset_minutes >= 0 else "\u2212"
        return f"T{sign}{abs(self.offset_minutes)} min"


class DrillQuestion(models.Model):
    drill = models.ForeignKey(Drill, on_delete=models.CASCADE, related_name="questions")
    phase = models.CharField(max_length=16, choices=Phase.choices)
    position = models.PositiveIntegerField()
    text = models.CharField(max_length=500)

    class Meta:
        ordering = ["drill", "position"]

    def __str__(self) -> str:
        return self.text


class DrillPlayer(models.Model):
    """Someone playing the drill (they never see the answer key or unrevealed cards)."""

    drill = models.ForeignKey(Drill, on_delete=models.CASCADE, related_name="players")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drills_played"
    )
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["drill", "joined_at", "id"]
        constraints = [models.UniqueConstraint(fields=["drill", "person"], name="one_player_each")]

    def __str__(self) -> str:
        return f"{self.person_id} in drill {self.drill_id}"
