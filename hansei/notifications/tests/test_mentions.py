"""@mentions and replies in comment threads: who is told (in the inbox, and by e-mail through
a real SMTP server and the job worker), and that nobody who cannot read it ever is."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse

from hansei.accounts.models import Membership, User
from hansei.collab.comments.models import Comment, CommentThread
from hansei.collab.comments.queries import mentioned_usernames
from hansei.collab.comments.services import reply_to_comment_thread, start_comment_thread
from hansei.conftest import message_text
from hansei.core.jobs import run_pending
from hansei.core.models import Job
from hansei.notifications.models import Notification, NotificationKind, Preference
from hansei.postmortems.document.services import start_amendment, update_section

pytestmark = pytest.mark.django_db


def _mention_jobs() -> list[Job]:
    return list(Job.objects.filter(kind="notifications.email", payload__template="mention"))


def test_a_mention_notifies_in_the_inbox_and_by_email(
    client: Any,
    alice: Any,
    bob: Any,
    charlie: Any,
    rita: Any,
    make_postmortem: Any,
    smtp_server: Any,
    settings: Any,
) -> None:
    postmortem = make_postmortem()
    Job.objects.all().delete()
    client.force_login(bob)

    response = client.post(
        reverse("collab:new_thread", args=[postmortem.pk]),
        {"body": "@alice could you check the TTL? cc @charlie @rita @nobody (bob@example.com)"},
    )

    assert response.status_code == 302
    thread = CommentThread.objects.get()
    comment = thread.comments.get()
    # Charlie (another team) and Rita (not reviewing it) cannot read this draft: not told.
    assert list(comment.mentions.all()) == [alice]
    [notification] = Notification.objects.all()
    assert notification.recipient == alice and notification.actor == bob
    assert notification.kind == NotificationKind.MENTION
    assert notification.postmortem == postmortem and notification.read_at is None
    assert notification.text == "Bob mentioned you on “Checkout API returned 500s”"
    assert notification.url == f"/postmortems/{postmortem.pk}/#thread-{thread.pk}"
    assert smtp_server.messages == []  # queued, sent by the worker

    assert run_pending() == 1

    [envelope] = smtp_server.envelopes
    [message] = smtp_server.messages
    assert envelope.rcpt_tos == ["alice@example.com"]
    assert message["Subject"] == "Bob mentioned you: Checkout API returned 500s"
    body = message_text(message)
    assert "Bob mentioned you in a comment on the postmortem" in body
    assert "@alice could you check the TTL?" in body
    assert f"{settings.BASE_URL}/postmortems/{postmortem.pk}/#thread-{thread.pk}" in body
    html = [p for p in message.walk() if p.get_content_type() == "text/html"]
    assert "<p>@alice could you check the TTL?" in html[0].get_payload(decode=True).decode()


def test_replies_tell_the_threads_participants_but_never_the_author(
    alice: Any, bob: Any, ada: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    thread = start_comment_thread(actor=bob, postmortem=postmortem, body="Why 50 minutes?")
    assert not Notification.objects.exists()

    reply_to_comment_thread(actor=alice, thread=thread, body="Slow rollback.")
    [told] = Notification.objects.all()
    assert (told.recipient, told.kind) == (bob, NotificationKind.COMMENT)
    assert told.text == "Alice replied on “Checkout API returned 500s”"

    reply_to_comment_thread(actor=bob, thread=thread, body="Thanks @alice, and @ada?")
    kinds = {(n.recipient.username, n.kind) for n in Notification.objects.exclude(pk=told.pk)}
    # Alice is mentioned and took part: told once, as a mention. Bob wrote it: not told.
    assert kinds == {("alice", NotificationKind.MENTION), ("ada", NotificationKind.MENTION)}


def test_a_reply_is_mailed_to_a_participant_who_chose_email(
    alice: Any, bob: Any, make_postmortem: Any, smtp_server: Any
) -> None:
    postmortem = make_postmortem()
    thread = start_comment_thread(actor=bob, postmortem=postmortem, body="Why 50 minutes?")
    Job.objects.all().delete()
    reply_to_comment_thread(actor=alice, thread=thread, body="The rollback was *slow*.")
    assert run_pending() == 0  # replies stay in the inbox unless you ask for them by e-mail

    Preference.objects.create(user=bob, kind="comment", channel="email", enabled=True)
    reply_to_comment_thread(actor=alice, thread=thread, body="It took **twenty** minutes.")
    assert run_pending() == 1

    [message] = smtp_server.messages
    assert message["Subject"] == "Alice replied: Checkout API returned 500s"
    body = message_text(message)
    assert "Alice replied in a thread you took part in on the postmortem" in body
    assert "It took **twenty** minutes." in body and "slow" not in body
    html = next(p for p in message.walk() if p.get_content_type() == "text/html")
    assert "<strong>twenty</strong>" in html.get_payload(decode=True).decode()


def test_inactive_people_and_people_who_cannot_read_it_are_never_told(
    alice: Any, bob: Any, charlie: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    gone = User.objects.create_user("gone", "gone@example.com", is_active=False)
    Membership.objects.create(user=gone, team=postmortem.team)
    thread = start_comment_thread(actor=alice, postmortem=postmortem, body="Hi @gone @charlie")
    assert not thread.comments.get().mentions.exists()

    # Bob took part, then left the team: a reply no longer tells him.
    reply_to_comment_thread(actor=bob, thread=thread, body="Me too")
    Membership.objects.filter(user=bob).delete()
    bob = User.objects.get(pk=bob.pk)
    reply_to_comment_thread(actor=alice, thread=thread, body="Bye @bob")
    assert not Notification.objects.filter(recipient=bob).exists()
    assert not Notification.objects.exclude(recipient=alice).exists()
    assert not _mention_jobs()


def test_readers_of_a_published_postmortem_are_told_but_not_about_a_drafted_amendment(
    alice: Any, charlie: Any, published_postmortem: Any
) -> None:
    postmortem = published_postmortem
    start_comment_thread(actor=alice, postmortem=postmortem, body="@charlie does Search do this?")
    assert Notification.objects.get(kind="mention").recipient == charlie

    start_amendment(actor=alice, postmortem=postmortem)
    update_section(
        actor=alice, section=postmortem.sections.get(key="trigger"), body="A config push."
    )
    Notification.objects.all().delete()
    Job.objects.all().delete()
    start_comment_thread(
        actor=alice, postmortem=postmortem, section_key="trigger", body="@charlie see this draft"
    )
    start_comment_thread(actor=alice, postmortem=postmortem, body="@charlie about all of it")

    # The draft's text is not Charlie's to read yet; the postmortem as a whole is.
    assert [n.kind for n in Notification.objects.filter(recipient=charlie)] == ["mention"]
    assert len(_mention_jobs()) == 1


def test_a_mention_on_the_text_is_not_mailed_once_an_amendment_hides_that_text(
    alice: Any, charlie: Any, published_postmortem: Any, smtp_server: Any
) -> None:
    postmortem = published_postmortem
    Preference.objects.create(user=charlie, kind="mention", channel="email", enabled=True)
    Job.objects.all().delete()
    start_comment_thread(
        actor=alice, postmortem=postmortem, section_key="trigger", body="@charlie is this ours?"
    )
    start_comment_thread(actor=alice, postmortem=postmortem, body="@charlie and all of it?")
    assert len(_mention_jobs()) == 2

    # Before the worker sends them, an amendment starts: the thread on the trigger's text now
    # quotes a draft Charlie may not read. The thread on the whole postmortem still goes.
    start_amendment(actor=alice, postmortem=postmortem)
    assert run_pending() == 2
    [message] = smtp_server.messages
    body = message_text(message)
    assert "and all of it?" in body and "is this ours?" not in body


def test_a_comment_that_is_rolled_back_tells_nobody(
    alice: Any, bob: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    Job.objects.all().delete()

    with pytest.raises(RuntimeError), transaction.atomic():
        start_comment_thread(actor=alice, postmortem=postmortem, body="@bob look")
        raise RuntimeError("something after it failed")

    assert not Comment.objects.exists() and not Notification.objects.exists()
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    ("body", "names"),
    [
        ("@alice and @bob", ["alice", "bob"]),
        ("(@alice), @bob.", ["alice", "bob.", "bob"]),
        ("write to alice@example.com", []),
        ("@Alice @alice", ["Alice"]),
        ("`@x-y_z+1`", ["x-y_z+1"]),
        ("no mention", []),
    ],
)
def test_it_finds_mentions(body: str, names: list[str]) -> None:
    assert mentioned_usernames(body) == names
