"""The writing check: what was still open when postmortems were published, and which rules
writers dismissed. Counts of rules only: nothing here quotes a text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Q, Sum

from hansei import access
from hansei.insights.models import PublicationCheck, PublicationFinding
from hansei.insights.queries.incidents import CountRow, Ranking
from hansei.insights.scope import Scope, of_postmortems_in
from hansei.insights.scope import rows_of_readable_postmortems as readable
from hansei.insights.stats import share
from hansei.postmortems.writing_check.models import LintDismissal

if TYPE_CHECKING:
    from hansei.accounts.models import User


@dataclass(frozen=True)
class RuleRow:
    rule: str
    findings: int  # open findings of the rule, over every publication
    publications: int  # publications with at least one


@dataclass(frozen=True)
class FindingsAtPublication:
    """Publications in the period (first publications and amendments) of the scope's
    postmortems, as recorded since Hansei records them: how many, how many had no open
    finding, and the open (not dismissed) findings per rule."""

    publications: int
    clean: int
    clean_rate: float | None
    rows: list[RuleRow]


def findings_at_publication(user: User, scope: Scope) -> FindingsAtPublication:
    """Two queries: the publications, and the findings per rule."""
    checks = PublicationCheck.objects.filter(
        postmortem__in=access.postmortems_visible_to(user).values("pk"),
        published_at__gte=scope.start,
        published_at__lt=scope.end,
    ).filter(of_postmortems_in(scope, "postmortem__"))
    totals = checks.aggregate(n=Count("pk"), clean=Count("pk", filter=Q(open_findings=0)))
    rows = (
        PublicationFinding.objects.filter(publication__in=checks.values("pk"))
        .values("rule_id")
        .annotate(findings=Sum("count"), publications=Count("publication"))
        .order_by("-findings", "rule_id")
    )
    return FindingsAtPublication(
        totals["n"],
        totals["clean"],
        share(totals["clean"], totals["n"]),
        [RuleRow(row["rule_id"], row["findings"], row["publications"]) for row in rows],
    )


def dismissals_by_rule(user: User, scope: Scope) -> Ranking:
    """Findings writers dismissed in the period (with a reason), per rule."""
    rows = (
        readable(user, LintDismissal.objects.all(), scope)
        .filter(created_at__gte=scope.start, created_at__lt=scope.end)
        .values("rule_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "rule_id")
    )
    return Ranking([CountRow(row["rule_id"], row["rule_id"], row["n"]) for row in rows])
