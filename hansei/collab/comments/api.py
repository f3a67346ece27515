"""Comment threads over the API: list them (with where their text is now), start one,
reply, resolve and reopen, and whom a mention may name. The same rules as the pages
(``hansei.access``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from hansei import access
from hansei.accounts.auth import actor_of
from hansei.accounts.schemas import UserOut
from hansei.collab.comments import services
from hansei.collab.comments.anchors import AnchorRange, locate_threads
from hansei.collab.comments.models import Comment, CommentThread
from hansei.collab.comments.queries import mentionable_people, mentioned_but_not_told
from hansei.core.markdown import render_markdown

router = Router(tags=["comments"])


class CommentOut(Schema):
    id: int
    author: UserOut | None
    body: str
    body_html: str = Field(description="The body rendered from Markdown, sanitized.")
    mentions: list[str] = Field(description="Usernames of the people told about it.")
    not_told: list[str] = Field(
        default_factory=list,
        description=(
            "Only in the answer to posting it: usernames it mentions of people who may not "
            "read the postmortem, so were not told (empty elsewhere)."
        ),
    )
    created_at: datetime


class ThreadOut(Schema):
    id: int
    section_key: str = Field(description="Empty for a thread on the whole postmortem.")
    anchor_start: str = Field(description="Base64 of a Yjs relative position (or empty).")
    anchor_end: str
    quote: str
    status: Literal["open", "resolved"]
    orphaned: bool = Field(description="The text the thread pointed at was deleted.")
    anchored_text: str | None = Field(
        description="The text between the anchors now; null if not anchored or not located."
    )
    created_by: UserOut | None
    created_at: datetime
    resolved_by: UserOut | None
    resolved_at: datetime | None
    last_activity_at: datetime
    comments: list[CommentOut]


class ThreadIn(Schema):
    body: str
    section_key: str = Field("", description="A Markdown section's key; empty for the whole.")
    anchor_start: str = Field("", description="Y.encodeRelativePosition, base64 (assoc 0).")
    anchor_end: str = Field("", description="Y.encodeRelativePosition, base64 (assoc -1).")
    quote: str = Field("", description="The selected text, as shown to the person.")


class ReplyIn(Schema):
    body: str


class MentionableOut(Schema):
    username: str = Field(description="What to write after the @.")
    name: str = Field(description="The display name, else the full name, else the username.")


def _comment_out(comment: Comment) -> dict[str, Any]:
    return {
        "id": comment.pk,
        "author": comment.author,
        "body": comment.body,
        "body_html": render_markdown(comment.body),
        "mentions": [u.username for u in comment.mentions.all()],
        "created_at": comment.created_at,
    }


def _thread_out(thread: CommentThread, located: AnchorRange | None) -> dict[str, Any]:
    return {
        "id": thread.pk,
        "section_key": thread.section_key,
        "anchor_start": thread.anchor_start,
        "anchor_end": thread.anchor_end,
        "quote": thread.quote,
        "status": thread.status,
        "orphaned": bool(located and located.orphaned),
        "anchored_text": located.text if located else None,
        "created_by": thread.created_by,
        "created_at": thread.created_at,
        "resolved_by": thread.resolved_by,
        "resolved_at": thread.resolved_at,
        "last_activity_at": thread.last_activity_at,
        "comments": [_comment_out(c) for c in thread.comments.all()],
    }


def _threads_out(threads: list[CommentThread]) -> list[dict[str, Any]]:
    if not threads:
        return []
    located = locate_threads(threads[0].postmortem_id, threads)
    return [_thread_out(t, located.get(t.pk)) for t in threads]


def _fresh(thread: CommentThread) -> dict[str, Any]:
    thread = (
        CommentThread.objects.select_related("created_by", "resolved_by")
        .prefetch_related("comments__author", "comments__mentions")
        .get(pk=thread.pk)
    )
    return _threads_out([thread])[0]


@router.get(
    "/postmortems/{int:pk}/comments",
    response=list[ThreadOut],
    summary="Comment threads of a postmortem",
)
def list_threads(
    request: HttpRequest,
    pk: int,
    status: Literal["open", "resolved", "all"] = Query("open"),
) -> Any:
    actor = actor_of(request)
    postmortem = access.get_postmortem_for_user(actor, pk)
    threads = access.comment_threads_visible_to(actor, postmortem)
    if status != "all":
        threads = threads.filter(status=status)
    threads = threads.select_related("created_by", "resolved_by").prefetch_related(
        "comments__author", "comments__mentions"
    )
    return _threads_out(list(threads))


@router.get(
    "/postmortems/{int:pk}/comments/{int:thread_id}", response=ThreadOut, summary="A thread"
)
def get_thread(request: HttpRequest, pk: int, thread_id: int) -> Any:
    return _fresh(access.get_comment_thread_for_user(actor_of(request), pk, thread_id))


@router.get(
    "/postmortems/{int:pk}/mentionable",
    response=list[MentionableOut],
    summary="People a comment may mention (for suggestions while typing @name)",
)
def list_mentionable_people(
    request: HttpRequest,
    pk: int,
    q: str = Query(
        "",
        max_length=100,
        description=(
            "What follows the @ so far: the start of a username, display name, first or last "
            "name, or of a word in one (any case). Empty: the postmortem's team first."
        ),
    ),
    thread: int | None = Query(None, description="A reply in this thread: its readers."),
    section_key: str = Query(
        "", max_length=50, description="A new thread on this section's text: its readers."
    ),
) -> Any:
    """At most eight people who may read the comment, so would be told of the mention."""
    actor = actor_of(request)
    postmortem = access.get_postmortem_for_user(actor, pk)
    in_thread = None if thread is None else access.get_comment_thread_for_user(actor, pk, thread)
    people = mentionable_people(
        actor=actor,
        postmortem=postmortem,
        typed=q,
        thread=in_thread,
        on_text=bool(section_key),
    )
    return [{"username": person.username, "name": person.name} for person in people]


@router.post(
    "/postmortems/{int:pk}/comments",
    response={201: ThreadOut},
    summary="Start a thread (on the whole postmortem, or on a range of a section's text)",
)
def create_thread(request: HttpRequest, pk: int, payload: ThreadIn) -> Any:
    actor = actor_of(request)
    postmortem = access.get_postmortem_for_user(actor, pk)
    thread = services.start_comment_thread(actor=actor, postmortem=postmortem, **payload.dict())
    answer = _fresh(thread)
    first = thread.comments.order_by("id").first()
    if first is not None:
        answer["comments"][0]["not_told"] = mentioned_but_not_told(first)
    return Status(201, answer)


@router.post(
    "/postmortems/{int:pk}/comments/{int:thread_id}/replies",
    response={201: CommentOut},
    summary="Reply in a thread",
)
def reply(request: HttpRequest, pk: int, thread_id: int, payload: ReplyIn) -> Any:
    actor = actor_of(request)
    thread = access.get_comment_thread_for_user(actor, pk, thread_id)
    comment = services.reply_to_comment_thread(actor=actor, thread=thread, body=payload.body)
    return Status(201, {**_comment_out(comment), "not_told": mentioned_but_not_told(comment)})


@router.post(
    "/postmortems/{int:pk}/comments/{int:thread_id}/resolve",
    response=ThreadOut,
    summary="Resolve a thread",
)
def resolve(request: HttpRequest, pk: int, thread_id: int) -> Any:
    actor = actor_of(request)
    thread = access.get_comment_thread_for_user(actor, pk, thread_id)
    return _fresh(services.resolve_comment_thread(actor=actor, thread=thread))


@router.post(
    "/postmortems/{int:pk}/comments/{int:thread_id}/reopen",
    response=ThreadOut,
    summary="Reopen a resolved thread",
)
def reopen(request: HttpRequest, pk: int, thread_id: int) -> Any:
    actor = actor_of(request)
    thread = access.get_comment_thread_for_user(actor, pk, thread_id)
    return _fresh(services.reopen_comment_thread(actor=actor, thread=thread))
