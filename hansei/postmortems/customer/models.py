"""The customer version of a postmortem: a report written for the people outside who were
affected, derived from the internal postmortem but with its own text, its own approval and
its own published revisions.

Its text is a list of sections (key, title, help, body) taken from a customer template when
the report is started. Nothing of the internal postmortem reaches the public page except what
a writer copied into this text and a second person approved: the public page reads only
``CustomerRevision`` rows. A public address is an unguessable token; revoking it deletes the
token, and a new address is a new token, so a revoked link never works again."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hansei.postmortems.document.models import Postmortem

MAX_CUSTOMER_SECTION_CHARS = 20_000
MAX_CUSTOMER_TITLE_CHARS = 200


class CustomerStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")


def new_public_token() -> str:
    return secrets.token_urlsafe(32)  # 256 bits: unguessable, and short enough to paste


class CustomerReport(models.Model):
    postmortem = models.OneToOneField(
        Postmortem, on_delete=models.CASCADE, related_name="customer_report"
    )
    template = models.CharField(max_length=40)
    language = models.CharField(max_length=8)
    title = models.CharField(max_length=MAX_CUSTOMER_TITLE_CHARS)
    sections = models.JSONField(default=list)
    status = models.CharField(
        max_length=16, choices=CustomerStatus.choices, default=CustomerStatus.DRAFT
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True)
    public_token = models.CharField(max_length=64, unique=True, null=True, default=None)
    link_created_at = models.DateTimeField(null=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    def __str__(self) -> str:
        return self.title

    def latest_revision(self) -> CustomerRevision | None:
        return self.revisions.order_by("-number").first()

    def missing_sections(self) -> list[str]:
        """The titles of required sections still empty (they block asking for approval)."""
        return [
            s["title"]
            for s in self.sections
            if s.get("required") and not str(s.get("body", "")).strip()
        ]


class CustomerRevision(models.Model):
    """What the public read: frozen at publication, never changed."""

    report = models.ForeignKey(CustomerReport, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    language = models.CharField(max_length=8)
    title = models.CharField(max_length=MAX_CUSTOMER_TITLE_CHARS)
    sections = models.JSONField(default=list)
    change_note = models.CharField(max_length=500, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="unique_customer_revision")
        ]

    def __str__(self) -> str:
        return f"{self.title} (r{self.number})"

    def shown_sections(self) -> list[dict[str, Any]]:
        return [s for s in self.sections if str(s.get("body", "")).strip()]
