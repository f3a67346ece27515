"""The dashboard's figures, in the order the page shows them: for each, its title, what it
counts exactly, the query that computes it, its table, its chart, and when to warn that the
numbers are too few. The page, the CSV export and the API all read this registry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hansei.insights import charts, present, queries
from hansei.insights.stats import MIN_TO_COMPARE, PROCESS_EDGES, RESPONSE_EDGES
from hansei.insights.tables import Table


@dataclass(frozen=True)
class Figure:
    slug: str
    title: Any  # lazy text
    about: Any  # lazy text: what it counts, exactly
    compute: Callable[..., Any]  # (user, scope) -> the figure's dataclass
    table: Callable[[Any], Table]
    chart: Callable[[Any, str, str], SafeString | None]  # None: nothing to draw
    warning: Callable[[Any], str] = lambda data: ""


@dataclass(frozen=True)
class Section:
    key: str
    title: Any
    figures: tuple[Figure, ...]


def _few(n: int, text: str) -> str:
    """``text`` when there are some, but fewer than can be compared (none: nothing is drawn)."""
    return text if 0 < n < MIN_TO_COMPARE else ""


def _few_incidents(data: queries.ResponseTimes) -> str:
    n = data.incidents
    text = ngettext(
        "Only %(n)s incident: too few to compare periods or teams. With fewer than 10, one "
        "unusual incident moves every percentile; read the incidents themselves instead.",
        "Only %(n)s incidents: too few to compare periods or teams. With fewer than 10, one "
        "unusual incident moves every percentile; read the incidents themselves instead.",
        n,
    )
    return _few(n, text % {"n": n})


def _few_postmortems(data: queries.ProcessTimes) -> str:
    n = data.postmortems
    text = ngettext(
        "Only %(n)s postmortem: too few to compare periods or teams. With fewer than 10, one "
        "unusual postmortem moves every percentile.",
        "Only %(n)s postmortems: too few to compare periods or teams. With fewer than 10, one "
        "unusual postmortem moves every percentile.",
        n,
    )
    return _few(n, text % {"n": n})


def _few_decided(n: int) -> str:
    text = ngettext(
        "The rate stands on %(n)s decided case only: too few to compare (fewer than 10).",
        "The rate stands on %(n)s decided cases only: too few to compare (fewer than 10).",
        n,
    )
    return _few(n, text % {"n": n})


INCIDENTS = Section(
    "incidents",
    _("Incidents"),
    (
        Figure(
            "incidents",
            _("Incidents over time"),
            _("Incidents that started in each week (or month) of the period."),
            queries.incidents_over_time,
            present.incidents_table,
            present.incidents_chart,
        ),
        Figure(
            "response-times",
            _("Time to detect, acknowledge, mitigate and resolve"),
            _(
                "Per incident that started in the period: from its start to detection, from "
                "detection to acknowledgement, from its start to mitigation and to resolution. "
                "Each bar counts the incidents in a range of durations; below it, the line runs "
                "from the shortest to the longest and the box from the median (p50) to the 90th "
                "percentile (p90)."
            ),
            queries.response_times,
            present.distribution_table,
            present.spread(RESPONSE_EDGES),
            _few_incidents,
        ),
        Figure(
            "services",
            _("Services with most incidents"),
            _("The ten services affected by most incidents of the period."),
            queries.services_with_most_incidents,
            present.services_table,
            present.chart_of_table(charts.bar_chart, present.services_table),
        ),
    ),
)
CAUSES = Section(
    "causes",
    _("Causes"),
    (
        Figure(
            "factors",
            _("Contributing factors over time"),
            _(
                "For each category of contributing factor, the postmortems started in each week "
                "(or month) that name it."
            ),
            queries.factors_over_time,
            present.factors_table,
            present.factors_chart,
        ),
        Figure(
            "repeats",
            _("Repeat incidents"),
            _(
                "A service and a contributing factor category found together in more than one "
                "incident of the period: the same kind of trouble, on the same service, again."
            ),
            queries.repeat_incidents,
            present.repeats_table,
            present.repeats_chart,
        ),
    ),
)
PROCESS = Section(
    "process",
    _("The postmortem process"),
    (
        Figure(
            "process-times",
            _("Time to first draft, review and publication"),
            _(
                "Per postmortem started in the period: from the end of its incident (its "
                "resolution, or its start while unresolved) to the draft, from the draft to the "
                "first review request, and from the draft to publication."
            ),
            queries.process_times,
            present.distribution_table,
            present.spread(PROCESS_EDGES),
            _few_postmortems,
        ),
        Figure(
            "on-time",
            _("Postmortems published on time"),
            _(
                "Postmortems started in the period, published on or before their due date, or "
                "late: published after it, or still unpublished after it. Those not yet due are "
                "left out of the rate."
            ),
            queries.published_on_time,
            present.on_time_table,
            present.on_time_chart,
            lambda data: _few_decided(data.on_time + data.late),
        ),
        Figure(
            "review-rounds",
            _("Review rounds"),
            _("How many review rounds the published postmortems started in the period needed."),
            queries.review_rounds,
            present.rounds_table,
            present.chart_of_table(charts.bar_chart, present.rounds_table),
        ),
    ),
)
ACTION_ITEMS = Section(
    "action-items",
    _("Action items"),
    (
        Figure(
            "action-items",
            _("Action item completion"),
            _("Action items created in the period, by where they stand today."),
            queries.completion,
            present.completion_table,
            present.chart_of_table(charts.bar_chart, present.completion_table),
        ),
        Figure(
            "action-items-on-time",
            _("Action items done on time, by priority"),
            _(
                "Action items due in the period: done on or before their due date, or late "
                "(done after it, or unfinished after it). Items not yet due are left out of the "
                "rate, items nobody will do are left out altogether."
            ),
            queries.items_on_time,
            present.items_on_time_table,
            present.items_on_time_chart,
            lambda data: _few_decided(sum(row.on_time + row.late for row in data.rows)),
        ),
        Figure(
            "overdue",
            _("Overdue action items by team"),
            _("Action items due in the period and still unfinished after their due date."),
            queries.overdue_by_team,
            present.overdue_table,
            present.chart_of_table(charts.bar_chart, present.overdue_table),
        ),
        Figure(
            "fixes",
            _("Did the fixes hold?"),
            _(
                "Action items done in the period that name the contributing factors and services "
                "they fix: held so far, or recurred (a later postmortem found the same factor on "
                "the same service)."
            ),
            queries.fixes_held,
            present.fixes_table,
            present.fixes_chart,
            lambda data: _few_decided(data.held + data.recurred),
        ),
    ),
)
WRITING = Section(
    "writing",
    _("Writing"),
    (
        Figure(
            "findings",
            _("Open writing-check findings at publication"),
            _(
                "Findings of the writing check still open (not dismissed) when a postmortem was "
                "published in the period, per rule. Recorded at each publication since Hansei "
                "keeps them."
            ),
            queries.findings_at_publication,
            present.findings_table,
            present.findings_chart,
        ),
        Figure(
            "dismissals",
            _("Dismissed findings by rule"),
            _("Writing-check findings that writers dismissed in the period, with a reason."),
            queries.dismissals_by_rule,
            present.dismissals_table,
            present.chart_of_table(charts.bar_chart, present.dismissals_table),
        ),
    ),
)

SECTIONS = (INCIDENTS, CAUSES, PROCESS, ACTION_ITEMS, WRITING)
FIGURES = {figure.slug: figure for section in SECTIONS for figure in section.figures}
