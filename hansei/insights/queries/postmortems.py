"""The postmortem process itself, over the postmortems started in the period: how long the
first draft, the first review request and publication took, how many were published by
their due date, and how many review rounds they needed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, F, Min, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hansei.insights.queries.incidents import CountRow, Ranking
from hansei.insights.queries.seconds import SecondsBetween
from hansei.insights.scope import Scope, postmortems_in
from hansei.insights.stats import PROCESS_EDGES, Distribution, distribution, share

if TYPE_CHECKING:
    from hansei.accounts.models import User

MOST_ROUNDS = 4  # "4 or more"


@dataclass(frozen=True)
class ProcessTimes:
    """For the postmortems started in the period:

    * to first draft: from the end of its incident (the earliest resolution among its
      incidents; their earliest start while none is resolved) to the draft's creation, 0 when
      the draft was started before that;
    * to review: from the draft's creation to the first review request;
    * to publish: from the draft's creation to its first publication.
    """

    postmortems: int
    measures: list[Distribution]


def process_times(user: User, scope: Scope) -> ProcessTimes:
    ended = Coalesce(Min("incidents__resolved_at"), Min("incidents__started_at"))
    durations = {
        "draft": SecondsBetween(ended, "created_at"),
        "review": SecondsBetween("created_at", Min("reviews__requested_at")),
        "publish": SecondsBetween("created_at", "published_at"),
    }
    rows = list(postmortems_in(user, scope).annotate(**durations).values_list(*durations))
    labels = (_("Time to first draft"), _("Time to review"), _("Time to publish"))
    measures = [
        distribution(key, label, [row[i] for row in rows if row[i] is not None], PROCESS_EDGES)
        for i, (key, label) in enumerate(zip(durations, labels, strict=True))
    ]
    return ProcessTimes(len(rows), measures)


@dataclass(frozen=True)
class PublishedOnTime:
    """Of the postmortems started in the period: published on or before their due date,
    late (published after it, or still unpublished after it), and not yet due (unpublished,
    due today or later, left out of the rate). ``rate``: on time of those decided, in percent."""

    on_time: int
    late: int
    not_yet_due: int
    rate: float | None


def published_on_time(user: User, scope: Scope) -> PublishedOnTime:
    unpublished = Q(published_at__isnull=True)
    counts = postmortems_in(user, scope).aggregate(
        on_time=Count("pk", filter=Q(published_at__date__lte=F("due_date"))),
        late=Count(
            "pk",
            filter=Q(published_at__date__gt=F("due_date"))
            | unpublished & Q(due_date__lt=scope.today),
        ),
        pending=Count("pk", filter=unpublished & Q(due_date__gte=scope.today)),
    )
    on_time, late = counts["on_time"], counts["late"]
    return PublishedOnTime(on_time, late, counts["pending"], share(on_time, on_time + late))


def review_rounds(user: User, scope: Scope) -> Ranking:
    """How many review rounds the published postmortems started in the period went through
    (an amendment's rounds count too)."""
    rows = (
        postmortems_in(user, scope)
        .filter(published_at__isnull=False)
        .values("review_round")
        .annotate(n=Count("pk"))
        .order_by("review_round")
    )
    counts: dict[int, int] = {}
    for row in rows:
        rounds = min(row["review_round"], MOST_ROUNDS)
        counts[rounds] = counts.get(rounds, 0) + row["n"]
    return Ranking(
        [CountRow(str(rounds), _rounds_label(rounds), n) for rounds, n in counts.items()]
    )


def _rounds_label(rounds: int) -> str:
    if rounds >= MOST_ROUNDS:
        return _("%(n)s or more rounds") % {"n": MOST_ROUNDS}
    return ngettext("%(n)s round", "%(n)s rounds", rounds) % {"n": rounds}
