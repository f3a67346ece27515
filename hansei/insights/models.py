"""What the insights keep that no other app records: the writing check's open findings at
each publication (the check runs on the live draft; once published, nothing else remembers
what it found). Written by ``listeners`` inside the publishing transaction."""

from __future__ import annotations

from django.db import models

from hansei.postmortems.document.models import Postmortem, Revision


class PublicationCheck(models.Model):
    """One publication (a revision: the first or an amendment) and how many findings of the
    writing check were open, not dismissed, when it was published."""

    revision = models.OneToOneField(
        Revision, on_delete=models.CASCADE, related_name="writing_check_at_publication"
    )
    postmortem = models.ForeignKey(Postmortem, on_delete=models.CASCADE, related_name="+")
    published_at = models.DateTimeField(db_index=True)
    open_findings = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["published_at", "id"]

    def __str__(self) -> str:
        return f"{self.open_findings} open findings at revision {self.revision_id}"


class PublicationFinding(models.Model):
    """The open findings of one rule at one publication."""

    publication = models.ForeignKey(
        PublicationCheck, on_delete=models.CASCADE, related_name="rules"
    )
    rule_id = models.CharField(max_length=50)
    count = models.PositiveIntegerField()

    class Meta:
        ordering = ["publication", "rule_id"]
        constraints = [
            models.UniqueConstraint(fields=["publication", "rule_id"], name="one_count_per_rule")
        ]

    def __str__(self) -> str:
        return f"{self.count} × {self.rule_id}"
