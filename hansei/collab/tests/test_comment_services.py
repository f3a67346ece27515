"""The comment services on their own: who may do what, what they record."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hansei.collab.comments.models import CommentThread, ThreadStatus
from hansei.collab.comments.services import (
    reopen_comment_thread,
    reply_to_comment_thread,
    resolve_comment_thread,
    start_comment_thread,
)
from hansei.core.errors import InvalidState
from hansei.postmortems.document.services import start_amendment

pytestmark = pytest.mark.django_db


def test_it_records_activity_and_who_resolved(alice: Any, bob: Any, make_postmortem: Any) -> None:
    thread = start_comment_thread(actor=bob, postmortem=make_postmortem(), body="Q")
    started = thread.last_activity_at

    reply = reply_to_comment_thread(actor=alice, thread=thread, body="A")
    thread.refresh_from_db()
    assert thread.last_activity_at == reply.created_at >= started

    resolve_comment_thread(actor=bob, thread=thread)
    thread.refresh_from_db()
    assert (thread.status, thread.resolved_by) == (ThreadStatus.RESOLVED, bob)
    assert thread.resolved_at == thread.last_activity_at
    with pytest.raises(InvalidState):
        resolve_comment_thread(actor=alice, thread=thread)
    reopen_comment_thread(actor=alice, thread=thread)
    with pytest.raises(InvalidState):
        reopen_comment_thread(actor=alice, thread=thread)


def test_only_the_author_or_an_editor_resolves(
    alice: Any, rita: Any, charlie: Any, published_postmortem: Any
) -> None:
    mine = start_comment_thread(actor=charlie, postmortem=published_postmortem, body="Q")
    theirs = start_comment_thread(actor=alice, postmortem=published_postmortem, body="Q")

    with pytest.raises(PermissionDenied):
        resolve_comment_thread(actor=rita, thread=mine)
    with pytest.raises(PermissionDenied):
        resolve_comment_thread(actor=charlie, thread=theirs)
    resolve_comment_thread(actor=charlie, thread=mine)
    reopen_comment_thread(actor=alice, thread=mine)  # the team edits it: any thread
    resolve_comment_thread(actor=alice, thread=theirs)
    assert CommentThread.objects.get(status=ThreadStatus.RESOLVED) == theirs


def test_a_stale_copy_of_the_postmortem_does_not_open_an_amendments_text(
    alice: Any, charlie: Any, published_postmortem: Any
) -> None:
    stale = published_postmortem
    start_amendment(actor=alice, postmortem=stale)  # ``stale`` still says "published"

    with pytest.raises(PermissionDenied):
        start_comment_thread(actor=charlie, postmortem=stale, section_key="trigger", body="Hm")
    thread = start_comment_thread(actor=alice, postmortem=stale, section_key="trigger", body="X")
    with pytest.raises(PermissionDenied):
        reply_to_comment_thread(actor=charlie, thread=thread, body="Hm")
    assert thread.comments.count() == 1


def test_it_names_every_field_that_is_wrong_at_once(bob: Any, make_postmortem: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        start_comment_thread(
            actor=bob,
            postmortem=make_postmortem(),
            body="",
            section_key="trigger",
            anchor_start="%",
            anchor_end="%",
        )
    assert set(refused.value.message_dict) == {"body", "anchor_start", "anchor_end"}
    assert not CommentThread.objects.exists()
