"""What a dashboard looks at, and the rows of each kind a person may see within it.

A ``Scope`` is a period (whole days, both ends included, in the site's time zone) and, if
chosen, a team, a service and a severity. Every figure starts from one of the sets below,
and every set starts from the rulebook, so a figure counts only what its reader may see:

* incidents: those that started in the period, of the team, affecting the service, of the
  severity;
* postmortems: those started (created) in the period, of the team, about an incident that
  affected the service or had the severity;
* action items, contributing factors, dismissals: rows of those postmortems' kind (the team,
  service and severity as for postmortems), each figure saying which date falls in the period.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, Literal

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from hansei import access
from hansei.access.postmortems import of_readable_postmortems
from hansei.action_items.models import ActionItemQuerySet
from hansei.incidents.models import Incident, IncidentQuerySet
from hansei.postmortems.document.models import PostmortemQuerySet

if TYPE_CHECKING:
    from hansei.accounts.models import Team, User
    from hansei.incidents.models import Service, Severity

Bucket = Literal["week", "month"]
WEEKLY_UP_TO_DAYS = 120  # longer periods are shown by month


@dataclass(frozen=True)
class Scope:
    since: date
    until: date  # included
    team: Team | None = None
    service: Service | None = None
    severity: Severity | None = None
    today: date = field(default_factory=timezone.localdate)

    @property
    def start(self) -> datetime:
        return _midnight(self.since)

    @property
    def end(self) -> datetime:
        """The first instant after the period."""
        return _midnight(self.until + timedelta(days=1))

    @property
    def bucket(self) -> Bucket:
        return "week" if (self.until - self.since).days <= WEEKLY_UP_TO_DAYS else "month"

    def buckets(self) -> list[date]:
        """The first day of every week (Monday) or month the period touches."""
        first = _bucket_start(self.since, self.bucket)
        found = []
        while first <= self.until:
            found.append(first)
            first = _next_bucket(first, self.bucket)
        return found

    def bucket_of(self, column: str) -> Case:
        """The database expression for the index (in ``buckets()``) of the week or month
        ``column``, a time in the period, falls in. Comparisons with each bucket's end, in
        the site's time zone, rather than a truncation: SQLite truncates times in Python,
        row by row, several times slower."""
        ends = [_midnight(start) for start in self.buckets()[1:]]
        whens = [When(**{f"{column}__lt": end}, then=Value(i)) for i, end in enumerate(ends)]
        return Case(*whens, default=Value(len(ends)), output_field=IntegerField())

    def as_query(self) -> dict[str, str]:
        """The filters as the page's query parameters (for links to the same figures)."""
        query = {"since": self.since.isoformat(), "until": self.until.isoformat()}
        if self.team is not None:
            query["team"] = self.team.slug
        if self.service is not None:
            query["service"] = self.service.slug
        if self.severity is not None:
            query["severity"] = self.severity.name
        return query


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _bucket_start(day: date, bucket: Bucket) -> date:
    if bucket == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def _next_bucket(day: date, bucket: Bucket) -> date:
    if bucket == "week":
        return day + timedelta(days=7)
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def incidents_in(user: User, scope: Scope) -> IncidentQuerySet:
    incidents = access.incidents_visible_to(user).filter(
        started_at__gte=scope.start, started_at__lt=scope.end
    )
    if scope.team is not None:
        incidents = incidents.filter(team=scope.team)
    if scope.severity is not None:
        incidents = incidents.filter(severity=scope.severity)
    if scope.service is not None:
        # Through a subquery: a join here would be reused by figures that group by service.
        affected = Incident.services.through.objects.filter(service=scope.service)
        incidents = incidents.filter(pk__in=affected.values("incident_id"))
    return incidents.order_by()


def of_postmortems_in(scope: Scope, prefix: str = "") -> Q:
    """Rows (postmortems, or rows reaching one through ``prefix``) of the scope's team,
    about an incident of its service and severity. Not the period: each figure says which
    date it puts in the period."""
    condition = Q()
    if scope.team is not None:
        condition &= Q(**{f"{prefix}team": scope.team})
    if scope.service is not None:
        affected = Incident.objects.filter(services=scope.service).values("postmortem_id")
        condition &= Q(**{f"{prefix}pk__in": affected})
    if scope.severity is not None:
        graded = Incident.objects.filter(severity=scope.severity).values("postmortem_id")
        condition &= Q(**{f"{prefix}pk__in": graded})
    return condition


def postmortems_in(user: User, scope: Scope) -> PostmortemQuerySet:
    visible = access.postmortems_visible_to(user)
    started = visible.filter(created_at__gte=scope.start, created_at__lt=scope.end)
    return started.filter(of_postmortems_in(scope)).order_by()


def action_items_of(user: User, scope: Scope) -> ActionItemQuerySet:
    """The items the reader may see, of the scope's postmortems (any period)."""
    items = access.action_items_visible_to(user)
    return items.filter(of_postmortems_in(scope, "postmortem__")).order_by()


def rows_of_readable_postmortems(user: User, rows: QuerySet[Any], scope: Scope) -> QuerySet[Any]:
    """Rows with a ``postmortem`` and a ``created_at`` (contributing factors, dismissals) the
    reader may see: of the postmortems they read, and of one being amended that they may not
    read the draft of, only the rows it had when it was last published."""
    if not access.is_signed_in(user):
        return rows.none()
    rows = rows.filter(of_postmortems_in(scope, "postmortem__")).order_by()
    # Admins read everything (and ``live_readers_q`` is an empty Q for them, which an OR
    # would drop).
    return rows if user.is_admin else rows.filter(of_readable_postmortems(user, since="created_at"))
