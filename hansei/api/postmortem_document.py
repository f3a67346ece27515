"""The postmortem as one document in the API: ``GET /postmortems/{id}`` and the operations
that answer with it (change details, start an amendment, start an incident's postmortem).

The document embeds what apps above postmortems own (action items, reviews, meeting notes),
so it is composed here, in the API wiring layer above every app, the way the postmortem page
composes their fragments. Its schema stays typed for the OpenAPI document.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Status

from hansei import access
from hansei.accounts.auth import actor_of
from hansei.accounts.models import User
from hansei.accounts.schemas import user_named
from hansei.action_items.schemas import ActionItemOut
from hansei.incidents.schemas import IncidentOut
from hansei.postmortems.document import live_text, published, services
from hansei.postmortems.document.models import Postmortem, Revision
from hansei.postmortems.document.models import Status as PostmortemStatus
from hansei.postmortems.document.queries import publish_blockers, sections_missing_content
from hansei.postmortems.document.schemas import (
    PostmortemFields,
    PostmortemOut,
    PostmortemPatch,
    SectionOut,
    StartPostmortemIn,
)
from hansei.postmortems.template_library.models import Template
from hansei.postmortems.timeline.schemas import TimelineEntryOut
from hansei.reviews.schemas import MeetingNoteOut, ReviewOut

router = Router(tags=["postmortems"])


class PostmortemDetailOut(PostmortemFields):
    language: str
    incidents: list[IncidentOut]
    sections: list[SectionOut]
    timeline: list[TimelineEntryOut]
    action_items: list[ActionItemOut]
    reviews: list[ReviewOut]
    meeting_notes: list[MeetingNoteOut]
    latest_revision: int | None
    revision: int | None = Field(
        None,
        description=(
            "Null: the current content. A number: readers outside an amendment being drafted "
            "get the latest published revision instead, and this is its number."
        ),
    )
    missing_sections: list[str] = Field(description="Required text sections still empty.")
    publish_blockers: list[str] = Field(description="Why it cannot be published now.")
    can_edit: bool


def postmortem_detail(user: User, postmortem: Postmortem) -> dict[str, Any]:
    """Everything the postmortem page shows, as one document."""
    live_text.ensure_text_saved(postmortem.pk)  # never a stale copy of the live text
    postmortem.refresh_from_db()
    latest = postmortem.latest_revision()
    base = PostmortemOut.from_orm(postmortem).model_dump()
    incidents = postmortem.incidents.select_related(
        "severity", "team", "commander", "postmortem_requested_by"
    ).prefetch_related("services", "responders")
    return {
        **base,
        "language": postmortem.language,
        "incidents": list(incidents.order_by("started_at")),
        "sections": list(postmortem.sections.all()),
        "timeline": list(postmortem.timeline.all()),
        "action_items": list(postmortem.action_items.select_related("owner")),
        "reviews": list(
            postmortem.reviews.select_related("reviewer", "requested_by", "postmortem")
        ),
        "meeting_notes": list(postmortem.meeting_notes.select_related("recorded_by")),
        "latest_revision": latest.number if latest else None,
        "missing_sections": [s.key for s in sections_missing_content(postmortem)],
        "publish_blockers": publish_blockers(postmortem),
        "can_edit": access.can_edit_postmortem(user, postmortem),
    }


def published_postmortem_detail(
    user: User, postmortem: Postmortem, revision: Revision
) -> dict[str, Any]:
    """The postmortem as ``revision`` published it, for readers outside an amendment being
    drafted: the same document, with nothing the draft changed."""
    base = PostmortemOut.from_orm(postmortem).model_dump()
    incidents = postmortem.incidents.filter(pk__in=published.incident_ids(revision))
    reviews = access.reviews_visible_to(user).filter(postmortem=postmortem)
    notes = access.meeting_notes_visible_to(user, postmortem)
    return {
        **base,
        "title": revision.snapshot.get("title") or postmortem.published_title,
        "status": PostmortemStatus.PUBLISHED,
        "is_overdue": False,
        "review_round": max((r.round for r in reviews), default=0),
        "updated_at": revision.published_at,
        "language": postmortem.language,
        "incidents": list(
            incidents.select_related(
                "severity", "team", "commander", "postmortem_requested_by"
            ).prefetch_related("services", "responders")
        ),
        "sections": published.sections(postmortem, revision),
        "timeline": published.timeline(revision),
        "action_items": list(
            access.action_items_visible_to(user)
            .filter(postmortem=postmortem)
            .select_related("owner")
        ),
        "reviews": list(reviews.select_related("reviewer", "requested_by", "postmortem")),
        "meeting_notes": list(notes.select_related("recorded_by")),
        "latest_revision": revision.number,
        "revision": revision.number,
        "missing_sections": [],
        "publish_blockers": [],
        "can_edit": access.can_edit_postmortem(user, postmortem),
    }


@router.get("/postmortems/{int:pk}", response=PostmortemDetailOut, summary="A postmortem")
def get_postmortem(request: HttpRequest, pk: int) -> Any:
    actor = actor_of(request)
    postmortem = access.get_postmortem_for_user(actor, pk)
    revision = access.revision_shown_instead(actor, postmortem)
    if revision is not None:
        # An amendment is being written: other readers get what was published.
        return published_postmortem_detail(actor, postmortem, revision)
    return postmortem_detail(actor, postmortem)


@router.patch(
    "/postmortems/{int:pk}", response=PostmortemDetailOut, summary="Change title, owner, due date"
)
def update_postmortem(request: HttpRequest, pk: int, payload: PostmortemPatch) -> dict[str, Any]:
    actor = actor_of(request)
    postmortem = access.get_postmortem_for_user(actor, pk)
    owner = user_named(payload.owner, field="owner") if payload.owner else None
    services.update_postmortem(
        actor=actor,
        postmortem=postmortem,
        title=payload.title,
        owner=owner,
        due_date=payload.due_date,
        restricted=payload.restricted,
    )
    return postmortem_detail(actor, postmortem)


@router.delete(
    "/postmortems/{int:pk}", response={204: None}, summary="Delete an unpublished draft (admins)"
)
def delete_postmortem(request: HttpRequest, pk: int) -> Any:
    """A draft started by mistake; audited. 409 once it was ever published (kept forever)."""
    actor = actor_of(request)
    postmortem = access.get_postmortem_for_user(actor, pk)
    services.delete_postmortem(actor=actor, postmortem=postmortem)
    return Status(204, None)


@router.post(
    "/postmortems/{int:pk}/amendment",
    response=PostmortemDetailOut,
    summary="Reopen a published postmortem as a draft",
)
def start_amendment(request: HttpRequest, pk: int) -> dict[str, Any]:
    actor = actor_of(request)
    postmortem = access.get_postmortem_for_user(actor, pk)
    services.start_amendment(actor=actor, postmortem=postmortem)
    return postmortem_detail(actor, postmortem)


@router.post(
    "/incidents/{int:incident_id}/postmortem",
    response={201: PostmortemDetailOut},
    summary="Start the incident's postmortem",
)
def start_postmortem(
    request: HttpRequest, incident_id: int, payload: StartPostmortemIn
) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    incident = access.get_incident_for_user(actor, incident_id)
    template = None
    if payload.template is not None:
        template = Template.objects.filter(pk=payload.template).first()
        if template is None:
            raise ValidationError({"template": f"Unknown template: {payload.template}."})
    owner = user_named(payload.owner, field="owner") if payload.owner else None
    postmortem = services.create_postmortem(
        actor=actor,
        incident=incident,
        template=template,
        owner=owner,
        due_date=payload.due_date,
        title=payload.title,
    )
    return Status(201, postmortem_detail(actor, postmortem))
