"""Comment threads anchored in a postmortem's text, and their comments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hansei.postmortems.document.models import Postmortem

MAX_COMMENT_CHARS = 10_000
MAX_QUOTE_CHARS = 1_000


class ThreadStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("comment threads", "Open")
    RESOLVED = "resolved", _("Resolved")


class CommentThreadQuerySet(models.QuerySet["CommentThread"]):
    def open(self) -> CommentThreadQuerySet:
        return self.filter(status=ThreadStatus.OPEN)


class CommentThread(models.Model):
    """A discussion on a postmortem: on the whole document (no section), on a section, or on
    a range of a section's text. The range is kept as two Yjs relative positions (base64 of
    ``Y.encodeRelativePosition``), so it follows the text as people edit around it."""

    postmortem = models.ForeignKey(
        Postmortem, on_delete=models.CASCADE, related_name="comment_threads"
    )
    section_key = models.SlugField(max_length=50, blank=True)
    anchor_start = models.TextField(blank=True)
    anchor_end = models.TextField(blank=True)
    quote = models.TextField(blank=True, max_length=MAX_QUOTE_CHARS)
    status = models.CharField(
        max_length=10, choices=ThreadStatus.choices, default=ThreadStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(default=timezone.now)

    objects = CommentThreadQuerySet.as_manager()

    class Meta:
        ordering = ["postmortem", "created_at", "id"]

    def __str__(self) -> str:
        return f"thread {self.pk} on postmortem {self.postmortem_id}"

    @property
    def is_anchored(self) -> bool:
        return bool(self.anchor_start and self.anchor_end)


class Comment(models.Model):
    thread = models.ForeignKey(CommentThread, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(max_length=MAX_COMMENT_CHARS)
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["thread", "created_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]
