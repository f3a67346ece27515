"""How each figure is presented: as a table (on the page under its chart, and as CSV) and as
a chart (None when there is nothing to draw). ``figures`` says which goes with which."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from django.utils import formats
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from hansei.insights import charts, queries
from hansei.insights.scope import Bucket
from hansei.insights.tables import Column, Table, Value

Chart = Callable[[Any, str, str], SafeString | None]


def describe(table: Table, most: int = 20) -> str:
    """The table in a few sentences: the chart's description for screen readers."""
    rows = table.shown()
    parts = []
    for row in rows[:most]:
        cells = zip(table.columns[1:], row[1:], strict=True)
        rest = ", ".join(f"{column.label} {text}" for column, (text, _number) in cells)
        parts.append(f"{row[0][0]}: {rest}" if rest else row[0][0])
    return "; ".join(parts) + ("; …" if len(rows) > most else "")


def period_label(start: date, bucket: Bucket) -> str:
    """ "Feb 24" or "Feb 2025" ("2月24日", "2025年2月"): the locale's format, months short."""
    name = "MONTH_DAY_FORMAT" if bucket == "week" else "YEAR_MONTH_FORMAT"
    return formats.date_format(start, str(formats.get_format(name)).replace("F", "M"))


# --- tables ----------------------------------------------------------------------------------


def _ranking(data: queries.Ranking, key: str, label: str, counted: str) -> Table:
    columns = [Column(key, label, "text"), Column("count", counted)]
    return Table(columns, [[row.label, row.count] for row in data.rows])


def services_table(data: queries.Ranking) -> Table:
    return _ranking(data, "service", _("Service"), _("Incidents"))


def rounds_table(data: queries.Ranking) -> Table:
    return _ranking(data, "review_rounds", _("Review rounds"), _("Postmortems"))


def overdue_table(data: queries.Ranking) -> Table:
    return _ranking(data, "team", _("Team"), _("Overdue action items"))


def dismissals_table(data: queries.Ranking) -> Table:
    return _ranking(data, "rule", _("Rule"), _("Dismissals"))


def completion_table(data: queries.Completion) -> Table:
    return Table(
        [Column("status", _("Status"), "text"), Column("action_items", _("Action items"))],
        [[row.label, row.count] for row in data.rows],
    )


def distribution_table(data: queries.ResponseTimes | queries.ProcessTimes) -> Table:
    columns = [
        Column("measure", _("Measure"), "text"),
        Column("n", "n"),
        Column("min_seconds", _("Shortest"), "duration"),
        Column("p50_seconds", _("Median (p50)"), "duration"),
        Column("p90_seconds", _("90th percentile (p90)"), "duration"),
        Column("max_seconds", _("Longest"), "duration"),
    ]
    rows: list[list[Value]] = [
        [m.label, m.n, m.min_seconds, m.p50_seconds, m.p90_seconds, m.max_seconds]
        for m in data.measures
    ]
    return Table(columns, rows)


def incidents_table(data: queries.IncidentsOverTime) -> Table:
    first = _("Week of") if data.bucket == "week" else _("Month")
    columns = [Column("period_start", first, "date"), Column("incidents", _("Incidents"))]
    return Table(columns, [[point.start, point.count] for point in data.points])


def repeats_table(data: queries.Repeats) -> Table:
    columns = [
        Column("service", _("Service"), "text"),
        Column("factor_category", _("Contributing factor"), "text"),
        Column("incidents", _("Incidents")),
    ]
    return Table(columns, [[row.service, row.category, row.incidents] for row in data.rows])


def factors_table(data: queries.FactorsOverTime) -> Table:
    columns = [Column("factor_category", _("Contributing factor"), "text")]
    columns += [Column(p.isoformat(), period_label(p, data.bucket)) for p in data.periods]
    columns.append(Column("total", _("Total")))
    return Table(columns, [[row.category, *row.counts, row.total] for row in data.rows])


def _on_time_columns() -> list[Column]:
    return [
        Column("on_time", _("On time")),
        Column("late", _("Late")),
        Column("not_yet_due", _("Not yet due")),
        Column("on_time_percent", _("On time (%)"), "percent"),
    ]


def on_time_table(data: queries.PublishedOnTime) -> Table:
    columns = [Column("postmortems", _("Postmortems"), "text"), *_on_time_columns()]
    row: list[Value] = [_("Started in the period"), data.on_time, data.late, data.not_yet_due]
    return Table(columns, [[*row, data.rate]])


def items_on_time_table(data: queries.ItemsOnTime) -> Table:
    columns = [Column("priority", _("Priority"), "text"), *_on_time_columns()]
    rows: list[list[Value]] = [
        [r.priority, r.on_time, r.late, r.not_yet_due, r.rate] for r in data.rows
    ]
    return Table(columns, rows)


def fixes_table(data: queries.Fixes) -> Table:
    columns = [
        Column("team", _("Team"), "text"),
        Column("held", _("Fixes that held")),
        Column("recurred", _("Fixes that recurred")),
    ]
    return Table(columns, [[row.team, row.held, row.recurred] for row in data.rows])


def findings_table(data: queries.FindingsAtPublication) -> Table:
    columns = [
        Column("rule", _("Rule"), "text"),
        Column("open_findings", _("Open findings")),
        Column("publications", _("Publications with one")),
    ]
    return Table(columns, [[row.rule, row.findings, row.publications] for row in data.rows])


# --- charts ----------------------------------------------------------------------------------


def chart_of_table(draw: Callable[..., SafeString], table: Callable[[Any], Table]) -> Chart:
    """A bar chart of the figure's table: its first column names, its second counts."""

    def chart(data: Any, chart_id: str, title: str) -> SafeString | None:
        shown = table(data)
        rows = [(str(row[0]), int(row[1] or 0)) for row in shown.rows]  # type: ignore[arg-type]
        if not any(count for _label, count in rows):
            return None
        return draw(chart_id, title, describe(shown), rows)

    return chart


def incidents_chart(
    data: queries.IncidentsOverTime, chart_id: str, title: str
) -> SafeString | None:
    if not data.total:
        return None
    points = [(period_label(p.start, data.bucket), p.count) for p in data.points]
    return charts.column_chart(chart_id, title, describe(incidents_table(data)), points)


def spread(edges: Sequence[int]) -> Chart:
    def chart(data: Any, chart_id: str, title: str) -> SafeString | None:
        if not any(m.n for m in data.measures):
            return None
        desc = describe(distribution_table(data))
        return charts.spread_chart(chart_id, title, desc, data.measures, edges, _("No data"))

    return chart


def factors_chart(data: queries.FactorsOverTime, chart_id: str, title: str) -> SafeString | None:
    if not data.rows:
        return None
    columns = [period_label(start, data.bucket) for start in data.periods]
    rows = [(row.category, row.counts) for row in data.rows]
    return charts.heatmap(chart_id, title, describe(factors_table(data)), columns, rows)


def repeats_chart(data: queries.Repeats, chart_id: str, title: str) -> SafeString | None:
    if not data.rows:
        return None
    rows = [(f"{row.service} · {row.category}", row.incidents) for row in data.rows]
    desc = describe(repeats_table(data))
    return charts.bar_chart(chart_id, title, desc, rows, label_width=280)  # two names each


def findings_chart(
    data: queries.FindingsAtPublication, chart_id: str, title: str
) -> SafeString | None:
    if not data.rows:
        return None
    rows = [(row.rule, row.findings) for row in data.rows]
    return charts.bar_chart(chart_id, title, describe(findings_table(data)), rows)


def _split(
    chart_id: str,
    title: str,
    table: Table,
    rows: list[tuple[str, int, int]],
    names: tuple[str, str] | None = None,
) -> SafeString | None:
    """Two parts of each row: on time and late, unless ``names`` says otherwise."""
    if not any(good + bad for _label, good, bad in rows):
        return None
    parts = names or (_("On time"), _("Late"))
    return charts.split_chart(chart_id, title, describe(table), rows, parts)


def on_time_chart(data: queries.PublishedOnTime, chart_id: str, title: str) -> SafeString | None:
    rows = [(_("Postmortems"), data.on_time, data.late)]
    return _split(chart_id, title, on_time_table(data), rows)


def items_on_time_chart(data: queries.ItemsOnTime, chart_id: str, title: str) -> SafeString | None:
    rows = [(row.priority, row.on_time, row.late) for row in data.rows]
    return _split(chart_id, title, items_on_time_table(data), rows)


def fixes_chart(data: queries.Fixes, chart_id: str, title: str) -> SafeString | None:
    rows = [(row.team, row.held, row.recurred) for row in data.rows]
    names = (_("Fixes that held"), _("Fixes that recurred"))
    return _split(chart_id, title, fixes_table(data), rows, names)
