"""Process feedback as people see it: the surveys asked of them, and the results per team and
quarter (only groups of ``MIN_GROUP`` answers or more show figures)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from hansei import access
from hansei.accounts.models import User
from hansei.culture.feedback.models import MIN_GROUP, Survey, SurveyAnswer, SurveyInvitation

QUARTERS_SHOWN = 8


@dataclass
class Group:
    """One team's answers in one quarter."""

    team_id: int
    team: str
    quarter: str
    asked: int
    answers: int
    helped: int | None = None  # share of 4 and 5, in percent; None below MIN_GROUP
    toil: int | None = None  # share of 4 and 5 (a lot of toil), in percent
    tools: int | None = None  # share of 4 and 5, in percent
    # What they would change, and who said it unless anonymous: for admins and the team's leads.
    changes: list[tuple[str, str | None]] = field(default_factory=list)

    @property
    def shown(self) -> bool:
        return self.answers >= MIN_GROUP

    @property
    def response_rate(self) -> int:
        return round(100 * self.answers / self.asked) if self.asked else 0


def pending_surveys(user: User) -> QuerySet[Survey]:
    """Open surveys ``user`` has not answered yet."""
    unanswered = SurveyInvitation.objects.filter(user=user, answered=False).values("survey")
    return (
        access.surveys_of(user)
        .filter(pk__in=unanswered, closes_at__gt=timezone.now())
        .select_related("postmortem", "team")
    )


def _share(count: int, total: int) -> int:
    return round(100 * count / total) if total else 0


def closed_surveys() -> QuerySet[Survey]:
    """The surveys whose answers count: those closed. Figures that moved with each answer
    would give it away to whoever watched them while a colleague answered."""
    return Survey.objects.filter(closes_at__lte=timezone.now())


def results(user: User) -> list[Group]:
    """The last ``QUARTERS_SHOWN`` quarters, each team with answers to closed surveys, newest
    first."""
    closed = closed_surveys()
    quarters = sorted(set(closed.values_list("quarter", flat=True)), reverse=True)
    quarters = quarters[:QUARTERS_SHOWN]
    counted = closed.filter(quarter__in=quarters).values("pk")
    asked = {
        (row["survey__team"], row["survey__quarter"]): row["n"]
        for row in SurveyInvitation.objects.filter(survey__in=counted)
        .values("survey__team", "survey__quarter")
        .annotate(n=Count("pk"))
    }
    rows = (
        SurveyAnswer.objects.filter(survey__in=counted)
        .values("survey__team", "survey__team__name", "survey__quarter")
        .annotate(
            n=Count("pk"),
            helped=Count("pk", filter=Q(helped__gte=4)),
            toil=Count("pk", filter=Q(toil__gte=4)),
            tools=Count("pk", filter=Q(tools__gte=4)),
        )
        .order_by("-survey__quarter", "survey__team__name")
    )
    groups = []
    for row in rows:
        key = (row["survey__team"], row["survey__quarter"])
        group = Group(key[0], row["survey__team__name"], key[1], asked.get(key, 0), row["n"])
        if group.shown:
            group.helped = _share(row["helped"], row["n"])
            group.toil = _share(row["toil"], row["n"])
            group.tools = _share(row["tools"], row["n"])
            if access.can_read_feedback_text(user, group.team_id):
                group.changes = _changes(group)
        groups.append(group)
    return groups


def _changes(group: Group) -> list[tuple[str, str | None]]:
    """What they would change, in the order of the text itself (never in the order of
    answering, which could say who wrote an anonymous one)."""
    answers = (
        SurveyAnswer.objects.filter(
            survey__in=closed_surveys().values("pk"),
            survey__team=group.team_id,
            survey__quarter=group.quarter,
        )
        .exclude(change="")
        .select_related("respondent")
    )
    found = [(a.change, a.respondent.name if a.respondent else None) for a in answers]
    return sorted(found, key=lambda pair: (pair[0], pair[1] or ""))
