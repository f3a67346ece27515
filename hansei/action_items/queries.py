"""Read-only questions about action items: how each team keeps its deadlines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, F, OuterRef, Q

from hansei.accounts.models import User
from hansei.action_items.models import (
    CLOSED_STATUSES,
    ActionItem,
    ActionItemQuerySet,
    ActionKind,
    ActionStatus,
    Recurrence,
)


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


# --- the action items page, its CSV export and the API share one filter -----------------------

STATUS_CHOICES = ("unfinished", "closed", *ActionStatus.values)
TRACKER_CHOICES = ("none", "linked", "creating", "failed")


class Nobody:
    """The owner filter's "items nobody owns"."""

    def __repr__(self) -> str:
        return "NOBODY"


NOBODY = Nobody()


@dataclass(frozen=True)
class ItemFilter:
    """Which items to show. Empty means any. ``owner`` is a user (None: any) or ``NOBODY``;
    ``tracker`` whether the item has a tracker issue (none, linked, creating, failed) and
    ``tracker_state`` the tracker's own name for the issue's state ("In Review")."""

    team: int | None = None
    owner: User | Nobody | None = None
    priority: str = ""
    status: str = ""
    overdue: bool | None = None
    tracker: str = ""
    tracker_state: str = ""

    def apply(self, items: ActionItemQuerySet, today: date) -> ActionItemQuerySet:
        if self.team is not None:
            items = items.filter(postmortem__team_id=self.team)
        if isinstance(self.owner, Nobody):
            items = items.filter(owner__isnull=True)
        elif self.owner is not None:
            items = items.filter(owner=self.owner)
        if self.priority:
            items = items.filter(priority=self.priority)
        if self.status == "unfinished":
            items = items.unfinished()
        elif self.status == "closed":
            items = items.filter(status__in=CLOSED_STATUSES)
        elif self.status:
            items = items.filter(status=self.status)
        if self.overdue is True:
            items = items.overdue(today)
        elif self.overdue is False:
            items = items.exclude(pk__in=items.overdue(today).values("pk"))
        # The tracker link is the integrations' row; read here through its reverse relation.
        if self.tracker == "none":
            items = items.filter(tracker_link__isnull=True)
        elif self.tracker:
            items = items.filter(tracker_link__state=self.tracker)
        if self.tracker_state:
            items = items.filter(tracker_link__remote_state__iexact=self.tracker_state)
        return items


def tracker_states(items: ActionItemQuerySet) -> list[str]:
    """The tracker states the given items' issues are in, for the filter's choices."""
    states = (
        items.exclude(tracker_link__remote_state="")
        .exclude(tracker_link__isnull=True)
        .values_list("tracker_link__remote_state", flat=True)
        .distinct()
        .order_by("tracker_link__remote_state")
    )
    return list(states[:100])


# --- did the fixes hold? --------------------------------------------------------------------


@dataclass(frozen=True)
class FixRecord:
    """A team's done fixes of one type that say what they address: held, or recurred."""

    team: str
    kind: str
    held: int
    recurred: int

    @property
    def kind_label(self) -> str:
        return str(ActionKind(self.kind).label) if self.kind in ActionKind.values else self.kind


def verifiable_fixes(items: ActionItemQuerySet) -> ActionItemQuerySet:
    """Done items naming at least one factor and one service: those a later postmortem can
    show to have held or not."""
    through_factors = ActionItem.addresses_factors.through.objects.filter(actionitem=OuterRef("pk"))
    through_services = ActionItem.addresses_services.through.objects.filter(
        actionitem=OuterRef("pk")
    )
    return items.filter(status=ActionStatus.DONE).filter(
        Exists(through_factors), Exists(through_services)
    )


def fixes_by_team_and_kind(items: ActionItemQuerySet) -> list[FixRecord]:
    """For the items given (those the reader may see), per team and type: one query."""
    recurred = Exists(Recurrence.objects.filter(item=OuterRef("pk")))
    rows = (
        verifiable_fixes(items)
        .annotate(did_recur=recurred)
        .values("postmortem__team__name", "kind")
        .annotate(
            held=Count("pk", filter=Q(did_recur=False)),
            recurred=Count("pk", filter=Q(did_recur=True)),
        )
        .order_by("postmortem__team__name", "kind")
    )
    return [
        FixRecord(row["postmortem__team__name"], row["kind"], row["held"], row["recurred"])
        for row in rows
    ]
