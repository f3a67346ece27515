"""The reading club in the API: its lists and sessions (each reading through the rulebook,
like the pages), saying you are coming, and the session's discussion."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from hansei import access
from hansei.accounts.auth import actor_of
from hansei.accounts.models import User
from hansei.culture.reading import queries
from hansei.culture.reading.models import Reading, ReadingSession, SessionComment
from hansei.culture.reading.services import MAX_COMMENT, add_comment, set_going

router = Router(tags=["culture"])


class ReadingOut(Schema):
    id: int
    list_id: int
    postmortem_id: int | None = Field(description="One of ours; null for an outside one.")
    url: str = Field(description="An outside postmortem's address; empty for ours.")
    title: str
    note: str


class ReadingListOut(Schema):
    id: int
    title: str
    description: str
    readings: list[ReadingOut]


class ReadingSessionOut(Schema):
    id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    location: str
    facilitator: str
    cancelled: bool
    coming: int
    readings: list[ReadingOut]


class ReadingCommentOut(Schema):
    id: int
    author: str
    body: str = Field(description="Markdown.")
    created_at: datetime


class ReadingSessionDetailOut(ReadingSessionOut):
    going: bool = Field(description="Whether you said you are coming.")
    people_coming: list[str]
    attended: list[str]
    notes: str = Field(description="Markdown, kept once the session has started.")
    comments: list[ReadingCommentOut]


class ReadingGoingIn(Schema):
    going: bool


class ReadingCommentIn(Schema):
    body: str = Field(max_length=MAX_COMMENT)


def _reading_out(reading: Reading) -> dict[str, Any]:
    return {
        "id": reading.pk,
        "list_id": reading.reading_list_id,
        "postmortem_id": reading.postmortem_id,
        "url": reading.url,
        "title": reading.label,
        "note": reading.note,
    }


def _session_out(session: ReadingSession, readings: list[Reading], coming: int) -> dict[str, Any]:
    return {
        "id": session.pk,
        "title": session.title,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "location": session.location,
        "facilitator": session.facilitator.username,
        "cancelled": session.is_cancelled,
        "coming": coming,
        "readings": [_reading_out(r) for r in readings],
    }


def _comment_out(comment: SessionComment) -> dict[str, Any]:
    return {
        "id": comment.pk,
        "author": comment.author.username,
        "body": comment.body,
        "created_at": comment.created_at,
    }


def _detail(user: User, session: ReadingSession) -> dict[str, Any]:
    view = queries.session_view(user, session)
    return {
        **_session_out(session, view.readings, len(view.coming)),
        "going": view.going,
        "people_coming": [person.username for person in view.coming],
        "attended": [person.username for person in view.attended],
        "notes": session.notes,
        "comments": [_comment_out(c) for c in view.comments],
    }


@router.get(
    "/culture/reading/lists", response=list[ReadingListOut], summary="Reading club: the lists"
)
def list_reading_lists(request: HttpRequest) -> list[dict[str, Any]]:
    user = actor_of(request)
    readings: dict[int, list[dict[str, Any]]] = {}
    for reading in queries.readings_for(user):
        readings.setdefault(reading.reading_list_id, []).append(_reading_out(reading))
    return [
        {
            "id": found.pk,
            "title": found.title,
            "description": found.description,
            "readings": readings.get(found.pk, []),
        }
        for found in access.reading_lists_visible_to(user)
    ]


@router.get(
    "/culture/reading/sessions",
    response=list[ReadingSessionOut],
    summary="Reading club: upcoming sessions, then the latest past ones",
)
def list_sessions(request: HttpRequest) -> list[dict[str, Any]]:
    user = actor_of(request)
    club = queries.club(user)
    sessions = [*club.upcoming, *club.past]  # each with its "coming" count (queries.sessions_for)
    readings = queries.readings_of_sessions(user, sessions)
    return [
        _session_out(session, readings.get(session.pk, []), session.coming)  # type: ignore[attr-defined]
        for session in sessions
    ]


@router.get(
    "/culture/reading/sessions/{int:session_id}",
    response=ReadingSessionDetailOut,
    summary="One session: readings, who is coming, discussion, notes",
)
def get_session(request: HttpRequest, session_id: int) -> dict[str, Any]:
    user = actor_of(request)
    return _detail(user, access.get_reading_session_for_user(user, session_id))


@router.put(
    "/culture/reading/sessions/{int:session_id}/going",
    response=ReadingSessionDetailOut,
    summary="Say whether you are coming",
)
def put_going(request: HttpRequest, session_id: int, payload: ReadingGoingIn) -> dict[str, Any]:
    user = actor_of(request)
    session = access.get_reading_session_for_user(user, session_id)
    set_going(actor=user, session=session, going=payload.going)
    return _detail(user, session)


@router.post(
    "/culture/reading/sessions/{int:session_id}/comments",
    response={201: ReadingCommentOut},
    summary="Join the session's discussion",
)
def post_comment(request: HttpRequest, session_id: int, payload: ReadingCommentIn) -> Any:
    user = actor_of(request)
    session = access.get_reading_session_for_user(user, session_id)
    return 201, _comment_out(add_comment(actor=user, session=session, body=payload.body))
