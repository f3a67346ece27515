"""API shapes for reviews and review meeting notes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema

from hansei import access
from hansei.access.base import MAX_ID
from hansei.core.schemas import PatchSchema
from hansei.reviews.meetings import MAX_DURATION, MIN_DURATION
from hansei.reviews.models import Review, ReviewMeeting, ReviewMeetingNote


class ReviewOut(Schema):
    id: int
    postmortem_id: int
    postmortem_title: str
    reviewer: str
    round: int
    is_current: bool
    requested_by: str | None
    requested_at: datetime
    decision: str
    checklist: dict[str, bool]
    comment: str
    decided_at: datetime | None

    @staticmethod
    def resolve_postmortem_title(obj: Review, context: Any) -> str:
        request = (context or {}).get("request")
        user = getattr(request, "auth", None) if request is not None else None
        return access.title_shown_to(user, obj.postmortem) if user else obj.postmortem.title

    @staticmethod
    def resolve_reviewer(obj: Review) -> str:
        return obj.reviewer.username

    @staticmethod
    def resolve_requested_by(obj: Review) -> str | None:
        return obj.requested_by.username if obj.requested_by else None

    @staticmethod
    def resolve_is_current(obj: Review) -> bool:
        return obj.round == obj.postmortem.review_round


class SubmitIn(Schema):
    reviewers: list[str] = Field(description="Usernames of the reviewers.")


class ApproveIn(Schema):
    checklist: dict[str, bool] = Field(
        description="Every item of the reviewer checklist, each true to approve."
    )
    comment: str = ""


class RequestChangesIn(Schema):
    comment: str = Field(description="What needs to change.")
    checklist: dict[str, bool] = Field(default_factory=dict)


class ChecklistItemOut(Schema):
    key: str
    label: str


class MeetingNoteOut(Schema):
    id: int
    meeting: int | None = Field(description="The meeting it was taken at, if scheduled here.")
    held_on: date
    attendees: str
    notes: str
    recorded_by: str | None
    recorded_at: datetime

    @staticmethod
    def resolve_meeting(obj: ReviewMeetingNote) -> int | None:
        return obj.meeting_id

    @staticmethod
    def resolve_recorded_by(obj: ReviewMeetingNote) -> str | None:
        return obj.recorded_by.username if obj.recorded_by else None


class MeetingNoteIn(Schema):
    held_on: date
    notes: str
    attendees: str = ""
    meeting: int | None = Field(
        None, ge=1, le=MAX_ID, description="A meeting of this postmortem that took place."
    )


class MeetingOut(Schema):
    id: int
    starts_at: datetime
    ends_at: datetime
    duration: int = Field(description="Minutes.")
    location: str
    agenda: str
    invitees: list[str]
    organizer: str
    uid: str = Field(description="The event's UID in every calendar.")
    sequence: int = Field(description="Its version: one higher at every change sent.")
    cancelled_at: datetime | None

    @staticmethod
    def resolve_invitees(obj: ReviewMeeting) -> list[str]:
        return [person.username for person in obj.people_invited()]

    @staticmethod
    def resolve_organizer(obj: ReviewMeeting) -> str:
        return obj.organizer.username


class MeetingIn(Schema):
    starts_at: datetime = Field(description="With its time zone (ISO 8601).")
    duration: int = Field(60, ge=MIN_DURATION, le=MAX_DURATION, description="Minutes.")
    location: str = Field("", max_length=500, description="A room or a video call link.")
    agenda: str = Field("", max_length=5000)
    invitees: list[str] | None = Field(
        None,
        max_length=50,
        description="Usernames; by default the owner and the current reviewers.",
    )


class MeetingPatch(PatchSchema):
    """Only the fields sent change; every change is sent to the invitees as a new version."""

    starts_at: datetime | None = None
    duration: int | None = Field(None, ge=MIN_DURATION, le=MAX_DURATION)
    location: str | None = Field(None, max_length=500)
    agenda: str | None = Field(None, max_length=5000)
    invitees: list[str] | None = Field(None, max_length=50)
