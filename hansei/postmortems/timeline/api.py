"""The timeline in the API: add, change and delete entries."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status

from hansei import access
from hansei.accounts.auth import actor_of
from hansei.accounts.schemas import aware
from hansei.postmortems.timeline import services
from hansei.postmortems.timeline.models import TimelineEntry
from hansei.postmortems.timeline.schemas import (
    TimelineEntryIn,
    TimelineEntryOut,
    TimelineEntryPatch,
)

router = Router(tags=["postmortems"])


@router.post(
    "/postmortems/{int:pk}/timeline",
    response={201: TimelineEntryOut},
    summary="Add a timeline entry",
)
def add_timeline_entry(request: HttpRequest, pk: int, payload: TimelineEntryIn) -> Any:
    actor = actor_of(request)
    postmortem = access.get_postmortem_for_user(actor, pk)
    entry = services.add_timeline_entry(
        actor=actor,
        postmortem=postmortem,
        occurred_at=aware(payload.occurred_at),
        text=payload.text,
        kind=payload.kind,
        is_key_event=payload.is_key_event,
        link_url=payload.link_url,
    )
    return Status(201, entry)


def _entry(request: HttpRequest, pk: int, entry_id: int) -> TimelineEntry:
    postmortem = access.get_postmortem_for_user(actor_of(request), pk)
    return get_object_or_404(postmortem.timeline.select_related("postmortem"), pk=entry_id)


@router.patch(
    "/postmortems/{int:pk}/timeline/{int:entry_id}",
    response=TimelineEntryOut,
    summary="Change a timeline entry",
)
def update_timeline_entry(
    request: HttpRequest, pk: int, entry_id: int, payload: TimelineEntryPatch
) -> Any:
    entry = _entry(request, pk, entry_id)
    sent = payload.dict(exclude_unset=True)
    return services.update_timeline_entry(
        actor=actor_of(request),
        entry=entry,
        occurred_at=aware(sent["occurred_at"]) if "occurred_at" in sent else entry.occurred_at,
        text=sent["text"] if sent.get("text") is not None else entry.text,
        kind=sent["kind"] if sent.get("kind") is not None else entry.kind,
        is_key_event=bool(sent.get("is_key_event", entry.is_key_event)),
        link_url=sent.get("link_url"),
    )


@router.delete(
    "/postmortems/{int:pk}/timeline/{int:entry_id}",
    response={204: None},
    summary="Delete a timeline entry",
)
def delete_timeline_entry(request: HttpRequest, pk: int, entry_id: int) -> Any:
    services.delete_timeline_entry(actor=actor_of(request), entry=_entry(request, pk, entry_id))
    return Status(204, None)
