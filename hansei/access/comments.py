"""Who reads, writes and resolves comment threads."""

from __future__ import annotations

from django.db.models import QuerySet

from hansei.access.base import get_or_404, is_signed_in
from hansei.access.postmortems import (
    can_edit_postmortem,
    can_read_live_content,
    can_view_postmortem,
    get_postmortem_for_user,
    live_content_readers,
    readers_of_postmortem,
)
from hansei.access.reviews import reviews_visible_to
from hansei.accounts.models import User
from hansei.collab.comments.models import CommentThread
from hansei.postmortems.document.models import Postmortem


def can_comment_on_postmortem(user: User, postmortem: Postmortem) -> bool:
    """Everyone who may read a postmortem may discuss it (a comment on the whole of it)."""
    return is_signed_in(user) and can_view_postmortem(user, postmortem)


def can_comment_on_text(user: User, postmortem: Postmortem) -> bool:
    """Comments on a section or on its text quote the live text: only for its live readers."""
    return can_comment_on_postmortem(user, postmortem) and can_read_live_content(user, postmortem)


def comment_threads_visible_to(user: User, postmortem: Postmortem) -> QuerySet[CommentThread]:
    """The threads of ``postmortem`` that ``user`` may read. While an amendment is drafted,
    readers of the published revision see only threads on the whole postmortem: the others
    quote the draft."""
    threads = CommentThread.objects.filter(postmortem=postmortem)
    if not can_comment_on_postmortem(user, postmortem):
        return threads.none()
    if not can_read_live_content(user, postmortem):
        return threads.filter(section_key="")
    return threads


def get_comment_thread_for_user(user: User, pk: int | str, thread_id: int | str) -> CommentThread:
    """The thread of postmortem ``pk`` if ``user`` may read it; 404 otherwise."""
    postmortem = get_postmortem_for_user(user, pk)
    thread: CommentThread = get_or_404(comment_threads_visible_to(user, postmortem), thread_id)
    thread.postmortem = postmortem
    return thread


def can_view_comment_thread(user: User, thread: CommentThread) -> bool:
    """Whom a thread may be shown (or a mention of it sent): its postmortem's readers, and
    for a thread on the text, its live readers."""
    if thread.section_key:
        return can_comment_on_text(user, thread.postmortem)
    return can_comment_on_postmortem(user, thread.postmortem)


def can_resolve_comment_thread(user: User, thread: CommentThread) -> bool:
    """The thread's author, or anyone who edits the postmortem, resolves and reopens it."""
    if not can_view_comment_thread(user, thread):
        return False
    return thread.created_by_id == user.pk or can_edit_postmortem(user, thread.postmortem)


def people_to_mention(
    actor: User, postmortem: Postmortem, *, on_text: bool = False
) -> QuerySet[User]:
    """Whom ``actor`` may be offered while mentioning someone in a comment on ``postmortem``
    (on its text, if ``on_text``; a reply goes where its thread is): the people the comment
    would tell (``can_view_comment_thread``), as far as ``actor`` may know of them.

    * nobody, if ``actor`` may not write that comment;
    * the active people who may read the postmortem;
    * for a comment on its text, only those who read its live content;
    * nobody named on a review ``actor`` may not read (readers of the published revision do not
      learn who reviews the amendment: such a reviewer is left out, even one who reads it anyway).
    """
    may_write = can_comment_on_text if on_text else can_comment_on_postmortem
    if not may_write(actor, postmortem):
        return User.objects.none()
    people = live_content_readers(postmortem) if on_text else readers_of_postmortem(postmortem)
    unseen_reviews = postmortem.reviews.exclude(pk__in=reviews_visible_to(actor).values("pk"))
    return people.exclude(pk__in=unseen_reviews.values("reviewer_id"))
