"""Formal review: submit, approve with the checklist, request changes, meeting notes."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import HttpRequest
from ninja import Router, Status

from hansei import access
from hansei.accounts.auth import actor_of
from hansei.accounts.models import User
from hansei.accounts.schemas import users_named
from hansei.postmortems.document.schemas import PostmortemOut
from hansei.reviews import meetings, services
from hansei.reviews.models import CHECKLIST, Decision, Review
from hansei.reviews.schemas import (
    ApproveIn,
    ChecklistItemOut,
    MeetingIn,
    MeetingNoteIn,
    MeetingNoteOut,
    MeetingOut,
    MeetingPatch,
    RequestChangesIn,
    ReviewOut,
    SubmitIn,
)

router = Router(tags=["reviews"])


@router.post(
    "/postmortems/{int:pk}/submit",
    response={201: list[ReviewOut]},
    summary="Submit a draft for review",
)
def submit(request: HttpRequest, pk: int, payload: SubmitIn) -> Any:
    actor = actor_of(request)
    postmortem = access.get_postmortem_for_user(actor, pk)
    reviewers = users_named(payload.reviewers, field="reviewers")
    return Status(
        201, services.submit_for_review(actor=actor, postmortem=postmortem, reviewers=reviewers)
    )


@router.post(
    "/postmortems/{int:pk}/withdraw",
    response=PostmortemOut,
    summary="Take a postmortem back from review to draft",
)
def withdraw(request: HttpRequest, pk: int) -> Any:
    """Reviews not yet given are closed as withdrawn; the next submission starts a new
    round. 409 when it is not in review or approved."""
    actor = actor_of(request)
    postmortem = access.get_postmortem_for_user(actor, pk)
    return services.withdraw_from_review(actor=actor, postmortem=postmortem)


@router.get("/reviews", response=list[ReviewOut], summary="Reviews asked of you")
def my_reviews(request: HttpRequest, pending: bool = True) -> Any:
    """By default the reviews waiting for your decision in a current review round."""
    reviews = Review.objects.filter(reviewer=actor_of(request)).select_related(
        "postmortem", "reviewer", "requested_by"
    )
    if pending:
        reviews = reviews.filter(
            decision=Decision.PENDING,
            round=F("postmortem__review_round"),
            postmortem__status="in_review",
        )
    return reviews.order_by("-requested_at")


@router.get("/reviews/checklist", response=list[ChecklistItemOut], summary="Reviewer checklist")
def checklist(request: HttpRequest) -> Any:
    return [{"key": key, "label": str(label)} for key, label in CHECKLIST]


@router.get("/reviews/{int:review_id}", response=ReviewOut, summary="A review")
def get_review(request: HttpRequest, review_id: int) -> Review:
    return access.get_review_for_user(actor_of(request), review_id)


@router.post(
    "/reviews/{int:review_id}/approve", response=ReviewOut, summary="Approve, checklist complete"
)
def approve(request: HttpRequest, review_id: int, payload: ApproveIn) -> Review:
    actor = actor_of(request)
    review = access.get_review_for_user(actor, review_id)
    review = services.approve_review(
        actor=actor, review=review, checklist=payload.checklist, comment=payload.comment
    )
    return access.get_review_for_user(actor, review.pk)


@router.post(
    "/reviews/{int:review_id}/request-changes",
    response=ReviewOut,
    summary="Send it back to draft with a reason",
)
def request_changes(request: HttpRequest, review_id: int, payload: RequestChangesIn) -> Review:
    actor = actor_of(request)
    review = access.get_review_for_user(actor, review_id)
    review = services.request_changes(
        actor=actor, review=review, comment=payload.comment, checklist=payload.checklist
    )
    return access.get_review_for_user(actor, review.pk)


@router.get(
    "/postmortems/{int:pk}/meeting-notes",
    response=list[MeetingNoteOut],
    summary="Review meeting notes",
)
def list_meeting_notes(request: HttpRequest, pk: int) -> Any:
    actor = actor_of(request)
    postmortem = access.get_postmortem_for_user(actor, pk)
    return access.meeting_notes_visible_to(actor, postmortem).select_related("recorded_by")


@router.post(
    "/postmortems/{int:pk}/meeting-notes",
    response={201: MeetingNoteOut},
    summary="Record review meeting notes",
)
def add_meeting_note(request: HttpRequest, pk: int, payload: MeetingNoteIn) -> Any:
    actor = actor_of(request)
    postmortem = access.get_postmortem_for_user(actor, pk)
    meeting = None
    if payload.meeting is not None:
        meeting = postmortem.meetings.filter(pk=payload.meeting).first()
        if meeting is None:
            raise ValidationError({"meeting": "No meeting of this postmortem has this id."})
    note = services.record_meeting_note(
        actor=actor,
        postmortem=postmortem,
        held_on=payload.held_on,
        notes=payload.notes,
        attendees=payload.attendees,
        meeting=meeting,
    )
    return Status(201, note)


def _meeting_input(values: dict[str, Any], invitees: list[User]) -> meetings.MeetingInput:
    """The service's input from a request body; ``invitees`` unless it names them."""
    people = (
        users_named(values["invitees"], field="invitees")
        if values.get("invitees") is not None
        else invitees
    )
    return meetings.MeetingInput(
        starts_at=values["starts_at"],
        duration=values["duration"],
        invitees=people,
        location=values["location"],
        agenda=values["agenda"],
    )


@router.get("/postmortems/{int:pk}/meetings", response=list[MeetingOut], summary="Review meetings")
def list_meetings(request: HttpRequest, pk: int) -> Any:
    actor = actor_of(request)
    postmortem = access.get_postmortem_for_user(actor, pk)
    return access.meetings_visible_to(actor, postmortem).select_related("organizer")


@router.post(
    "/postmortems/{int:pk}/meetings",
    response={201: MeetingOut},
    summary="Schedule a review meeting (its invitees get a calendar invitation)",
)
def schedule_meeting(request: HttpRequest, pk: int, payload: MeetingIn) -> Any:
    actor = actor_of(request)
    postmortem = access.get_postmortem_for_user(actor, pk)
    data = _meeting_input(payload.dict(), meetings.default_invitees(postmortem))
    return Status(
        201, meetings.schedule_review_meeting(actor=actor, postmortem=postmortem, data=data)
    )


@router.patch(
    "/postmortems/{int:pk}/meetings/{int:meeting_id}",
    response=MeetingOut,
    summary="Change a review meeting (everyone concerned gets the new version)",
)
def update_meeting(request: HttpRequest, pk: int, meeting_id: int, payload: MeetingPatch) -> Any:
    actor = actor_of(request)
    postmortem = access.get_postmortem_for_user(actor, pk)
    meeting = access.get_review_meeting_for_user(actor, postmortem, meeting_id)
    current = {
        "starts_at": meeting.starts_at,
        "duration": meeting.duration,
        "location": meeting.location,
        "agenda": meeting.agenda,
    }
    values = {**current, **payload.dict(exclude_unset=True)}
    data = _meeting_input(values, list(meeting.people_invited()))
    return meetings.update_review_meeting(actor=actor, meeting=meeting, data=data)


@router.delete(
    "/postmortems/{int:pk}/meetings/{int:meeting_id}",
    response={204: None},
    summary="Cancel a review meeting (its invitees get a cancellation)",
)
def cancel_meeting(request: HttpRequest, pk: int, meeting_id: int) -> Any:
    actor = actor_of(request)
    postmortem = access.get_postmortem_for_user(actor, pk)
    meeting = access.get_review_meeting_for_user(actor, postmortem, meeting_id)
    meetings.cancel_review_meeting(actor=actor, meeting=meeting)
    return Status(204, None)
