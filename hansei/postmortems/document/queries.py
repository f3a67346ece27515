"""Read-only questions about a postmortem: its defaults, what still blocks publishing,
which required sections are empty."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from hansei.core.dates import add_business_days
from hansei.incidents.models import Severity
from hansei.postmortems.document import parts
from hansei.postmortems.document.models import (
    Postmortem,
    Section,
    Status,
)
from hansei.postmortems.template_library.models import SectionKind, Template


def default_due_date(severity: Severity, start: date | None = None) -> date:
    start = start or timezone.localdate()
    if severity.due_in_business_days:
        return add_business_days(start, severity.due_days)
    return start + timedelta(days=severity.due_days)


def default_template(language: str = "en") -> Template | None:
    templates = Template.objects.filter(language=language)
    return templates.filter(is_default=True).first() or templates.first()


def publish_blockers(postmortem: Postmortem) -> list[str]:
    """Why it cannot be published now (empty when it can)."""
    if postmortem.status != Status.APPROVED:
        return [_("Only an approved postmortem can be published.")]
    return [reason for check in parts.publish_checks() for reason in check(postmortem)]


def sections_missing_content(postmortem: Postmortem) -> list[Section]:
    return [
        s
        for s in postmortem.sections.all()
        if s.required and s.kind == SectionKind.MARKDOWN and not s.body.strip()
    ]
