"""The leaders' view: what was learned this month, the open P0/P1 action items, how the
culture programs are taken up, and the postmortems waiting on someone.

Every list holds only what the viewer may read (through the rulebook); the programs'
participation is counts only: how many voted, never who voted for what; how many surveys
were answered, never an answer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone

from hansei import access
from hansei.accounts.models import User
from hansei.action_items.models import ActionItem, Priority
from hansei.core.markdown import markdown_to_text
from hansei.culture.awards.models import Vote
from hansei.culture.awards.months import (
    month_bounds,
    month_of,
    month_parsed,
    next_month,
    previous_month,
)
from hansei.culture.feedback.models import SurveyInvitation
from hansei.culture.meetings.queries import FIRST_MONTH, LESSON_KEYS, latest_revisions, sections_of
from hansei.culture.reading.models import ReadingSession
from hansei.postmortems.document.models import Postmortem, Status

MONTHS_SHOWN = 6
LIST_LIMIT = 50
LESSON_CHARS = 280


@dataclass
class Learned:
    postmortem: Postmortem
    title: str
    lessons: str  # plain text, shortened in the template


@dataclass
class Participation:
    month: date
    nominations: int
    voters: int
    kudos: int
    asked: int
    answered: int
    sessions: int = 0  # reading club sessions held
    attendees: int = 0  # people recorded there (one per session they attended)
    drills: int = 0  # Wheel of Misfortune drills started
    players: int = 0  # their players

    @property
    def response_rate(self) -> int | None:
        return round(100 * self.answered / self.asked) if self.asked else None


@dataclass
class UrgentItem:
    item: ActionItem
    postmortem_title: str
    age_days: int
    overdue: bool


@dataclass
class LeadersView:
    month: date
    previous: date
    next: date | None
    learned: Sequence[Learned]
    urgent: Sequence[UrgentItem]
    participation: Sequence[Participation]
    in_review: Sequence[Postmortem]
    overdue: Sequence[Postmortem]


def month_from(value: str | None) -> date:
    """``YYYY-MM`` (the current month when empty); 404 for anything else or a month ahead."""
    if not value:
        return month_of(timezone.now())
    found = month_parsed(value)
    if found is None or not FIRST_MONTH <= found <= month_of(timezone.now()):
        raise Http404
    return found


def learned_in(user: User, month: date) -> list[Learned]:
    """The month's first publications the viewer may read, with their lessons as published."""
    start, end = month_bounds(month)
    postmortems = list(
        access.postmortems_visible_to(user)
        .filter(published_at__gte=start, published_at__lt=end)
        .select_related("team")
        .order_by("published_at", "pk")
    )
    revisions = latest_revisions(postmortems)
    found = []
    for postmortem in postmortems:
        revision = revisions.get(postmortem.pk)
        if revision is None:
            continue
        parts = sections_of(revision, LESSON_KEYS)
        text = " ".join(markdown_to_text(part.body) for part in parts)
        title = revision.snapshot.get("title") or postmortem.published_title or postmortem.title
        found.append(Learned(postmortem, title, text))
    return found


def urgent_items(user: User) -> list[UrgentItem]:
    """Open P0 and P1 action items the viewer may see, the most urgent first."""
    today = timezone.localdate()
    items = (
        access.action_items_visible_to(user)
        .unfinished()
        .filter(priority__in=[Priority.P0, Priority.P1])
        .select_related("owner", "postmortem")
        .order_by("priority", "due_date", "pk")[:LIST_LIMIT]
    )
    return [
        UrgentItem(
            item=item,
            postmortem_title=access.title_shown_to(user, item.postmortem),
            age_days=(today - timezone.localtime(item.created_at).date()).days,
            overdue=item.is_overdue(today),
        )
        for item in items
    ]


def _monthly(rows: Any) -> dict[date, dict[str, Any]]:
    """Rows grouped by ``TruncMonth`` in the current zone, by month (the database gives an
    aware datetime or, across a relation on SQLite, a date)."""
    found = {}
    for row in rows:
        month = row.pop("month")
        found[timezone.localtime(month).date() if isinstance(month, datetime) else month] = row
    return found


def participation(user: User, month: date) -> list[Participation]:
    """``month`` and the ``MONTHS_SHOWN - 1`` before it, newest first: counts only."""
    months = [month]
    while len(months) < MONTHS_SHOWN:
        months.append(previous_month(months[-1]))
    start, end = month_bounds(months[-1])[0], month_bounds(month)[1]
    nominations = dict(
        access.nominations_visible_to(user)
        .filter(round__month__in=months)
        .values_list("round__month")
        .annotate(n=Count("pk"))
    )
    voters = dict(
        Vote.objects.filter(round__month__in=months)
        .values_list("round__month")
        .annotate(n=Count("voter", distinct=True))
    )
    kudos = _monthly(
        access.kudos_visible_to(user)
        .filter(created_at__gte=start, created_at__lt=end)
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(n=Count("pk"))
    )
    # Invitations and whether they were answered: never an answer, never who answered.
    surveys = _monthly(
        SurveyInvitation.objects.filter(survey__opened_at__gte=start, survey__opened_at__lt=end)
        .annotate(month=TruncMonth("survey__opened_at"))
        .values("month")
        .annotate(asked=Count("pk"), answered=Count("pk", filter=Q(answered=True)))
    )
    reading = _monthly(
        ReadingSession.objects.filter(
            cancelled_at=None, starts_at__gte=start, starts_at__lt=min(end, timezone.now())
        )
        .annotate(month=TruncMonth("starts_at"))
        .values("month")
        .annotate(
            n=Count("pk", distinct=True),
            people=Count("participations", filter=Q(participations__attended=True), distinct=True),
        )
    )
    drills = _monthly(
        access.drills_visible_to(user)
        .filter(started_at__gte=start, started_at__lt=end)
        .annotate(month=TruncMonth("started_at"))
        .values("month")
        .annotate(n=Count("pk", distinct=True), people=Count("players", distinct=True))
    )
    empty = {"n": 0, "asked": 0, "answered": 0, "people": 0}
    return [
        Participation(
            month=m,
            nominations=nominations.get(m, 0),
            voters=voters.get(m, 0),
            kudos=kudos.get(m, empty)["n"],
            asked=surveys.get(m, empty)["asked"],
            answered=surveys.get(m, empty)["answered"],
            sessions=reading.get(m, empty)["n"],
            attendees=reading.get(m, empty)["people"],
            drills=drills.get(m, empty)["n"],
            players=drills.get(m, empty)["people"],
        )
        for m in months
    ]


def waiting(user: User) -> tuple[list[Postmortem], list[Postmortem]]:
    """Postmortems the viewer may read that are in review, and those overdue for publication
    (open past their due date), the oldest due first."""
    visible = access.postmortems_visible_to(user).select_related("team", "owner")
    in_review = visible.filter(status=Status.IN_REVIEW).order_by("due_date", "pk")
    overdue = visible.overdue().order_by("due_date", "pk")
    return list(in_review[:LIST_LIMIT]), list(overdue[:LIST_LIMIT])


def leaders_view(user: User, month: date) -> LeadersView:
    in_review, overdue = waiting(user)
    following = next_month(month)
    return LeadersView(
        month=month,
        previous=previous_month(month),
        next=following if following <= month_of(timezone.now()) else None,
        learned=learned_in(user, month),
        urgent=urgent_items(user),
        participation=participation(user, month),
        in_review=in_review,
        overdue=overdue,
    )
