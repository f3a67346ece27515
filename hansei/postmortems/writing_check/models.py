"""The writing check's state: dismissed findings and the team's own vocabulary."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hansei.accounts.models import Team
from hansei.lint import Vocabulary, VocabularyError
from hansei.postmortems.document.models import Postmortem

if TYPE_CHECKING:
    pass


class LintDismissal(models.Model):
    """A writer's decision that one writing-check finding is acceptable, with the reason.
    Reviewers see it next to "written blamelessly". It is keyed by the finding's fingerprint
    (rule, words, section), so it survives edits elsewhere in the text."""

    postmortem = models.ForeignKey(
        Postmortem, on_delete=models.CASCADE, related_name="lint_dismissals"
    )
    fingerprint = models.CharField(max_length=32)
    rule_id = models.CharField(_("rule"), max_length=50)
    section_key = models.CharField(_("section"), max_length=50, blank=True)
    text = models.CharField(_("matched text"), max_length=500, blank=True)
    reason = models.TextField(_("reason"), max_length=1000)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("dismissed by"),
    )
    created_at = models.DateTimeField(_("dismissed at"), default=timezone.now)

    class Meta:
        ordering = ["postmortem", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["postmortem", "fingerprint"], name="unique_lint_dismissal"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} in {self.section_key or '-'}: {self.text[:40]}"


class LintVocabulary(models.Model):
    """Phrases, people, roles and allowed phrases an admin adds to the writing check, without
    code: one site-wide row (no team) and at most one per team, merged when a team's
    postmortems are checked. ``data`` has the shape of ``hansei.lint.Vocabulary.to_dict()``."""

    team = models.ForeignKey(
        Team,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team"),
        help_text=_("Leave empty for the site-wide vocabulary, used for every team."),
    )
    data = models.JSONField(_("vocabulary"), default=dict, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["team__name"]
        verbose_name = _("writing check vocabulary")
        verbose_name_plural = _("writing check vocabularies")
        constraints = [
            # One row per team, and one site-wide row (NULL team): NULLs never collide in a
            # plain unique index, so the index is on COALESCE(team, 0).
            models.UniqueConstraint(
                Coalesce("team", models.Value(0)),
                name="unique_lint_vocabulary_scope",
                violation_error_message=_(
                    "There is already a vocabulary for this team (or a site-wide one)."
                ),
            )
        ]

    def __str__(self) -> str:
        return str(self.team) if self.team_id else str(_("Site-wide"))

    def vocabulary(self) -> Vocabulary:
        """The parsed vocabulary; ``VocabularyError`` when ``data`` is malformed."""
        return Vocabulary.from_dict(self.data if self.data is not None else {})

    def clean(self) -> None:
        try:
            self.vocabulary()
        except VocabularyError as error:
            raise ValidationError({"data": str(error)}) from None
