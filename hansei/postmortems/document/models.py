"""The postmortem itself: its sections, its published revisions and the live text's storage."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hansei.accounts.models import Team
from hansei.postmortems.template_library.models import SectionKind, Template

if TYPE_CHECKING:
    pass


MAX_SECTION_CHARS = 100_000


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")


def recalled_dates(day: date) -> list[tuple[int, int]]:
    """The (month, day) pairs ``day`` recalls from earlier years: itself, and in a year
    without 29 February, the 28th also recalls the 29th."""
    if (day.month, day.day) == (2, 28) and not calendar.isleap(day.year):
        return [(2, 28), (2, 29)]
    return [(day.month, day.day)]


class PostmortemQuerySet(models.QuerySet["Postmortem"]):
    def published(self) -> PostmortemQuerySet:
        return self.filter(published_at__isnull=False)

    def open(self) -> PostmortemQuerySet:
        return self.exclude(status=Status.PUBLISHED)

    def overdue(self, today: date | None = None) -> PostmortemQuerySet:
        return self.open().filter(due_date__lt=today or timezone.localdate())

    def anniversaries(self, days: Iterable[date]) -> PostmortemQuerySet:
        """Published postmortems of an incident that started on one of ``days`` (its month
        and day, in the current time zone) in an earlier year: "today in postmortem history"."""
        match = Q()
        for day in days:
            for month, number in recalled_dates(day):
                match |= Q(
                    incidents__started_at__month=month,
                    incidents__started_at__day=number,
                    incidents__started_at__year__lt=day.year,
                )
        return self.published().filter(match).distinct() if match else self.none()


class Postmortem(models.Model):
    title = models.CharField(_("title"), max_length=200)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="postmortems")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_postmortems",
        verbose_name=_("owner"),
    )
    template = models.ForeignKey(Template, on_delete=models.SET_NULL, null=True, blank=True)
    language = models.CharField(_("language"), max_length=8, default="en")
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    restricted = models.BooleanField(
        _("restricted"),
        default=False,
        help_text=_("Only the team, its reviewers and admins can read it, even once published."),
    )
    due_date = models.DateField(_("due date"))
    review_round = models.PositiveIntegerField(default=0)
    published_at = models.DateTimeField(null=True, blank=True)
    # The title of the latest published revision: what readers outside an amendment see while
    # the draft's title may change (lists, the inbox, the API).
    published_title = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PostmortemQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def is_editable(self) -> bool:
        return self.status == Status.DRAFT

    @property
    def is_amendment(self) -> bool:
        return self.is_published and self.status != Status.PUBLISHED

    def is_overdue(self, today: date | None = None) -> bool:
        if self.status == Status.PUBLISHED:
            return False
        return self.due_date < (today or timezone.localdate())

    def latest_revision(self) -> Revision | None:
        return self.revisions.order_by("-number").first()


class Section(models.Model):
    postmortem = models.ForeignKey(Postmortem, on_delete=models.CASCADE, related_name="sections")
    key = models.SlugField(max_length=50)
    title = models.CharField(max_length=150)
    help_text = models.TextField(blank=True)
    kind = models.CharField(max_length=16, choices=SectionKind.choices)
    required = models.BooleanField(default=False)
    public = models.BooleanField(default=False)  # may seed the customer version
    position = models.PositiveSmallIntegerField(default=0)
    body = models.TextField(blank=True, max_length=MAX_SECTION_CHARS)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["postmortem", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["postmortem", "key"], name="unique_section_key")
        ]

    def __str__(self) -> str:
        return self.title


class ReadReceipt(models.Model):
    """Someone opened a published postmortem in the reading view: the first time, the last
    time and the latest revision they read (an amendment makes them unread again). Not
    recorded when the policy turns read tracking off."""

    postmortem = models.ForeignKey(
        "Postmortem", on_delete=models.CASCADE, related_name="read_receipts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="read_receipts"
    )
    revision = models.PositiveIntegerField()
    first_read_at = models.DateTimeField(default=timezone.now)
    last_read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["postmortem", "user"], name="one_receipt_per_reader")
        ]

    def __str__(self) -> str:
        return f"{self.user} read {self.postmortem} r{self.revision}"


class Revision(models.Model):
    """A frozen, published version. Never changed after it is written."""

    postmortem = models.ForeignKey(Postmortem, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    change_note = models.CharField(max_length=500, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["postmortem", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["postmortem", "number"], name="unique_revision_number")
        ]

    def __str__(self) -> str:
        return f"{self.postmortem} r{self.number}"

    @property
    def is_amendment(self) -> bool:
        return self.number > 1


# --- the live text: one Yjs document per postmortem (see ``live_text``) ----------------------


class YUpdate(models.Model):
    """One raw Yjs update of a postmortem's live document, stored append-only.

    The document is the ordered merge of its rows. Compaction replaces many rows by one
    (their merge) in a single transaction; nothing else deletes rows.
    """

    postmortem = models.ForeignKey(Postmortem, on_delete=models.CASCADE, related_name="+")
    data = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "collab_yupdate"  # created by collab, which wrote the live text first
        indexes = [models.Index(fields=["postmortem", "id"], name="collab_yupdate_room")]

    def __str__(self) -> str:
        return f"update {self.pk} of postmortem {self.postmortem_id}"


class MaterializedText(models.Model):
    """How far the sections' ``body`` column has caught up with the live document: the id of
    the last stored update their text includes. A document with rows above it is stale (its
    room's process died before saving) and is brought up to date on the next read, at worker
    start and by the worker's periodic sweep (``live_text.materialize_stale``)."""

    postmortem = models.OneToOneField(
        Postmortem, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    through_update = models.BigIntegerField(default=0)

    class Meta:
        db_table = "collab_materializedtext"

    def __str__(self) -> str:
        return f"postmortem {self.postmortem_id} text through update {self.through_update}"
