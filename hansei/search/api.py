"""Full-text search over the published archive."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from hansei import access
from hansei.accounts.auth import actor_of
from hansei.core.pagination import offset_param
from hansei.search.models import SavedSearch
from hansei.search.queries import MAX_ID, search_postmortems
from hansei.search.saved import (
    delete_saved_search,
    save_search,
    saved_search_url,
    set_saved_search_alerts,
)
from hansei.search.similar import (
    Profile,
    profile_of_incident,
    profile_of_postmortem,
    similar_postmortems,
)

router = Router(tags=["search"])


class SearchHitOut(Schema):
    postmortem_id: int
    title: str
    team: str
    revision: int
    published_at: datetime | None
    severity: str | None
    snippet: str = Field(description="HTML: escaped text, matches wrapped in <mark>.")
    rank: float
    missing: list[str] = Field(description="Words of the query this result does not have.")


class FacetValueOut(Schema):
    value: str = Field(description="What the filter of the same name takes.")
    label: str
    count: int


class FacetOut(Schema):
    name: str = Field(description="team, service, severity, factor or year")
    label: str
    values: list[FacetValueOut]


class SearchPageOut(Schema):
    items: list[SearchHitOut]
    total: int
    limit: int
    offset: int
    corrected: str | None = Field(
        description="The query with its typos corrected, when it had some (did you mean)."
    )
    partial: bool = Field(description="No result has every word: these have most of them.")
    facets: list[FacetOut]


@router.get("/search", response=SearchPageOut, summary="Search published postmortems")
def search(
    request: HttpRequest,
    q: str = Query("", description="Words to look for; empty lists the archive."),
    team: str | None = Query(None, description="A team's slug."),
    service: str | None = Query(None, description="A service's slug."),
    severity: str | None = Query(None, description="A severity name, such as SEV1."),
    factor: int | None = Query(
        None, ge=1, le=MAX_ID, description="A contributing factor category's id."
    ),
    year: int | None = Query(None, ge=1900, le=9999, description="The year published."),
    date_from: date | None = None,
    date_to: date | None = None,
    limit: int = Query(20, ge=1, le=100),
    offset: int = offset_param(),
) -> dict[str, Any]:
    page = search_postmortems(
        user=actor_of(request),
        query=q,
        team=team or None,
        service=service or None,
        severity=severity or None,
        factor=factor,
        year=year,
        date_from=date_from,
        date_to=date_to,
        limit=limit,
        offset=offset,
        with_facets=True,
    )
    return {
        "items": [
            {
                "postmortem_id": hit.postmortem.pk,
                "title": hit.postmortem.published_title or hit.postmortem.title,
                "team": hit.postmortem.team.slug,
                "revision": hit.revision.number,
                "published_at": hit.revision.published_at,
                "severity": hit.severity.name if hit.severity else None,
                "snippet": str(hit.snippet),
                "rank": hit.rank,
                "missing": hit.missing,
            }
            for hit in page.results
        ],
        "total": page.total,
        "limit": limit,
        "offset": offset,
        "corrected": page.corrected,
        "partial": page.partial,
        "facets": [
            {
                "name": f.name,
                "label": f.label,
                "values": [
                    {"value": v.value, "label": v.label, "count": v.count} for v in f.values
                ],
            }
            for f in page.facets
        ],
    }


class UnfinishedItemOut(Schema):
    id: int
    title: str
    status: str
    priority: str
    owner: str | None
    due_date: date | None
    wont_do_reason: str
    shared_factors: list[str] = Field(description="Factors it addresses that the source has.")
    carried: bool = Field(description="Already carried into the source postmortem.")


class SimilarOut(Schema):
    postmortem_id: int
    title: str
    team: str
    published_at: datetime | None
    score: float = Field(description="0 to 1: text 0.8, factors 0.1, services and severity 0.05.")
    services: list[str] = Field(description="Services both have.")
    factors: list[str] = Field(description="Contributing factor categories both have.")
    words: list[str] = Field(description="Telling words both use.")
    same_severity: bool
    unfinished: list[UnfinishedItemOut] = Field(
        description="Its action items still open or closed as won't do, that you may see."
    )


def _similar_out(request: HttpRequest, profile: Profile) -> list[dict[str, Any]]:
    user = actor_of(request)
    return [
        {
            "postmortem_id": s.postmortem.pk,
            "title": s.postmortem.published_title or s.postmortem.title,
            "team": s.postmortem.team.slug,
            "published_at": s.postmortem.published_at,
            "score": s.score,
            "services": s.services,
            "factors": s.factors,
            "words": s.words,
            "same_severity": s.same_severity,
            "unfinished": [
                {
                    "id": item.pk,
                    "title": item.title,
                    "status": item.status,
                    "priority": item.priority,
                    "owner": item.owner.username if item.owner else None,
                    "due_date": item.due_date,
                    "wont_do_reason": item.wont_do_reason,
                    "shared_factors": item.shared_factors,  # type: ignore[attr-defined]
                    "carried": item.already_carried,  # type: ignore[attr-defined]
                }
                for item in s.unfinished
            ],
        }
        for s in similar_postmortems(user=user, profile=profile)
    ]


@router.get(
    "/postmortems/{pk}/similar",
    response=list[SimilarOut],
    summary="The most similar earlier published postmortems, and their unfinished items",
)
def similar_to_postmortem(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    postmortem = access.get_postmortem_for_user(actor_of(request), pk)
    return _similar_out(request, profile_of_postmortem(postmortem))


@router.get(
    "/incidents/{incident_id}/similar",
    response=list[SimilarOut],
    summary="The published postmortems most similar to an incident",
)
def similar_to_incident(request: HttpRequest, incident_id: int) -> list[dict[str, Any]]:
    incident = access.get_incident_for_user(actor_of(request), incident_id)
    return _similar_out(request, profile_of_incident(incident))


class SavedSearchIn(Schema):
    name: str = Field("", max_length=100, description="Empty: the words searched for.")
    query: str = Field("", max_length=200)
    filters: dict[str, Any] = Field(
        default_factory=dict, description="team, service, severity (text); factor, year (numbers)."
    )
    notify: bool = Field(True, description="Tell me when a new postmortem matches every word.")


class SavedSearchPatch(Schema):
    notify: bool


class SavedSearchOut(Schema):
    id: int
    name: str
    query: str
    filters: dict[str, Any]
    notify: bool
    url: str = Field(description="The archive page showing it.")
    created_at: datetime


def _saved_out(saved: SavedSearch) -> dict[str, Any]:
    return {
        "id": saved.pk,
        "name": saved.name,
        "query": saved.query,
        "filters": saved.filters,
        "notify": saved.notify,
        "url": saved_search_url(saved),
        "created_at": saved.created_at,
    }


def _my_saved_search(request: HttpRequest, saved_id: int) -> SavedSearch:
    mine = SavedSearch.objects.filter(user_id=actor_of(request).pk)
    found: SavedSearch = access.get_or_404(mine, saved_id)
    return found


@router.get("/me/saved-searches", response=list[SavedSearchOut], summary="My saved searches")
def list_saved_searches(request: HttpRequest) -> list[dict[str, Any]]:
    return [_saved_out(s) for s in SavedSearch.objects.filter(user_id=actor_of(request).pk)]


@router.post("/me/saved-searches", response={201: SavedSearchOut}, summary="Save a search")
def create_saved_search(request: HttpRequest, payload: SavedSearchIn) -> Any:
    saved = save_search(
        actor=actor_of(request),
        name=payload.name,
        query=payload.query,
        filters=payload.filters,
        notify=payload.notify,
    )
    return 201, _saved_out(saved)


@router.patch(
    "/me/saved-searches/{int:saved_id}", response=SavedSearchOut, summary="Alerts on or off"
)
def patch_saved_search(request: HttpRequest, saved_id: int, payload: SavedSearchPatch) -> Any:
    saved = set_saved_search_alerts(
        actor=actor_of(request), saved=_my_saved_search(request, saved_id), notify=payload.notify
    )
    return _saved_out(saved)


@router.delete(
    "/me/saved-searches/{int:saved_id}", response={204: None}, summary="Delete a saved search"
)
def delete_saved_search_endpoint(request: HttpRequest, saved_id: int) -> Any:
    delete_saved_search(actor=actor_of(request), saved=_my_saved_search(request, saved_id))
    return 204, None
