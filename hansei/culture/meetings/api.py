"""The meeting pack in the API: the same content as the page, as data."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from hansei import access
from hansei.accounts.auth import actor_of
from hansei.culture.awards.months import month_parsed
from hansei.culture.meetings import queries
from hansei.culture.meetings.queries import Entry, Part

router = Router(tags=["culture"])


class PartOut(Schema):
    key: str
    title: str
    body: str = Field(description="Markdown, as published.")


class PackItemOut(Schema):
    id: int
    title: str
    priority: str
    owner: str | None
    due_date: date | None
    status: str
    overdue: bool


class PackPostmortemOut(Schema):
    id: int
    title: str
    team: str
    owner: str
    severity: str | None = Field(description="The worst of its incidents'.")
    incident_started_at: datetime | None
    incident_resolved_at: datetime | None
    published_at: datetime = Field(description="Its first publication.")
    revision: int = Field(description="The published revision the content is read from.")
    summary: list[PartOut]
    causes: list[PartOut]
    lessons: list[PartOut]
    action_items: list[PackItemOut]


class CountOut(Schema):
    name: str
    count: int


class PackFiguresOut(Schema):
    published: int
    by_severity: list[CountOut]
    by_team: list[CountOut]
    mean_to_publication_seconds: int | None = Field(
        description="Mean time from the incident's end to first publication."
    )
    action_items_opened: int
    action_items_done: int
    action_items_overdue: int = Field(description="At the month's end; today while under way.")


class PackOut(Schema):
    month: str = Field(description="YYYY-MM")
    figures: PackFiguresOut
    postmortems: list[PackPostmortemOut]


def _parts(parts: list[Part]) -> list[dict[str, str]]:
    return [{"key": p.key, "title": p.title, "body": p.body} for p in parts]


def _entry_out(entry: Entry) -> dict[str, Any]:
    return {
        "id": entry.postmortem.pk,
        "title": entry.title,
        "team": entry.team,
        "owner": entry.owner,
        "severity": entry.severity.name if entry.severity else None,
        "incident_started_at": entry.started_at,
        "incident_resolved_at": entry.resolved_at,
        "published_at": entry.published_at,
        "revision": entry.revision.number,
        "summary": _parts(entry.summary),
        "causes": _parts(entry.causes),
        "lessons": _parts(entry.lessons),
        "action_items": [
            {
                "id": item.pk,
                "title": item.title,
                "priority": item.priority,
                "owner": item.owner.name if item.owner else None,
                "due_date": item.due_date,
                "status": item.status,
                "overdue": item.is_overdue(),
            }
            for item in entry.items
        ],
    }


def _month(month: str) -> date:
    found = month_parsed(month)
    # Not a month: pack_month answers 404.
    return queries.pack_month(*((found.year, found.month) if found else (0, 0)))


@router.get("/culture/pack/{month}", response=PackOut, summary="A month's meeting pack")
def get_pack(request: HttpRequest, month: str) -> dict[str, Any]:
    user = actor_of(request)
    access.require(access.can_read_meeting_pack(user))
    pack = queries.meeting_pack(user, _month(month))
    figures = pack.figures
    mean = figures.mean_to_publication
    return {
        "month": f"{pack.month:%Y-%m}",
        "figures": {
            "published": figures.published,
            "by_severity": [{"name": n, "count": c} for n, c in figures.by_severity],
            "by_team": [{"name": n, "count": c} for n, c in figures.by_team],
            "mean_to_publication_seconds": int(mean.total_seconds()) if mean else None,
            "action_items_opened": figures.items_opened,
            "action_items_done": figures.items_done,
            "action_items_overdue": figures.items_overdue,
        },
        "postmortems": [_entry_out(e) for e in pack.entries],
    }
