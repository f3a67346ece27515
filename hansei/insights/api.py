"""Every figure of the dashboard over the API, with the page's filters, counted over what the
caller may see. Bad filters are a 400 that names the field."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema

from hansei import access
from hansei.accounts.auth import actor_of
from hansei.insights import queries
from hansei.insights.forms import InsightsFilterForm
from hansei.insights.scope import Scope

router = Router(tags=["insights"])


class InsightsFilterIn(Schema):
    days: str = Query("", description="30, 90 or 365: the last days up to today (default 90).")
    since: str = Query("", description="The first day (YYYY-MM-DD); takes the place of days.")
    until: str = Query("", description="The last day, included (YYYY-MM-DD); default today.")
    team: str = Query("", description="A team's slug.")
    service: str = Query("", description="A service's slug.")
    severity: str = Query("", description='A severity\'s name ("SEV1").')


def _scope(request: HttpRequest, filters: InsightsFilterIn) -> tuple[Any, Scope]:
    actor = actor_of(request)
    access.require(access.is_signed_in(actor))
    form = InsightsFilterForm({k: v for k, v in filters.dict().items() if v})
    if not form.is_valid():
        found = form.errors.get_json_data()
        raise ValidationError({name: [e["message"] for e in each] for name, each in found.items()})
    return actor, form.scope()


@router.get(
    "/insights/incidents", response=queries.IncidentsOverTime, summary="Incidents over time"
)
def insights_incidents(request: HttpRequest, filters: Query[InsightsFilterIn]) -> Any:
    return queries.incidents_over_time(*_scope(request, filters))


@router.get(
    "/insights/response-times",
    response=queries.ResponseTimes,
    summary="Time to detect, acknowledge, mitigate and resolve, as distributions",
)
def insights_response_times(request: HttpRequest, filters: Query[InsightsFilterIn]) -> Any:
    return queries.response_times(*_scope(request, filters))


@router.get(
    "/insights/services", response=queries.Ranking, summary="The services with most incidents"
)
def insights_services(request: HttpRequest, filters: Query[InsightsFilterIn]) -> Any:
    return queries.services_with_most_incidents(*_scope(request, filters))


@router.get(
    "/insights/factors", response=queries.FactorsOverTime, summary="Contributing factors over time"
)
def insights_factors(request: HttpRequest, filters: Query[InsightsFilterIn]) -> Any:
    return queries.factors_over_time(*_scope(request, filters))


@router.get(
    "/insights/repeats",
    response=queries.Repeats,
    summary="Repeat incidents: a service and a factor category more than once",
)
def insights_repeats(request: HttpRequest, filters: Query[InsightsFilterIn]) -> Any:
    return queries.repeat_incidents(*_scope(request, filters))


@router.get(
    "/insights/process-times",
    response=queries.ProcessTimes,
    summary="Time to first draft, review and publication, as distributions",
)
def insights_process_times(request: HttpRequest, filters: Query[InsightsFilterIn]) -> Any:
    return queries.process_times(*_scope(request, filters))


@router.get(
    "/insights/on-time", response=queries.PublishedOnTime, summary="Postmortems published on time"
)
def insights_on_time(request: HttpRequest, filters: Query[InsightsFilterIn]) -> Any:
    return queries.published_on_time(*_scope(request, filters))


@router.get(
    "/insights/review-rounds",
    response=queries.Ranking,
    summary="Review rounds of published postmortems",
)
def insights_review_rounds(request: HttpRequest, filters: Query[InsightsFilterIn]) -> Any:
    return queries.review_rounds(*_scope(request, filters))


@router.get("/insights/action-items", response=queries.Completion, summary="Action item completion")
def insights_action_items(request: HttpRequest, filters: Query[InsightsFilterIn]) -> Any:
    return queries.completion(*_scope(request, filters))


@router.get(
    "/insights/action-items-on-time",
    response=queries.ItemsOnTime,
    summary="Action items done on time, by priority",
)
def insights_action_items_on_time(request: HttpRequest, filters: Query[InsightsFilterIn]) -> Any:
    return queries.items_on_time(*_scope(request, filters))


@router.get("/insights/overdue", response=queries.Ranking, summary="Overdue action items by team")
def insights_overdue(request: HttpRequest, filters: Query[InsightsFilterIn]) -> Any:
    return queries.overdue_by_team(*_scope(request, filters))


@router.get(
    "/insights/fixes", response=queries.Fixes, summary="Fixes that held and fixes that recurred"
)
def insights_fixes(request: HttpRequest, filters: Query[InsightsFilterIn]) -> Any:
    return queries.fixes_held(*_scope(request, filters))


@router.get(
    "/insights/findings",
    response=queries.FindingsAtPublication,
    summary="Open writing-check findings at publication",
)
def insights_findings(request: HttpRequest, filters: Query[InsightsFilterIn]) -> Any:
    return queries.findings_at_publication(*_scope(request, filters))


@router.get(
    "/insights/dismissals",
    response=queries.Ranking,
    summary="Dismissed writing-check findings by rule",
)
def insights_dismissals(request: HttpRequest, filters: Query[InsightsFilterIn]) -> Any:
    return queries.dismissals_by_rule(*_scope(request, filters))
