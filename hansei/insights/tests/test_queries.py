"""Every figure against numbers worked out by hand from the world in ``world.py`` (its
docstring lists every timestamp). Ada is an admin and sees everything; Charlie is in the
Search team and sees Search's postmortems and the Payments ones that are published and not
restricted (P0, P1, P2), never P3 (restricted) nor the drafts P5 and P6."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pytest

from hansei.incidents.models import Severity
from hansei.insights import queries
from hansei.insights.scope import Scope
from hansei.insights.tests.world import MARCH, World, at
from hansei.postmortems.analysis.models import ContributingFactor
from hansei.postmortems.document.models import Postmortem, Revision, Status

pytestmark = pytest.mark.django_db

M, H, D = 60, 3600, 86400
WEEKS = [date(2025, 2, 24), *(date(2025, 3, day) for day in (3, 10, 17, 24, 31))]


def _points(figure: queries.IncidentsOverTime) -> list[tuple[date, int]]:
    return [(point.start, point.count) for point in figure.points]


def _stats(figure: Any) -> dict[str, tuple[Any, ...]]:
    return {
        m.key: (m.n, m.min_seconds, m.p50_seconds, m.p90_seconds, m.max_seconds)
        for m in figure.measures
    }


def test_it_counts_incidents_per_week_of_the_period(world: World, ada: Any, charlie: Any) -> None:
    figure = queries.incidents_over_time(ada, MARCH)
    assert figure.bucket == "week"
    assert _points(figure) == list(zip(WEEKS, [0, 2, 1, 1, 1, 0], strict=True))
    assert figure.total == 5
    # Charlie does not see I3 (restricted) nor I5 (its postmortem is a draft).
    assert [p.count for p in queries.incidents_over_time(charlie, MARCH).points] == [
        0,
        2,
        0,
        1,
        0,
        0,
    ]


def test_it_filters_incidents_by_team_service_and_severity(
    world: World, ada: Any, payments: Any
) -> None:
    def counts(**filters: Any) -> list[int]:
        scope = dataclasses.replace(MARCH, **filters)
        return [p.count for p in queries.incidents_over_time(ada, scope).points]

    assert counts(team=payments) == [0, 2, 1, 0, 1, 0]
    assert counts(service=world.services["ledger"]) == [0, 1, 1, 0, 0, 0]
    assert counts(severity=Severity.objects.get(level=2)) == [0, 1, 0, 1, 0, 0]


def test_it_counts_by_month_over_a_year(world: World, ada: Any) -> None:
    year = Scope(since=date(2024, 4, 11), until=date(2025, 4, 10), today=date(2025, 4, 10))
    figure = queries.incidents_over_time(ada, year)
    assert figure.bucket == "month"
    assert len(figure.points) == 13  # April 2024 to April 2025
    assert [(p.start, p.count) for p in figure.points if p.count] == [
        (date(2025, 2, 1), 1),
        (date(2025, 3, 1), 5),
    ]


def test_it_shows_response_times_as_distributions(world: World, ada: Any, charlie: Any) -> None:
    figure = queries.response_times(ada, MARCH)
    assert figure.incidents == 5
    # n, shortest, p50, p90, longest (nearest rank: p50 of 4 values is the 2nd, p90 the 4th).
    assert _stats(figure) == {
        "detect": (4, 1 * M, 5 * M, 2 * H, 2 * H),  # 1m, 5m, 30m, 2h
        "acknowledge": (3, 1 * M, 10 * M, 10 * M, 10 * M),  # 1m, 10m, 10m
        "mitigate": (4, 20 * M, 1 * H, 4 * H, 4 * H),  # 20m, 1h, 3h, 4h
        "resolve": (5, 30 * M, 2 * H, 1 * D, 1 * D),  # 30m, 45m, 2h, 10h, 1d
    }
    resolve = figure.measures[3]
    # Bins: <1m <5m <15m <30m <1h <2h <4h <8h <1d <2d <7d ≥7d
    assert [b.count for b in resolve.bins] == [0, 0, 0, 0, 2, 0, 1, 0, 1, 1, 0, 0]
    assert resolve.too_few
    assert _stats(queries.response_times(charlie, MARCH))["resolve"] == (3, 2 * H, 10 * H, D, D)


def test_it_ranks_services_by_incidents(world: World, ada: Any, charlie: Any) -> None:
    def ranking(user: Any) -> list[tuple[str, int]]:
        rows = queries.services_with_most_incidents(user, MARCH).rows
        return [(row.label, row.count) for row in rows]

    assert ranking(ada) == [("Checkout", 3), ("Ledger", 2), ("Search API", 1)]
    assert ranking(charlie) == [("Checkout", 2), ("Ledger", 1), ("Search API", 1)]


def test_it_counts_postmortems_naming_each_factor_per_week(
    world: World, ada: Any, charlie: Any
) -> None:
    figure = queries.factors_over_time(ada, MARCH)
    assert figure.periods == WEEKS
    assert [(r.category, r.counts, r.total) for r in figure.rows] == [
        ("Config push", [0, 2, 0, 1, 0, 0], 3),  # P1 (twice: counted once), P2; P4
        ("Capacity limit", [0, 1, 1, 0, 0, 0], 2),  # P2; P3
        ("No category", [0, 1, 0, 0, 0, 0], 1),  # P2
    ]
    seen = queries.factors_over_time(charlie, MARCH)
    assert [(r.category, r.total) for r in seen.rows] == [
        ("Config push", 3),
        ("Capacity limit", 1),
        ("No category", 1),
    ]


def test_it_finds_a_service_and_a_factor_in_more_than_one_incident(
    world: World, ada: Any, charlie: Any
) -> None:
    rows = queries.repeat_incidents(ada, MARCH).rows
    assert [(r.service, r.category, r.incidents) for r in rows] == [
        ("Checkout", "Config push", 2),  # I1, I2
        ("Ledger", "Capacity limit", 2),  # I2, I3
    ]
    rows = queries.repeat_incidents(charlie, MARCH).rows  # I3's postmortem is restricted
    assert [(r.service, r.category, r.incidents) for r in rows] == [("Checkout", "Config push", 2)]


def test_it_shows_the_process_times_as_distributions(world: World, ada: Any, charlie: Any) -> None:
    figure = queries.process_times(ada, MARCH)
    assert figure.postmortems == 6
    assert _stats(figure) == {
        # P1 2h, P2 1d, P3 30m, P4 1d, P5 1d 15m; P6 has no incident
        "draft": (5, 30 * M, D, D + 15 * M, D + 15 * M),
        # P1 1d (its first request), P2 2d, P3 12h, P4 3d; P5, P6 never asked
        "review": (4, 12 * H, D, 3 * D, 3 * D),
        # P1 3d, P2 14d, P3 2d, P4 6d
        "publish": (4, 2 * D, 3 * D, 14 * D, 14 * D),
    }
    assert _stats(queries.process_times(charlie, MARCH)) == {
        "draft": (3, 2 * H, D, D, D),
        "review": (3, D, 2 * D, 3 * D, 3 * D),
        "publish": (3, 3 * D, 6 * D, 14 * D, 14 * D),
    }


def test_it_counts_postmortems_published_by_their_due_date(
    world: World, ada: Any, charlie: Any
) -> None:
    # P1 (on its due day) and P3 on time; P2, P4 published late and P6 unpublished past due;
    # P5 is not due yet.
    assert queries.published_on_time(ada, MARCH) == queries.PublishedOnTime(2, 3, 1, 40.0)
    assert queries.published_on_time(charlie, MARCH) == queries.PublishedOnTime(1, 2, 0, 33.3)


def test_it_counts_review_rounds_of_published_postmortems(
    world: World, ada: Any, charlie: Any
) -> None:
    def rounds(user: Any) -> list[tuple[str, str, int]]:
        return [(r.key, r.label, r.count) for r in queries.review_rounds(user, MARCH).rows]

    assert rounds(ada) == [("1", "1 round", 2), ("2", "2 rounds", 1), ("4", "4 or more rounds", 1)]
    assert rounds(charlie) == [
        ("1", "1 round", 1),
        ("2", "2 rounds", 1),
        ("4", "4 or more rounds", 1),
    ]


def test_it_counts_action_items_created_in_the_period_by_status(
    world: World, ada: Any, charlie: Any
) -> None:
    figure = queries.completion(ada, MARCH)
    counts = {row.key: row.count for row in figure.rows}
    assert counts == {"open": 2, "in_progress": 1, "done": 3, "wont_do": 1}  # A8: February
    assert (figure.total, figure.done_rate) == (7, 42.9)
    seen = queries.completion(charlie, MARCH)  # not A5, of the restricted P3
    counts = {row.key: row.count for row in seen.rows}
    assert counts == {"open": 2, "in_progress": 1, "done": 2, "wont_do": 1}
    assert (seen.total, seen.done_rate) == (6, 33.3)


def test_it_rates_action_items_done_on_time_by_priority(
    world: World, ada: Any, charlie: Any
) -> None:
    def rows(user: Any, scope: Scope = MARCH) -> list[tuple[Any, ...]]:
        found = queries.items_on_time(user, scope).rows
        return [(r.priority, r.on_time, r.late, r.not_yet_due, r.rate) for r in found]

    # P0: A1 (done the evening of its due day), A5. P1: A8 on time; A2 done late, A3 open
    # past due. P2: A6 open past due. A4 is due in April, A7 won't be done.
    assert rows(ada) == [("P0", 2, 0, 0, 100.0), ("P1", 1, 2, 0, 33.3), ("P2", 0, 1, 0, 0.0)]
    assert rows(charlie) == [("P0", 1, 0, 0, 100.0), ("P1", 1, 2, 0, 33.3), ("P2", 0, 1, 0, 0.0)]
    on_26_march = dataclasses.replace(MARCH, today=date(2025, 3, 26))
    assert rows(ada, on_26_march)[2] == ("P2", 0, 0, 1, None)  # A6, due on the 30th


def test_it_counts_overdue_action_items_by_team(world: World, ada: Any, charlie: Any) -> None:
    for user in (ada, charlie):
        rows = queries.overdue_by_team(user, MARCH).rows
        assert [(r.label, r.count) for r in rows] == [("Payments", 1), ("Search", 1)]  # A3, A6


def test_it_tells_fixes_that_held_from_fixes_that_recurred(
    world: World, ada: Any, charlie: Any
) -> None:
    # A1 recurred in P5, a draft Charlie may not read: for him it held. A5 (restricted P3)
    # held, and is not his to see.
    assert queries.fixes_held(ada, MARCH) == queries.Fixes(1, 1, [queries.FixRow("Payments", 1, 1)])
    assert queries.fixes_held(charlie, MARCH) == queries.Fixes(
        1, 0, [queries.FixRow("Payments", 1, 0)]
    )


def test_it_counts_open_findings_at_publication_per_rule(
    world: World, ada: Any, charlie: Any
) -> None:
    figure = queries.findings_at_publication(ada, MARCH)
    assert (figure.publications, figure.clean, figure.clean_rate) == (4, 2, 50.0)
    assert [(r.rule, r.findings, r.publications) for r in figure.rows] == [
        ("blame-person", 3, 2),
        ("counterfactual", 1, 1),
    ]
    seen = queries.findings_at_publication(charlie, MARCH)
    assert (seen.publications, seen.clean, seen.clean_rate) == (3, 2, 66.7)
    assert [(r.rule, r.findings, r.publications) for r in seen.rows] == [
        ("blame-person", 2, 1),
        ("counterfactual", 1, 1),
    ]


def test_it_counts_dismissals_in_the_period_by_rule(world: World, ada: Any, charlie: Any) -> None:
    def rows(user: Any) -> list[tuple[str, int]]:
        return [(r.key, r.count) for r in queries.dismissals_by_rule(user, MARCH).rows]

    assert rows(ada) == [("blame-person", 2), ("judgemental", 1)]  # P0's was in February
    assert rows(charlie) == [("blame-person", 1), ("judgemental", 1)]


def test_a_factor_added_by_an_unpublished_amendment_counts_only_for_its_writers(
    world: World, ada: Any, charlie: Any
) -> None:
    p1 = world.postmortems["P1"]
    Postmortem.objects.filter(pk=p1.pk).update(status=Status.DRAFT)  # amended since the 6th
    assert Revision.objects.filter(postmortem=p1).exists()
    factor = ContributingFactor.objects.create(
        postmortem=p1, category=world.categories["capacity"], description="Found later"
    )
    ContributingFactor.objects.filter(pk=factor.pk).update(created_at=at(15))

    def capacity(user: Any) -> list[int]:
        rows = queries.factors_over_time(user, MARCH).rows
        return next(r.counts for r in rows if r.category == "Capacity limit")

    assert capacity(ada) == [0, 2, 1, 0, 0, 0]  # P1 and P2 in the week of the 3rd
    assert capacity(charlie) == [0, 1, 0, 0, 0, 0]  # P2 only


def test_nothing_in_the_period_gives_empty_figures(world: World, ada: Any) -> None:
    empty = Scope(since=date(2020, 1, 1), until=date(2020, 1, 31), today=date(2025, 4, 10))
    assert queries.incidents_over_time(ada, empty).total == 0
    assert all(
        m.n == 0 and m.p50_seconds is None for m in queries.response_times(ada, empty).measures
    )
    assert queries.published_on_time(ada, empty) == queries.PublishedOnTime(0, 0, 0, None)
    assert queries.findings_at_publication(ada, empty).clean_rate is None
