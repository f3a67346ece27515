"""Read-only questions about action items: how each team keeps its deadlines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, Q

from hansei.action_items.models import CLOSED_STATUSES, ActionItemQuerySet, ActionStatus


@dataclass(frozen=True)
class OnTime:
    """A team's items with a due date: done (and how many by it), and open past it."""

    team: str
    done: int
    done_on_time: int
    overdue: int

    @property
    def rate(self) -> int | None:
        """Percent of the done items done by their due date (None: none done yet)."""
        return round(100 * self.done_on_time / self.done) if self.done else None


def on_time_by_team(items: ActionItemQuerySet, today: date) -> list[OnTime]:
    """For the items given (those the reader may see), per team: one query."""
    rows = (
        items.filter(due_date__isnull=False)
        .values("postmortem__team__name")
        .annotate(
            done=Count("pk", filter=Q(status=ActionStatus.DONE)),
            done_on_time=Count(
                "pk", filter=Q(status=ActionStatus.DONE, completed_at__date__lte=F("due_date"))
            ),
            overdue=Count("pk", filter=~Q(status__in=CLOSED_STATUSES) & Q(due_date__lt=today)),
        )
        .order_by("postmortem__team__name")
    )
    return [
        OnTime(row["postmortem__team__name"], row["done"], row["done_on_time"], row["overdue"])
        for row in rows
    ]
