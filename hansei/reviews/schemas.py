"""API shapes for reviews and review meeting notes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema

from hansei import access
from hansei.reviews.models import Review, ReviewMeetingNote


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
    held_on: date
    attendees: str
    notes: str
    recorded_by: str | None
    recorded_at: datetime

    @staticmethod
    def resolve_recorded_by(obj: ReviewMeetingNote) -> str | None:
        return obj.recorded_by.username if obj.recorded_by else None


class MeetingNoteIn(Schema):
    held_on: date
    notes: str
    attendees: str = ""
