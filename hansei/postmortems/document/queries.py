"""Read-only questions about a postmortem: its defaults, what still blocks publishing,
which required sections are empty."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from hansei.accounts.models import Team, User
from hansei.core.dates import add_business_days
from hansei.incidents.models import Severity
from hansei.postmortems.document import parts
from hansei.postmortems.document.models import (
    Postmortem,
    ReadReceipt,
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


@dataclass(frozen=True)
class TeamReads:
    team: str
    read: int  # of its members, who read the latest revision
    members: int | None  # None: the readers in no team (reviewers from outside, admins)


def read_counts(postmortem: Postmortem) -> dict[str, Any]:
    """Who has read the latest revision, counted per team (its own team first, then the
    teams with a reader) and named, for its writers; None-like empty when nobody has."""
    latest = postmortem.latest_revision()
    if latest is None:
        return {"total": 0, "teams": [], "readers": []}
    receipts = ReadReceipt.objects.filter(postmortem=postmortem, revision__gte=latest.number)
    readers = list(
        User.objects.filter(pk__in=receipts.values("user_id"), is_active=True).order_by(
            "display_name", "username"
        )
    )
    read_ids = {user.pk for user in readers}
    rows = []
    in_a_team: set[int] = set()
    for team in Team.objects.prefetch_related("memberships").order_by("name"):
        members = {m.user_id for m in team.memberships.all()}
        in_a_team |= members
        read = len(members & read_ids)
        if team.pk == postmortem.team_id or read:
            rows.append(TeamReads(team.name, read, len(members)))
    rows.sort(key=lambda row: row.team != postmortem.team.name)
    outside = len(read_ids - in_a_team)
    if outside:
        rows.append(TeamReads(_("In no team"), outside, None))
    return {"total": len(readers), "teams": rows, "readers": readers}
