"""What the reading club's pages show, each reading filtered through the rulebook."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from hansei import access
from hansei.accounts.models import User
from hansei.culture.reading.models import (
    Participation,
    Reading,
    ReadingList,
    ReadingSession,
    SessionComment,
)

PAST_SHOWN = 20


def readings_for(user: User) -> QuerySet[Reading]:
    """Every reading ``user`` may see, with what its label needs."""
    return access.readings_visible_to(user).select_related("reading_list", "postmortem__team")


def sessions_for(user: User) -> QuerySet[ReadingSession]:
    return (
        access.reading_sessions_visible_to(user)
        .select_related("facilitator")
        .annotate(coming=Count("participations", filter=Q(participations__going=True)))
    )


@dataclass
class Club:
    upcoming: list[ReadingSession]
    past: list[ReadingSession]
    lists: list[ReadingList]


def club(user: User) -> Club:
    now = timezone.now()
    sessions = sessions_for(user)
    # A session under way is still "upcoming": people look for its room now.
    upcoming = sessions.filter(cancelled_at=None, starts_at__gt=now - timedelta(hours=8))
    upcoming_list = [s for s in upcoming.order_by("starts_at", "id") if s.ends_at > now]
    shown = {s.pk for s in upcoming_list}
    past = [s for s in sessions.order_by("-starts_at", "-id")[: PAST_SHOWN + len(shown)]]
    visible = access.readings_visible_to(user).values("pk")
    lists = access.reading_lists_visible_to(user).annotate(
        count=Count("readings", filter=Q(readings__in=visible))
    )
    return Club(
        upcoming=upcoming_list,
        past=[s for s in past if s.pk not in shown][:PAST_SHOWN],
        lists=list(lists),
    )


def readings_of_list(user: User, reading_list: ReadingList) -> list[Reading]:
    return list(readings_for(user).filter(reading_list=reading_list))


def session_readings(user: User, session: ReadingSession) -> list[Reading]:
    return readings_of_sessions(user, [session]).get(session.pk, [])


def readings_of_sessions(user: User, sessions: list[ReadingSession]) -> dict[int, list[Reading]]:
    """Each session's readings ``user`` may see, by session id, in one query."""
    rows = (
        readings_for(user)
        .filter(sessions__in=[s.pk for s in sessions])
        .annotate(session_id=F("sessions"))
        .order_by("reading_list__title", "id")
    )
    found: dict[int, list[Reading]] = {}
    for reading in rows:
        found.setdefault(reading.session_id, []).append(reading)
    return found


@dataclass
class SessionView:
    session: ReadingSession
    readings: list[Reading]
    coming: list[User]
    attended: list[User]
    comments: list[SessionComment]
    going: bool
    can_run: bool
    is_over: bool


def session_view(user: User, session: ReadingSession) -> SessionView:
    rows = Participation.objects.filter(session=session).select_related("person")
    rows = rows.order_by("person__display_name", "person__username")
    mine = next((row for row in rows if row.person_id == user.pk), None)
    return SessionView(
        session=session,
        readings=session_readings(user, session),
        coming=[row.person for row in rows if row.going],
        attended=[row.person for row in rows if row.attended],
        comments=list(session.comments.select_related("author")),
        going=bool(mine and mine.going),
        can_run=access.can_run_session(user, session),
        is_over=session.ends_at <= timezone.now(),
    )


def attendance_candidates(session: ReadingSession) -> QuerySet[User]:
    """Whom the facilitator ticks: those who said they came, spoke, or were recorded, and the
    facilitator."""
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(reading_sessions__session=session)
            | Q(pk__in=session.comments.values("author"))
            | Q(pk=session.facilitator_id)
        )
        .distinct()
        .order_by("display_name", "username")
    )
