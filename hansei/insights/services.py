"""The one write of the insights: what the writing check found open at a publication.

Not a change anyone makes: it follows ``postmortem_published`` (``listeners``), inside the
publishing transaction, so a publication and its record commit or roll back together."""

from __future__ import annotations

from collections import Counter

from django.db import transaction

from hansei.insights.models import PublicationCheck, PublicationFinding
from hansei.postmortems.document.models import Revision
from hansei.postmortems.writing_check.queries import lint_postmortem_for


@transaction.atomic
def record_findings_at_publication(revision: Revision) -> PublicationCheck:
    """Count the open (not dismissed) findings of each rule on the text just published.
    Idempotent: a revision is recorded once."""
    existing = PublicationCheck.objects.filter(revision=revision).first()
    if existing is not None:
        return existing
    lint = lint_postmortem_for(revision.postmortem, ui_lang="en")
    per_rule = Counter(finding.rule_id for finding in lint.open)
    check = PublicationCheck.objects.create(
        revision=revision,
        postmortem_id=revision.postmortem_id,
        published_at=revision.published_at,
        open_findings=sum(per_rule.values()),
    )
    PublicationFinding.objects.bulk_create(
        PublicationFinding(publication=check, rule_id=rule_id, count=count)
        for rule_id, count in sorted(per_rule.items())
    )
    return check
