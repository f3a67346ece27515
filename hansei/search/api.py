"""Full-text search over the published archive."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from hansei.accounts.auth import actor_of
from hansei.core.pagination import offset_param
from hansei.search.queries import search_postmortems

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
    factor: int | None = Query(None, description="A contributing factor category's id."),
    year: int | None = Query(None, description="The year published."),
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
