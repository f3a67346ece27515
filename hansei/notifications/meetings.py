"""Calendar invitations to review meetings, through the one door (``dispatch.send``).

Every version of a meeting (its ``sequence``) goes once to each person concerned: the
invitation (iTIP ``REQUEST``) to everyone invited, a cancellation (``CANCEL``) to people just
taken off the list, and to everyone when the meeting is cancelled. The message key names the
meeting and the version, so handling an event twice sends nothing twice.

The e-mail is written when it is sent (``emails.CONTEXTS["review_meeting"]``): an invitation
for a version that a later one replaced is not sent (the later one is on its way), and the
``invite.ics`` attachment is written for its recipient: the title they may read, the time
in UTC; the body shows the time in their own time zone."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_noop

from hansei.accounts.models import User
from hansei.notifications.dispatch import Message, send
from hansei.notifications.models import NotificationKind
from hansei.notifications.reasons import INVITED
from hansei.postmortems.document.models import Postmortem
from hansei.reviews.calendar import Method, meeting_calendar, mimetype
from hansei.reviews.models import ReviewMeeting

TEMPLATE = "review_meeting"
INVITED_TEXT = gettext_noop("%(who)s invited you to a review meeting on “%(title)s”")
CHANGED_TEXT = gettext_noop("%(who)s changed the review meeting on “%(title)s”")
CANCELLED_TEXT = gettext_noop("%(who)s cancelled the review meeting on “%(title)s”")
UNINVITED_TEXT = gettext_noop("%(who)s took you off the review meeting on “%(title)s”")


def _message(meeting: ReviewMeeting, actor: User | None, text: str, *, cancel: bool) -> Message:
    key = f"meeting:{meeting.pk}:{meeting.sequence}"
    return Message(
        kind=NotificationKind.REVIEW_MEETING,
        postmortem=meeting.postmortem,
        actor=actor,
        key=f"{key}:cancel" if cancel else key,
        text=text,
        url=reverse("postmortems:detail", args=[meeting.postmortem_id]) + f"#meeting-{meeting.pk}",
        email=TEMPLATE,
        ids={"meeting": meeting.pk, "sequence": meeting.sequence, "cancel": int(cancel)},
    )


def send_meeting_invitations(*, meeting: ReviewMeeting, actor: User | None) -> None:
    """This version of ``meeting`` to everyone it concerns (see the module's docstring)."""
    invited = [(person, INVITED) for person in meeting.people_invited()]
    if meeting.is_cancelled:
        send(_message(meeting, actor, CANCELLED_TEXT, cancel=True), invited)
        return
    text = INVITED_TEXT if meeting.sequence == 0 else CHANGED_TEXT
    send(_message(meeting, actor, text, cancel=False), invited)
    removed = User.objects.filter(
        meeting_invitations__meeting=meeting, meeting_invitations__removed_in=meeting.sequence
    )
    if removed:
        send(
            _message(meeting, actor, UNINVITED_TEXT, cancel=True),
            [(person, INVITED) for person in removed],
        )


class Stale(Exception):
    """A later version of the meeting replaced the one this e-mail was about."""


def meeting_email_context(postmortem: Postmortem, ids: dict[str, Any]) -> dict[str, Any]:
    """The rows of a meeting e-mail (``emails.CONTEXTS``), and its ``invite.ics``, written
    for the recipient once the whole context is known. Raises ``Stale`` for an invitation
    that a later version replaced; a cancellation always goes (with its own sequence, so a
    later invitation still wins in any order)."""
    meeting_id, sequence, cancel = ids.get("meeting"), ids.get("sequence"), bool(ids.get("cancel"))
    meetings = ReviewMeeting.objects.select_related("organizer").filter(postmortem=postmortem)
    meeting = meetings.filter(pk=meeting_id).first() if isinstance(meeting_id, int) else None
    if meeting is None or not isinstance(sequence, int):
        raise Stale(f"meeting {ids.get('meeting')} no longer exists")
    if not cancel and (meeting.is_cancelled or meeting.sequence != sequence):
        raise Stale(f"meeting {meeting.pk} version {sequence} was replaced")

    def invite(context: dict[str, Any]) -> list[tuple[str, bytes, str]]:
        recipient: User = context["recipient"]
        everyone = not cancel or meeting.is_cancelled
        method = Method.CANCEL if cancel else Method.REQUEST
        content = meeting_calendar(
            meeting,
            method=method,
            sequence=sequence,
            title=context["title"],
            url=context["url"],
            attendees=list(meeting.people_invited()) if everyone else [recipient],
        )
        return [("invite.ics", content, mimetype(method))]

    return {
        "meeting": meeting,
        "cancelled": cancel,
        "invitees": list(meeting.people_invited()),
        "attachments": invite,
    }
