"""What the culture programs announce, through the notification center (which checks that
each person may read what a message is about, and on which channels they want it)."""

from __future__ import annotations

from django.urls import reverse

from hansei.accounts.models import Membership, User
from hansei.culture.awards.models import Nomination
from hansei.culture.emails import READING_SESSION
from hansei.culture.feedback.models import Survey
from hansei.culture.kudos.models import Kudos, KudosFor
from hansei.culture.reading.models import ReadingSession, SessionComment
from hansei.notifications import kinds
from hansei.notifications.dispatch import Message, send
from hansei.notifications.models import NotificationKind
from hansei.notifications.reasons import (
    COMING,
    EVERYONE,
    FACILITATOR,
    PARTICIPANT,
    THANKED,
    TOOK_PART,
    Reason,
)


def _page(postmortem_id: int) -> str:
    return reverse("postmortems:detail", args=[postmortem_id])


def announce_award(nomination: Nomination) -> list[User]:
    """The month's winner, to everyone."""
    message = Message(
        kind=NotificationKind.AWARD,
        postmortem=nomination.postmortem,
        actor=None,
        key=f"award:{nomination.round_id}",
        text=kinds.AWARD_TEXT,
        url=reverse("culture:hall_of_fame"),
        email="award",
        values={"month": str(nomination.round)},
    )
    return send(message, [(user, EVERYONE) for user in User.objects.filter(is_active=True)])


def announce_survey(survey: Survey, people: list[User]) -> list[User]:
    """Those who took part are asked how the process went."""
    message = Message(
        kind=NotificationKind.SURVEY,
        postmortem=survey.postmortem,
        actor=None,
        key=f"survey:{survey.pk}",
        text=kinds.SURVEY_TEXT,
        url=reverse("culture:survey", args=[survey.pk]),
        email="survey",
    )
    return send(message, [(user, TOOK_PART) for user in people])


def announce_kudos(kudos: Kudos) -> list[User]:
    """The person thanked hears of it; when it is announced, their teams too."""
    writing = kudos.kind == KudosFor.WRITING
    thanked = Message(
        kind=NotificationKind.KUDOS,
        postmortem=kudos.postmortem,
        actor=kudos.giver,
        key=f"kudos:{kudos.pk}",
        text=kinds.KUDOS_WRITING_TEXT if writing else kinds.KUDOS_REVIEW_TEXT,
        url=_page(kudos.postmortem_id) + "#kudos",
        email="kudos",
    )
    told = send(thanked, [(kudos.receiver, THANKED)])
    if not kudos.announced:
        return told
    teammates = Message(
        kind=NotificationKind.KUDOS,
        postmortem=kudos.postmortem,
        actor=kudos.giver,
        key=f"kudos:{kudos.pk}:teams",
        text=kinds.TEAM_KUDOS_WRITING_TEXT if writing else kinds.TEAM_KUDOS_REVIEW_TEXT,
        url=_page(kudos.postmortem_id) + "#kudos",
        email="kudos_team",
        ids={"kudos": kudos.pk},
        values={"name": kudos.receiver.name},
    )
    memberships = (
        Membership.objects.filter(team__memberships__user=kudos.receiver, user__is_active=True)
        .exclude(user=kudos.receiver)
        .select_related("user", "team")
        .order_by("user_id", "team__name")
    )
    return told + send(teammates, [(m.user, Reason("member", m.team.name)) for m in memberships])


SESSION_TEXTS = {
    "scheduled": kinds.READING_SCHEDULED_TEXT,
    "moved": kinds.READING_MOVED_TEXT,
    "cancelled": kinds.READING_CANCELLED_TEXT,
    "reminder": kinds.READING_REMINDER_TEXT,
}


def _session_message(
    session: ReadingSession,
    *,
    actor: User | None,
    key: str,
    text: str,
    change: str,
    comment: SessionComment | None = None,
) -> Message:
    ids: dict[str, int | str] = {
        "session": session.pk,
        "change": change,
        "starts_at": session.starts_at.isoformat(),
    }
    if comment is not None:
        ids["comment"] = comment.pk
    return Message(
        kind=NotificationKind.READING,
        postmortem=None,
        actor=actor,
        key=key,
        text=text,
        url=reverse("culture:session", args=[session.pk]),
        email=READING_SESSION,
        ids=ids,
        values={"title": session.title},
        when=session.starts_at,
        audience=User.objects.filter(is_active=True),
    )


def announce_session(session: ReadingSession, *, actor: User | None, change: str) -> list[User]:
    """A session scheduled (to everyone), moved or cancelled (to those coming and the
    facilitator), or about to start (the reminder, to them too)."""
    key = f"reading:{session.pk}:{change}"
    if change == "moved":  # each move is news
        key += f":{session.starts_at.isoformat()}"
    message = _session_message(
        session, actor=actor, key=key, text=SESSION_TEXTS[change], change=change
    )
    if change == "scheduled":
        return send(message, [(user, EVERYONE) for user in User.objects.filter(is_active=True)])
    coming = User.objects.filter(
        reading_sessions__session=session, reading_sessions__going=True, is_active=True
    )
    return send(message, [(session.facilitator, FACILITATOR), *((u, COMING) for u in coming)])


def session_comment_told(comment: SessionComment) -> list[User]:
    """The facilitator and whoever spoke before hear that the discussion goes on."""
    session = comment.session
    message = _session_message(
        session,
        actor=comment.author,
        key=f"reading-comment:{comment.pk}",
        text=kinds.READING_COMMENT_TEXT,
        change="comment",
        comment=comment,
    )
    earlier = User.objects.filter(
        pk__in=session.comments.exclude(pk=comment.pk).values("author"), is_active=True
    )
    return send(message, [(session.facilitator, FACILITATOR), *((u, PARTICIPANT) for u in earlier)])
