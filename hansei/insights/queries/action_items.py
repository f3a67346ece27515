"""Action items of the scope's postmortems: are they done, done in time, and did the fixes
hold? Each figure says which date of an item falls in the period."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, F, OuterRef, Q

from hansei import access
from hansei.action_items.models import (
    CLOSED_STATUSES,
    ActionItem,
    ActionStatus,
    Priority,
    Recurrence,
)
from hansei.insights.queries.incidents import CountRow, Ranking
from hansei.insights.scope import Scope, action_items_of
from hansei.insights.stats import share

if TYPE_CHECKING:
    from hansei.accounts.models import User

UNFINISHED = ~Q(status__in=CLOSED_STATUSES)


@dataclass(frozen=True)
class Completion:
    """The items created in the period, by where they stand today."""

    total: int
    done_rate: float | None
    rows: list[CountRow]


def completion(user: User, scope: Scope) -> Completion:
    created = action_items_of(user, scope).filter(
        created_at__gte=scope.start, created_at__lt=scope.end
    )
    counts = dict(created.values_list("status").annotate(n=Count("pk")).order_by())
    rows = [
        CountRow(status, str(label), counts.get(status, 0))
        for status, label in ActionStatus.choices
    ]
    total = sum(counts.values())
    return Completion(total, share(counts.get(ActionStatus.DONE, 0), total), rows)


@dataclass(frozen=True)
class OnTimeRow:
    priority: str
    on_time: int
    late: int
    not_yet_due: int
    rate: float | None


@dataclass(frozen=True)
class ItemsOnTime:
    """The items due in the period, by priority (won't-do items left out): done on or before
    their due date (the day of completion, in the site's time zone), late (done after it, or
    still unfinished after it), and not yet due (unfinished, due today or later: left out of
    the rate)."""

    rows: list[OnTimeRow]


def items_on_time(user: User, scope: Scope) -> ItemsOnTime:
    done = Q(status=ActionStatus.DONE)
    rows = (
        action_items_of(user, scope)
        .filter(due_date__gte=scope.since, due_date__lte=scope.until)
        .exclude(status=ActionStatus.WONT_DO)
        .values("priority")
        .annotate(
            on_time=Count("pk", filter=done & Q(completed_at__date__lte=F("due_date"))),
            late=Count(
                "pk",
                filter=done & Q(completed_at__date__gt=F("due_date"))
                | UNFINISHED & Q(due_date__lt=scope.today),
            ),
            pending=Count("pk", filter=UNFINISHED & Q(due_date__gte=scope.today)),
        )
        .order_by()
    )
    found = {row["priority"]: row for row in rows}
    return ItemsOnTime(
        [
            OnTimeRow(
                priority,
                row["on_time"],
                row["late"],
                row["pending"],
                share(row["on_time"], row["on_time"] + row["late"]),
            )
            for priority in Priority.values
            if (row := found.get(priority))
        ]
    )


def overdue_by_team(user: User, scope: Scope) -> Ranking:
    """Items still unfinished after their due date, which fell in the period, per team of
    their postmortem."""
    rows = (
        action_items_of(user, scope)
        .filter(UNFINISHED, due_date__gte=scope.since, due_date__lte=scope.until)
        .filter(due_date__lt=scope.today)
        .values("postmortem__team__slug", "postmortem__team__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "postmortem__team__name")
    )
    return Ranking(
        [
            CountRow(row["postmortem__team__slug"], row["postmortem__team__name"], row["n"])
            for row in rows
        ]
    )


@dataclass(frozen=True)
class FixRow:
    team: str
    held: int
    recurred: int


@dataclass(frozen=True)
class Fixes:
    """Items done in the period that name what they fix (a contributing factor category and
    a service), per team: held so far, or recurred (a later postmortem the reader may see
    recorded that factor on that service: ``action_items.Recurrence``)."""

    held: int
    recurred: int
    rows: list[FixRow]


def fixes_held(user: User, scope: Scope) -> Fixes:
    factors = ActionItem.addresses_factors.through.objects.filter(actionitem_id=OuterRef("pk"))
    services = ActionItem.addresses_services.through.objects.filter(actionitem_id=OuterRef("pk"))
    visible = access.postmortems_visible_to(user).values("pk")
    # Not correlated: the database lists the recurred items once, not once per item.
    recurred = Q(pk__in=Recurrence.objects.filter(postmortem__in=visible).values("item_id"))
    rows = (
        action_items_of(user, scope)
        .filter(status=ActionStatus.DONE, completed_at__gte=scope.start)
        .filter(completed_at__lt=scope.end)
        .filter(Exists(factors), Exists(services))
        .values("postmortem__team__name")
        .annotate(held=Count("pk", filter=~recurred), came_back=Count("pk", filter=recurred))
        .order_by("postmortem__team__name")
    )
    found = [FixRow(row["postmortem__team__name"], row["held"], row["came_back"]) for row in rows]
    return Fixes(sum(r.held for r in found), sum(r.recurred for r in found), found)
