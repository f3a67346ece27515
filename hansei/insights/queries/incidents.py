"""The incidents and what contributed to them: how many over time, how long they took, which
services had most, which factors recur. Every function reads what ``user`` may see in
``scope`` (see ``scope``), in one query unless it says otherwise."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Count
from django.utils.translation import gettext as _

from hansei.incidents.models import Service
from hansei.insights.queries.seconds import SecondsBetween
from hansei.insights.scope import Bucket, Scope, incidents_in, postmortems_in
from hansei.insights.scope import rows_of_readable_postmortems as readable
from hansei.insights.stats import RESPONSE_EDGES, Distribution, distribution
from hansei.postmortems.analysis.models import ContributingFactor

if TYPE_CHECKING:
    from hansei.accounts.models import User

TOP = 10  # rankings show the first ten


@dataclass(frozen=True)
class CountPoint:
    start: date  # the first day of the week or month
    count: int


@dataclass(frozen=True)
class IncidentsOverTime:
    """Incidents that started in each week or month of the period."""

    bucket: Bucket
    total: int
    points: list[CountPoint]


def incidents_over_time(user: User, scope: Scope) -> IncidentsOverTime:
    rows = (
        incidents_in(user, scope)
        .annotate(bucket=scope.bucket_of("started_at"))
        .values("bucket")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {row["bucket"]: row["n"] for row in rows}
    points = [CountPoint(start, counts.get(i, 0)) for i, start in enumerate(scope.buckets())]
    return IncidentsOverTime(scope.bucket, sum(counts.values()), points)


@dataclass(frozen=True)
class ResponseTimes:
    """How long incidents took to be detected (from their start), acknowledged (from
    detection), mitigated and resolved (from their start)."""

    incidents: int
    measures: list[Distribution]


def response_times(user: User, scope: Scope) -> ResponseTimes:
    spans = {
        "detect": (_("Time to detect"), "started_at", "detected_at"),
        "acknowledge": (_("Time to acknowledge"), "detected_at", "acknowledged_at"),
        "mitigate": (_("Time to mitigate"), "started_at", "mitigated_at"),
        "resolve": (_("Time to resolve"), "started_at", "resolved_at"),
    }
    durations = {key: SecondsBetween(start, end) for key, (_label, start, end) in spans.items()}
    rows = list(incidents_in(user, scope).annotate(**durations).values_list(*spans))
    measures = [
        distribution(key, label, [row[i] for row in rows if row[i] is not None], RESPONSE_EDGES)
        for i, (key, (label, _start, _end)) in enumerate(spans.items())
    ]
    return ResponseTimes(len(rows), measures)


@dataclass(frozen=True)
class CountRow:
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class Ranking:
    rows: list[CountRow]


def services_with_most_incidents(user: User, scope: Scope) -> Ranking:
    """The ten services affected by most incidents of the scope (an incident of two services
    counts for each)."""
    incidents = incidents_in(user, scope).values("pk")
    rows = (
        Service.objects.filter(incidents__in=incidents)
        .values("slug", "name")
        .annotate(n=Count("incidents"))
        .order_by("-n", "name")[:TOP]
    )
    return Ranking([CountRow(row["slug"], row["name"], row["n"]) for row in rows])


@dataclass(frozen=True)
class RepeatRow:
    service: str
    category: str
    incidents: int


@dataclass(frozen=True)
class Repeats:
    """Pairs of a service and a contributing factor category seen in more than one incident
    of the period: the same kind of trouble, on the same service, again."""

    rows: list[RepeatRow]


def repeat_incidents(user: User, scope: Scope) -> Repeats:
    factors = readable(user, ContributingFactor.objects.all(), scope).values("pk")
    factor = "postmortem__contributing_factors"
    rows = (
        # One filter call: the factors and services joined here are the ones grouped below.
        # Driven from the period's incidents (a list of visible factors tested per row), not
        # from the factors (each looked up in the list of incidents: quadratic on SQLite).
        incidents_in(user, scope)
        .filter(
            **{f"{factor}__in": factors, f"{factor}__category__isnull": False},
            services__isnull=False,
        )
        .values("services__name", f"{factor}__category__name")
        .annotate(n=Count("pk", distinct=True))
        .filter(n__gt=1)
        .order_by("-n", "services__name", f"{factor}__category__name")[:TOP]
    )
    return Repeats(
        [
            RepeatRow(row["services__name"], row[f"{factor}__category__name"], row["n"])
            for row in rows
        ]
    )


@dataclass(frozen=True)
class FactorRow:
    category: str
    counts: list[int]  # per bucket, in the order of ``FactorsOverTime.periods``
    total: int


@dataclass(frozen=True)
class FactorsOverTime:
    """For each contributing factor category, how many of the scope's postmortems (started in
    the period) name it, per week or month of their start."""

    bucket: Bucket
    periods: list[date]
    rows: list[FactorRow]


def factors_over_time(user: User, scope: Scope) -> FactorsOverTime:
    postmortems = postmortems_in(user, scope).values("pk")
    rows = (
        readable(user, ContributingFactor.objects.all(), scope)
        .filter(postmortem__in=postmortems)
        .annotate(bucket=scope.bucket_of("postmortem__created_at"))
        .values("category__name", "bucket")
        .annotate(n=Count("postmortem", distinct=True))
        .order_by()
    )
    periods = scope.buckets()
    table: dict[str, list[int]] = {}
    for row in rows:
        name = row["category__name"] or _("No category")
        table.setdefault(name, [0] * len(periods))[row["bucket"]] += row["n"]
    found = [FactorRow(name, counts, sum(counts)) for name, counts in table.items()]
    found.sort(key=lambda row: (-row.total, row.category))
    return FactorsOverTime(scope.bucket, periods, found)
