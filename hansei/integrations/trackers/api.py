"""Trackers through the API: a team's tracker (leads and admins), its sync log, and an
action item's issue (create, link by URL, unlink)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from hansei import access
from hansei.accounts.auth import actor_of
from hansei.accounts.models import Team
from hansei.core.pagination import api_page, offset_param
from hansei.integrations.trackers import services
from hansei.integrations.trackers.models import AutoCreate, TrackerConfig, TrackerLink
from hansei.integrations.trackers.views import hook_url

router = Router(tags=["trackers"])


class TrackerIn(Schema):
    kind: str = Field(description="jira_cloud, jira_server, github, gitlab or linear")
    base_url: str = Field(max_length=300)
    token_variable: str = Field(max_length=80, description="HANSEI_TRACKER_… (never the token)")
    project: str = Field(max_length=200)
    account: str = Field("", max_length=254)
    issue_type: str = Field("", max_length=100)
    priority_mapping: dict[str, str] = Field(default_factory=dict)
    labels: list[str] = Field(default_factory=list, max_length=50)
    done_states: list[str] = Field(default_factory=list, max_length=50)
    wont_do_states: list[str] = Field(default_factory=list, max_length=50)
    auto_create: str = AutoCreate.MANUAL
    webhook_secret: str = Field("", max_length=200, description="Empty: keep the current one.")
    is_active: bool = True


class TrackerOut(Schema):
    team: str
    kind: str
    base_url: str
    token_variable: str
    project: str
    account: str
    issue_type: str
    priority_mapping: dict[str, Any]
    labels: list[str]
    done_states: list[str]
    wont_do_states: list[str]
    auto_create: str
    is_active: bool
    webhook_url: str
    webhook_secret: str
    last_synced_at: datetime | None
    last_error: str
    last_error_at: datetime | None

    @staticmethod
    def resolve_team(obj: TrackerConfig) -> str:
        return obj.team.slug

    @staticmethod
    def resolve_webhook_url(obj: TrackerConfig) -> str:
        return hook_url(obj)


class SyncEventOut(Schema):
    at: datetime
    direction: str
    action: str
    outcome: str
    status_code: int | None
    detail: str
    item_id: int | None


class SyncEventPage(Schema):
    items: list[SyncEventOut]
    total: int
    limit: int
    offset: int


class IssueIn(Schema):
    url: str = Field("", max_length=500, description="An existing issue's URL; empty: create one.")


class IssueOut(Schema):
    kind: str
    state: str
    key: str
    url: str
    remote_state: str
    last_error: str


def _team(request: HttpRequest, slug: str) -> Team:
    actor = actor_of(request)
    team: Team = get_object_or_404(access.teams_with_tracker_settings(actor), slug=slug[:100])
    return team


@router.get("/teams/{slug}/tracker", response=TrackerOut, summary="A team's tracker")
def get_tracker(request: HttpRequest, slug: str) -> Any:
    return get_object_or_404(TrackerConfig, team=_team(request, slug))


@router.put(
    "/teams/{slug}/tracker", response=TrackerOut, summary="Set up or change a team's tracker"
)
def put_tracker(request: HttpRequest, slug: str, payload: TrackerIn) -> Any:
    team = _team(request, slug)
    data = services.TrackerInput(**payload.dict())
    return services.save_tracker(actor=actor_of(request), team=team, data=data)


@router.get(
    "/teams/{slug}/tracker/events", response=SyncEventPage, summary="A team's tracker sync log"
)
def tracker_events(
    request: HttpRequest,
    slug: str,
    limit: int = Query(50, ge=1, le=200),
    offset: int = offset_param(),
) -> dict[str, Any]:
    team = _team(request, slug)
    events = access.tracker_events_visible_to(actor_of(request)).filter(config__team=team)
    return api_page(events, limit=limit, offset=offset)


@router.post(
    "/action-items/{int:item_id}/tracker-issue",
    response={202: IssueOut},
    summary="Create the item's issue in its team's tracker, or link an existing one by URL",
)
def create_or_link_issue(request: HttpRequest, item_id: int, payload: IssueIn) -> Any:
    actor = actor_of(request)
    item = access.get_action_item_for_user(actor, item_id)
    if payload.url.strip():
        link = services.link_issue(actor=actor, item=item, url=payload.url)
    else:
        link = services.request_issue(actor=actor, item=item)
    return Status(202, link)


@router.get(
    "/action-items/{int:item_id}/tracker-issue",
    response=IssueOut,
    summary="The item's tracker issue and its state",
)
def get_issue(request: HttpRequest, item_id: int) -> Any:
    item = access.get_action_item_for_user(actor_of(request), item_id)
    return get_object_or_404(TrackerLink, item=item)


@router.delete(
    "/action-items/{int:item_id}/tracker-issue",
    response={204: None},
    summary="Stop syncing the item with its issue (the issue stays)",
)
def unlink_issue(request: HttpRequest, item_id: int) -> Any:
    actor = actor_of(request)
    item = access.get_action_item_for_user(actor, item_id)
    services.unlink_issue(actor=actor, item=item)
    return Status(204, None)
