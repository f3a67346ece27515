"""What the culture programs announce, through the notification center (which checks that
each person may read what a message is about, and on which channels they want it)."""

from __future__ import annotations

from django.urls import reverse

from hansei.accounts.models import Membership, User
from hansei.culture.awards.models import Nomination
from hansei.culture.feedback.models import Survey
from hansei.culture.kudos.models import Kudos, KudosFor
from hansei.notifications import kinds
from hansei.notifications.dispatch import Message, send
from hansei.notifications.models import NotificationKind
from hansei.notifications.reasons import EVERYONE, THANKED, TOOK_PART, Reason


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
        values={"name": kudos.receiver.name},
    )
    memberships = (
        Membership.objects.filter(team__memberships__user=kudos.receiver, user__is_active=True)
        .exclude(user=kudos.receiver)
        .select_related("user", "team")
        .order_by("user_id", "team__name")
    )
    return told + send(teammates, [(m.user, Reason("member", m.team.name)) for m in memberships])
