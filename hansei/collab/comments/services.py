"""Discussions on a postmortem: threads (on the whole of it, or on a range of a section's
text), replies, @mentions, resolving and reopening. Each change is one transaction that
announces itself (``collab.events``): open pages refresh their comment panel once it
commits, and the people mentioned or taking part are told."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hansei import access
from hansei.accounts.models import User
from hansei.collab.comments import anchors
from hansei.collab.comments.events import COMMENT_POSTED, THREAD_REOPENED, THREAD_RESOLVED
from hansei.collab.comments.models import (
    MAX_COMMENT_CHARS,
    MAX_QUOTE_CHARS,
    Comment,
    CommentThread,
    ThreadStatus,
)
from hansei.collab.comments.queries import MAX_MENTIONS, mentioned_people
from hansei.core import events
from hansei.core.errors import InvalidState
from hansei.postmortems.document.live_text import load_doc
from hansei.postmortems.document.models import Postmortem
from hansei.postmortems.template_library.models import SectionKind


def _mentioned_readers(body: str, thread: CommentThread, actor: User) -> list[User]:
    """The active people ``body`` mentions who may read ``thread``: nobody else is told,
    so a mention never reveals a postmortem."""
    people = mentioned_people(body).exclude(pk=actor.pk)
    return [u for u in people[:MAX_MENTIONS] if access.can_view_comment_thread(u, thread)]


def _clean_body(body: str, errors: dict[str, str]) -> str:
    body = (body or "").replace("\r\n", "\n")
    if not body.strip():
        errors["body"] = _("Write a comment.")
    elif len(body) > MAX_COMMENT_CHARS:
        errors["body"] = _("The comment is too long (at most %(n)s characters).") % {
            "n": f"{MAX_COMMENT_CHARS:,}"
        }
    return body


def _add_comment(*, actor: User, thread: CommentThread, body: str) -> Comment:
    comment = Comment.objects.create(
        thread=thread, author=actor, body=body, created_at=thread.last_activity_at
    )
    mentioned = _mentioned_readers(body, thread, actor)
    comment.mentions.set(mentioned)
    events.emit(
        COMMENT_POSTED, actor_id=actor.pk, postmortem_id=thread.postmortem_id, object_id=comment.pk
    )
    return comment


def _clean_anchor(
    *,
    postmortem: Postmortem,
    section_key: str,
    anchor_start: str,
    anchor_end: str,
    quote: str,
    errors: dict[str, str],
) -> str:
    """Check where a new thread points; the quote to keep (from the text if none was sent)."""
    if not section_key:
        if anchor_start or anchor_end or quote:
            errors["section_key"] = _("Say which section the selected text is in.")
        return ""
    if not postmortem.sections.filter(key=section_key, kind=SectionKind.MARKDOWN).exists():
        errors["section_key"] = _("This postmortem has no text section “%(key)s”.") % {
            "key": section_key[:50]
        }
        return quote
    if len(quote) > MAX_QUOTE_CHARS:
        errors["quote"] = _("The quote is too long (at most %(n)s characters).") % {
            "n": f"{MAX_QUOTE_CHARS:,}"
        }
    if not anchor_start and not anchor_end:
        return quote
    positions: dict[str, anchors.Position] = {}
    for field, value in (("anchor_start", anchor_start), ("anchor_end", anchor_end)):
        try:
            positions[field] = anchors.decode_anchor(value)
        except anchors.AnchorError as error:
            errors[field] = error.message
    if errors:
        return quote
    doc, _last = load_doc(postmortem.pk)
    try:
        located = anchors.LiveText(doc).locate_new(
            section_key, positions["anchor_start"], positions["anchor_end"]
        )
    except anchors.AnchorError as error:
        errors["anchor_start"] = error.message
        return quote
    return quote or located.text[:MAX_QUOTE_CHARS]


@transaction.atomic
def start_comment_thread(
    *,
    actor: User,
    postmortem: Postmortem,
    body: str,
    section_key: str = "",
    anchor_start: str = "",
    anchor_end: str = "",
    quote: str = "",
) -> CommentThread:
    """Open a thread with its first comment: on the whole postmortem (no section), on a
    section, or on a range of its text (two Yjs relative positions, base64)."""
    # The rules depend on its state (an amendment's text is not for everyone): read it fresh.
    postmortem = Postmortem.objects.select_related("team", "owner").get(pk=postmortem.pk)
    access.require(access.can_comment_on_postmortem(actor, postmortem))
    section_key, quote = (section_key or "").strip(), (quote or "").replace("\r\n", "\n")
    if section_key:
        access.require(
            access.can_comment_on_text(actor, postmortem),
            _("Only the people writing the amendment can comment on its text."),
        )
    errors: dict[str, str] = {}
    body = _clean_body(body, errors)
    quote = _clean_anchor(
        postmortem=postmortem,
        section_key=section_key,
        anchor_start=(anchor_start or "").strip(),
        anchor_end=(anchor_end or "").strip(),
        quote=quote,
        errors=errors,
    )
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    thread = CommentThread.objects.create(
        postmortem=postmortem,
        section_key=section_key,
        anchor_start=(anchor_start or "").strip(),
        anchor_end=(anchor_end or "").strip(),
        quote=quote,
        created_by=actor,
        created_at=now,
        last_activity_at=now,
    )
    _add_comment(actor=actor, thread=thread, body=body)
    return thread


def _locked(thread: CommentThread) -> CommentThread:
    """The thread's row, locked, with its postmortem as it is now."""
    return (
        CommentThread.objects.select_for_update(of=("self",))
        .select_related("postmortem__team", "postmortem__owner")
        .get(pk=thread.pk)
    )


@transaction.atomic
def reply_to_comment_thread(*, actor: User, thread: CommentThread, body: str) -> Comment:
    thread = _locked(thread)
    access.require(access.can_view_comment_thread(actor, thread))
    errors: dict[str, str] = {}
    body = _clean_body(body, errors)
    if errors:
        raise ValidationError(errors)
    thread.last_activity_at = timezone.now()
    thread.save(update_fields=["last_activity_at"])
    return _add_comment(actor=actor, thread=thread, body=body)


def _set_status(*, actor: User, thread: CommentThread, status: ThreadStatus) -> CommentThread:
    thread = _locked(thread)
    access.require(access.can_resolve_comment_thread(actor, thread))
    if thread.status == status:
        if status == ThreadStatus.RESOLVED:
            raise InvalidState(_("This thread is already resolved."))
        raise InvalidState(_("This thread is already open."))
    now = timezone.now()
    resolving = status == ThreadStatus.RESOLVED
    thread.status = status
    thread.resolved_by = actor if resolving else None
    thread.resolved_at = now if resolving else None
    thread.last_activity_at = now
    thread.save(update_fields=["status", "resolved_by", "resolved_at", "last_activity_at"])
    events.emit(
        THREAD_RESOLVED if resolving else THREAD_REOPENED,
        actor_id=actor.pk,
        postmortem_id=thread.postmortem_id,
        object_id=thread.pk,
    )
    return thread


@transaction.atomic
def resolve_comment_thread(*, actor: User, thread: CommentThread) -> CommentThread:
    return _set_status(actor=actor, thread=thread, status=ThreadStatus.RESOLVED)


@transaction.atomic
def reopen_comment_thread(*, actor: User, thread: CommentThread) -> CommentThread:
    return _set_status(actor=actor, thread=thread, status=ThreadStatus.OPEN)
