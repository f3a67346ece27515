"""The feedback's charts: for each question, the share of 4s and 5s by team and quarter, drawn
by the insights' SVG heatmap (an empty cell: no answers, or too few to show)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from hansei.culture.feedback.queries import Group
from hansei.insights.charts import heatmap


@dataclass(frozen=True)
class Chart:
    slug: str
    title: str
    svg: SafeString


def feedback_charts(groups: list[Group]) -> list[Chart]:
    quarters = sorted({g.quarter for g in groups})
    teams = sorted({g.team for g in groups})
    if not quarters:
        return []
    cells = {(g.team, g.quarter): g for g in groups if g.shown}
    if not cells:
        return []
    questions = (
        ("helped", _("The process helped: percent answering 4 or 5")),
        ("toil", _("It cost a lot of toil: percent answering 4 or 5")),
        ("tools", _("The tools were adequate: percent answering 4 or 5")),
    )
    charts = []
    for slug, title in questions:
        rows = [
            (
                team,
                [
                    getattr(cells[(team, q)], slug) or 0 if (team, q) in cells else 0
                    for q in quarters
                ],
            )
            for team in teams
        ]
        description = _(
            "One row per team, one column per quarter; empty: fewer answers than shown."
        )
        charts.append(
            Chart(slug, title, heatmap(f"feedback-{slug}", title, description, quarters, rows))
        )
    return charts
