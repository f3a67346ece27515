"""Every figure over the API: the same numbers as the page, the same refusals, the same
rules about who sees what."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from hansei.accounts.tests.test_api import ApiClient, assert_error
from hansei.insights.figures import FIGURES
from hansei.insights.tests.world import World

pytestmark = pytest.mark.django_db
MARCH = {"since": "2025-03-01", "until": "2025-03-31"}


@pytest.mark.parametrize("figure", sorted(FIGURES))
def test_every_figure_is_in_the_api(world: World, alice: Any, figure: str) -> None:
    response = ApiClient(alice).get(f"/insights/{figure}", **MARCH)
    assert response.status_code == 200, response.content
    assert isinstance(response.json(), dict)


def test_it_answers_incidents_over_time(world: World, ada: Any) -> None:
    body = ApiClient(ada).get("/insights/incidents", **MARCH, team="payments").json()
    assert body["bucket"] == "week"
    assert body["total"] == 4
    assert [(p["start"], p["count"]) for p in body["points"]] == [
        ("2025-02-24", 0),
        ("2025-03-03", 2),
        ("2025-03-10", 1),
        ("2025-03-17", 0),
        ("2025-03-24", 1),
        ("2025-03-31", 0),
    ]


def test_it_answers_distributions_with_their_percentiles(world: World, charlie: Any) -> None:
    body = ApiClient(charlie).get("/insights/response-times", **MARCH).json()
    assert body["incidents"] == 3  # I1, I2, I4: not I3 (restricted), not I5 (a draft's)
    resolve = body["measures"][3]
    assert (resolve["key"], resolve["n"], resolve["too_few"]) == ("resolve", 3, True)
    assert (resolve["min_seconds"], resolve["p50_seconds"], resolve["max_seconds"]) == (
        7200.0,
        36000.0,
        86400.0,
    )
    assert len(resolve["bins"]) == 12
    assert resolve["bins"][-1] == {"below_seconds": None, "count": 0}


def test_it_answers_the_process_and_the_action_items(world: World, ada: Any) -> None:
    api = ApiClient(ada)
    assert api.get("/insights/on-time", **MARCH, team="search").json() == {
        "on_time": 0,
        "late": 1,  # P4
        "not_yet_due": 0,
        "rate": 0.0,
    }
    fixes = api.get("/insights/fixes", **MARCH).json()
    rows = [{"team": "Payments", "held": 1, "recurred": 1}]
    assert fixes == {"held": 1, "recurred": 1, "rows": rows}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"team": "nope"}, "team"),
        ({"severity": "SEV9"}, "severity"),
        ({"days": "45"}, "days"),
        ({"since": "2025-13-01"}, "since"),
        ({"since": "2025-03-02", "until": "2025-03-01"}, "until"),
    ],
)
def test_bad_filters_are_a_400_naming_the_field(
    world: World, alice: Any, params: dict[str, str], field: str
) -> None:
    assert_error(ApiClient(alice).get("/insights/services", **params), 400, field)


def test_it_asks_who_is_calling(db: Any) -> None:
    assert Client().get("/api/v1/insights/incidents").status_code == 401
