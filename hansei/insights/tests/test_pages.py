"""The dashboard and its CSV exports through HTTP: filters, the numbers they show, refusals
with a reason, and nothing of a restricted postmortem for someone outside its team."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from hansei.insights.figures import FIGURES
from hansei.insights.tests.world import World

pytestmark = pytest.mark.django_db
MARCH = {"since": "2025-03-01", "until": "2025-03-31"}


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _csv(client: Client, figure: str, **params: str) -> str:
    response = client.get(f"/insights/{figure}.csv", params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return response.content.decode("utf-8-sig")


def test_it_shows_every_figure_with_a_chart_a_table_and_a_csv_link(world: World, ada: Any) -> None:
    response = _client(ada).get("/insights/", MARCH)
    assert response.status_code == 200
    page = response.content.decode()
    for figure in FIGURES.values():
        assert f'id="figure-{figure.slug}"' in page
        assert f"/insights/{figure.slug}.csv?since=2025-03-01&amp;until=2025-03-31" in page
    assert page.count('role="img"') == len(FIGURES)  # every figure has data in March
    assert 'aria-labelledby="chart-incidents-title" aria-describedby="chart-incidents-desc"' in page
    assert page.count("Show as table") == len(FIGURES)
    # Five incidents, four of them timed to detection: too few to compare.
    assert "Only 5 incidents: too few to compare" in page


def test_it_keeps_the_filters_in_the_csv_links(world: World, ada: Any) -> None:
    params = {**MARCH, "team": "payments", "service": "checkout", "severity": "SEV2"}
    page = _client(ada).get("/insights/", params).content.decode()
    query = "&amp;".join(f"{key}={value}" for key, value in params.items())
    assert f"/insights/incidents.csv?{query}" in page
    assert '<option value="payments" selected>' in page


def test_the_csv_has_the_figures_numbers(world: World, ada: Any) -> None:
    client = _client(ada)
    assert _csv(client, "incidents", **MARCH).splitlines() == [
        "period_start,incidents",
        "2025-02-24,0",
        "2025-03-03,2",
        "2025-03-10,1",
        "2025-03-17,1",
        "2025-03-24,1",
        "2025-03-31,0",
    ]
    assert _csv(client, "response-times", **MARCH).splitlines() == [
        "measure,n,min_seconds,p50_seconds,p90_seconds,max_seconds",
        "Time to detect,4,60,300,7200,7200",
        "Time to acknowledge,3,60,600,600,600",
        "Time to mitigate,4,1200,3600,14400,14400",
        "Time to resolve,5,1800,7200,86400,86400",
    ]
    only_ledger = _csv(client, "services", **MARCH, service="ledger")
    assert only_ledger.splitlines() == ["service,count", "Ledger,2", "Checkout,1"]  # I2, I3


def test_a_restricted_postmortem_is_not_counted_for_someone_outside_its_team(
    world: World, ada: Any, charlie: Any
) -> None:
    """I3 (P3, restricted to Payments) is Ledger's second incident: Charlie never sees it,
    on the page or in any CSV."""
    assert "Ledger,2" in _csv(_client(ada), "services", **MARCH)
    client = _client(charlie)
    assert _csv(client, "services", **MARCH).splitlines() == [
        "service,count",
        "Checkout,2",
        "Ledger,1",
        "Search API,1",
    ]
    assert "Capacity limit,0,1,1" not in _csv(client, "factors", **MARCH)  # P3's week
    assert "Ledger" not in _csv(client, "repeats", **MARCH)
    page = client.get("/insights/", MARCH).content.decode()
    assert "Only 3 incidents" in page


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({"team": "nope"}, "Team: There is no team with this slug."),
        ({"service": "nope"}, "Service: There is no service with this slug."),
        ({"severity": "SEV9"}, "Severity: There is no severity with this name."),
        ({"days": "7"}, "Period: Choose 30, 90 or 365 days, or dates."),
        ({"since": "yesterday"}, "From: Enter a valid date."),
        ({"since": "2025-03-02", "until": "2025-03-01"}, "To: The end comes before the start."),
        (
            {"since": "1900-01-01", "until": "1970-02-01"},
            "From: Choose a date between 1970 and 2999.",
        ),
        (
            {"since": "2000-01-01", "until": "2025-01-01"},
            "To: Choose a period of at most ten years.",
        ),
        ({"since": "99999-01-01"}, "From: Enter a valid date."),
    ],
)
def test_bad_filters_are_refused_with_a_reason(
    world: World, alice: Any, params: dict[str, str], reason: str
) -> None:
    client = _client(alice)
    page = client.get("/insights/", params)
    assert page.status_code == 400
    assert reason.split(": ", 1)[1] in page.content.decode()
    assert 'role="img"' not in page.content.decode()
    export = client.get("/insights/incidents.csv", params)
    assert export.status_code == 400
    assert export["Content-Type"] == "text/plain; charset=utf-8"
    assert export.content.decode() == reason


def test_an_unknown_figure_is_not_found(alice: Any) -> None:
    assert _client(alice).get("/insights/everything.csv").status_code == 404


def test_someone_signed_out_is_sent_to_sign_in(db: Any) -> None:
    for path in ("/insights/", "/insights/incidents.csv"):
        response = Client().get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_an_empty_period_says_there_is_nothing_to_show(world: World, alice: Any) -> None:
    page = _client(alice).get("/insights/", {"since": "2020-01-01", "until": "2020-01-31"})
    assert page.status_code == 200
    text = page.content.decode()
    assert text.count("Nothing to show for these filters.") == len(FIGURES)
    assert "too few" not in text  # nothing at all is not a small number


def test_names_people_typed_are_escaped_in_charts_and_quoted_in_csv(world: World, ada: Any) -> None:
    world.services["checkout"].name = '<script>alert("x")</script>'
    world.services["checkout"].save()
    world.categories["config"].name = '=HYPERLINK("http://evil")'
    world.categories["config"].save()
    client = _client(ada)
    page = client.get("/insights/", MARCH).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    repeats = _csv(client, "repeats", **MARCH)
    assert "'=HYPERLINK" in repeats and ",=HYPERLINK" not in repeats
