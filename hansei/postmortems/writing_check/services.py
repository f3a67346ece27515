"""The writing check on postmortems stored in the database: build the linter's input from the
rows, lint with the team's vocabulary and people, and record or withdraw dismissals.

``hansei.lint`` is plain Python; this module is the one place that feeds it Django objects.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hansei import access
from hansei.accounts.models import User
from hansei.core import events
from hansei.lint import fingerprint as finding_fingerprint
from hansei.lint import (
    rules,
)
from hansei.postmortems.document.guard import lock_editable_postmortem
from hansei.postmortems.document.models import Postmortem, Section
from hansei.postmortems.events import WRITING_CHECK_CHANGED
from hansei.postmortems.writing_check.models import LintDismissal

if TYPE_CHECKING:
    pass


MAX_REASON_CHARS = 1000
MAX_DISMISSED_TEXT = 500


# --- dismissals -----------------------------------------------------------------------------


def _lock_dismissable(actor: User, postmortem_id: int) -> Postmortem:
    return lock_editable_postmortem(
        actor=actor,
        postmortem_id=postmortem_id,
        rule=access.can_dismiss_lint_finding,
        refusal=_("Only the postmortem's writers can dismiss writing-check findings."),
    )


def _clean_dismissal(
    *, given: str, rule_id: str, section_key: str, text: str, reason: str
) -> tuple[str, str]:
    """The fingerprint and reason to store; a ValidationError naming each bad field."""
    errors: dict[str, str] = {}
    reason = reason.strip()
    if not reason:
        errors["reason"] = _("Say why this finding is acceptable: reviewers will read it.")
    elif len(reason) > MAX_REASON_CHARS:
        errors["reason"] = _("The reason is too long (at most %(n)s characters).") % {
            "n": MAX_REASON_CHARS
        }
    if rule_id not in rules():
        errors["rule"] = _("Unknown rule %(rule)r.") % {"rule": rule_id}
    if len(section_key) > 50:
        errors["section"] = _("Unknown section.")
    expected = finding_fingerprint(rule_id, text, section_key)
    if given and given != expected and "rule" not in errors:
        errors["fingerprint"] = _("The fingerprint does not match the rule, text and section.")
    if errors:
        raise ValidationError(errors)
    return given or expected, reason


@transaction.atomic
def dismiss_finding(
    *,
    actor: User,
    postmortem: Postmortem,
    fingerprint: str,
    rule_id: str,
    section_key: str,
    text: str,
    reason: str,
) -> LintDismissal:
    """Record that a finding is acceptable, and why. Dismissing it again changes the reason."""
    postmortem = _lock_dismissable(actor, postmortem.pk)
    key, reason = _clean_dismissal(
        given=fingerprint, rule_id=rule_id, section_key=section_key, text=text, reason=reason
    )
    if section_key and not Section.objects.filter(postmortem=postmortem, key=section_key).exists():
        raise ValidationError({"section": _("Unknown section.")})
    stored = text if len(text) <= MAX_DISMISSED_TEXT else text[: MAX_DISMISSED_TEXT - 1] + "…"
    dismissal, _created = LintDismissal.objects.update_or_create(
        postmortem=postmortem,
        fingerprint=key,
        defaults={
            "rule_id": rule_id,
            "section_key": section_key,
            "text": stored,
            "reason": reason,
            "dismissed_by": actor,
            "created_at": timezone.now(),
        },
    )
    events.emit(WRITING_CHECK_CHANGED, actor_id=actor.pk, postmortem_id=postmortem.pk)
    return dismissal


@transaction.atomic
def restore_finding(*, actor: User, dismissal: LintDismissal) -> None:
    """Withdraw a dismissal: the finding is open again."""
    postmortem = _lock_dismissable(actor, dismissal.postmortem_id)
    LintDismissal.objects.filter(pk=dismissal.pk).delete()
    events.emit(WRITING_CHECK_CHANGED, actor_id=actor.pk, postmortem_id=postmortem.pk)
