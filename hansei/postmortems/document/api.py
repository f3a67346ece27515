"""Postmortems: details, sections, timeline, publishing, amendments, revisions, export."""

from __future__ import annotations

import json
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status

from hansei import access
from hansei.accounts.auth import actor_of
from hansei.core.pagination import api_page, offset_param
from hansei.postmortems.document import services
from hansei.postmortems.document.models import Revision
from hansei.postmortems.document.models import Status as PostmortemStatus
from hansei.postmortems.document.schemas import (
    PostmortemPage,
    PublishIn,
    RevisionDetailOut,
    RevisionOut,
    SectionIn,
    SectionOut,
)
from hansei.postmortems.document.snapshot import build_snapshot, snapshot_to_markdown

router = Router(tags=["postmortems"])


@router.get("/postmortems", response=PostmortemPage, summary="Postmortems you can see")
def list_postmortems(
    request: HttpRequest,
    status: str = Query("", description="draft, in_review, approved or published"),
    team: str = "",
    overdue: bool | None = None,
    limit: int = Query(50, ge=1, le=200),
    offset: int = offset_param(),
) -> dict[str, Any]:
    qs = access.postmortems_visible_to(actor_of(request)).select_related("team", "owner")
    if status:
        if status not in PostmortemStatus.values:
            choices = ", ".join(PostmortemStatus.values)
            raise ValidationError({"status": f"Status must be one of {choices}."})
        qs = qs.filter(status=status)
    if team:
        qs = qs.filter(team__slug=team)
    if overdue is not None:
        overdue_ids = qs.overdue().values("pk")
        qs = qs.filter(pk__in=overdue_ids) if overdue else qs.exclude(pk__in=overdue_ids)
    return api_page(qs, limit=limit, offset=offset)


@router.put(
    "/postmortems/{int:pk}/sections/{key}", response=SectionOut, summary="Replace a section's text"
)
def update_section(request: HttpRequest, pk: int, key: str, payload: SectionIn) -> Any:
    actor = actor_of(request)
    postmortem = access.get_postmortem_for_user(actor, pk)
    section = get_object_or_404(postmortem.sections, key=key)
    return services.update_section(actor=actor, section=section, body=payload.body)


@router.post(
    "/postmortems/{int:pk}/publish",
    response={201: RevisionOut},
    summary="Publish an approved postmortem",
)
def publish(request: HttpRequest, pk: int, payload: PublishIn) -> Any:
    actor = actor_of(request)
    postmortem = access.get_postmortem_for_user(actor, pk)
    revision = services.publish_postmortem(
        actor=actor, postmortem=postmortem, change_note=payload.change_note
    )
    return Status(201, revision)


@router.get(
    "/postmortems/{int:pk}/revisions", response=list[RevisionOut], summary="Published revisions"
)
def list_revisions(request: HttpRequest, pk: int) -> Any:
    postmortem = access.get_postmortem_for_user(actor_of(request), pk)
    return postmortem.revisions.select_related("published_by").order_by("-number")


@router.get(
    "/postmortems/{int:pk}/revisions/{int:number}",
    response=RevisionDetailOut,
    summary="A published revision, frozen",
)
def get_revision(request: HttpRequest, pk: int, number: int) -> Revision:
    postmortem = access.get_postmortem_for_user(actor_of(request), pk)
    return get_object_or_404(postmortem.revisions, number=number)


EXPORT_CONTENT = {
    "text/markdown": {"schema": {"type": "string"}},
    "application/json": {"schema": {"type": "object", "additionalProperties": True}},
}


@router.get(
    "/postmortems/{int:pk}/export",
    response={200: str},
    summary="Export as Markdown or JSON",
    description=(
        "The current content, or a published revision's with `revision`: a Markdown document "
        "(`format=markdown`) or the JSON snapshot (`format=json`), as an attachment."
    ),
    openapi_extra={
        "responses": {200: {"description": "The exported document.", "content": EXPORT_CONTENT}}
    },
)
def export(
    request: HttpRequest,
    pk: int,
    format: Literal["markdown", "json"] = "markdown",
    revision: int | None = None,
) -> HttpResponse:
    actor = actor_of(request)
    postmortem = access.get_postmortem_for_user(actor, pk)
    latest = postmortem.latest_revision()
    if revision is None and latest and not access.can_read_live_content(actor, postmortem):
        revision = latest.number
    if revision is None:
        data = build_snapshot(postmortem)
    else:
        found = postmortem.revisions.filter(number=revision).first()
        if found is None:
            raise Http404
        data = found.snapshot
    services.note_export(actor=actor, postmortem=postmortem, fmt=format, revision=revision)
    filename = f"postmortem-{postmortem.pk}" + (f"-r{revision}" if revision else "")
    if format == "json":
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.json"'
    else:
        response = HttpResponse(
            snapshot_to_markdown(data), content_type="text/markdown; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.md"'
    return response
