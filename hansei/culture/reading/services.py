"""The reading club's services. Rules, one per line:

* a list has a title; a reading is one of our published, unrestricted postmortems the adder
  may read, or an outside postmortem by its http(s) address and a title; never twice on a list;
* a session has a title, a time within a year, a duration of 15 minutes to 8 hours, an active
  facilitator and readings its scheduler may see; scheduling one announces it to everyone
  (unless told not to), moving one tells those coming, cancelling one too;
* people say they are coming until the session ends; the facilitator records who was there
  once it has started; notes are kept from then on;
* those coming and the facilitator are reminded once, within a day of the start
  (``remind_due_sessions``, run by the worker).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hansei import access
from hansei.accounts.models import User
from hansei.core.errors import InvalidState
from hansei.culture.announcements import announce_session, session_comment_told
from hansei.culture.reading.links import parse_link
from hansei.culture.reading.models import (
    Participation,
    Reading,
    ReadingList,
    ReadingSession,
    SessionComment,
)
from hansei.culture.text import required_text
from hansei.postmortems.document.models import Postmortem

MAX_TITLE = 200
MAX_READING_TITLE = 300
MAX_NOTE = 1000
MAX_DESCRIPTION = 2000
MAX_LOCATION = 500
MAX_COMMENT = 5000
MAX_NOTES = 20000
MIN_DURATION, MAX_DURATION = 15, 8 * 60
REMIND_BEFORE = timedelta(hours=24)


def _optional(text: str | None, *, field: str, limit: int) -> str:
    value = (text or "").strip()
    if len(value) > limit:
        raise ValidationError({field: _("At most %(n)s characters.") % {"n": limit}})
    return value


@transaction.atomic
def create_list(*, actor: User, title: str, description: str = "") -> ReadingList:
    access.require(access.can_join_reading_club(actor))
    return ReadingList.objects.create(
        title=required_text(
            title, field="title", limit=MAX_TITLE, missing=_("Give the list a title.")
        ),
        description=_optional(description, field="description", limit=MAX_DESCRIPTION),
        created_by=actor,
        created_at=timezone.now(),  # called here: the demo's clock is its own
    )


@transaction.atomic
def add_reading(
    *, actor: User, reading_list: ReadingList, link: str, title: str = "", note: str = ""
) -> Reading:
    access.require(access.can_join_reading_club(actor))
    found = parse_link(link)
    note = _optional(note, field="note", limit=MAX_NOTE)
    postmortem: Postmortem | None = None
    if found.postmortem is not None:
        postmortem = Postmortem.objects.filter(pk=found.postmortem).first()
        if postmortem is None or not access.can_view_postmortem(actor, postmortem):
            raise ValidationError({"link": _("There is no such postmortem.")})
        if not access.can_read_together(actor, postmortem):
            raise ValidationError(
                {"link": _("Only a published postmortem everyone may read goes on a list.")}
            )
        title = ""
    else:
        title = required_text(
            title,
            field="title",
            limit=MAX_READING_TITLE,
            missing=_("Give the outside postmortem a title."),
        )
    try:
        with transaction.atomic():
            return Reading.objects.create(
                reading_list=reading_list,
                postmortem=postmortem,
                url=found.url,
                title=title,
                note=note,
                added_by=actor,
                added_at=timezone.now(),
            )
    except IntegrityError as exc:
        raise ValidationError({"link": _("This is on the list already.")}) from exc


@transaction.atomic
def remove_reading(*, actor: User, reading: Reading) -> None:
    access.require(access.can_remove_reading(actor, reading))
    reading.delete()


def _session_fields(
    actor: User,
    *,
    title: str,
    starts_at: datetime,
    duration: int,
    location: str,
    facilitator: User,
    readings: Iterable[Reading],
) -> tuple[dict[str, object], list[Reading]]:
    now = timezone.now()
    if not isinstance(starts_at, datetime) or not (
        now - timedelta(days=366) <= starts_at <= now + timedelta(days=366)
    ):
        raise ValidationError({"starts_at": _("Choose a time within a year from now.")})
    if not isinstance(duration, int) or not MIN_DURATION <= duration <= MAX_DURATION:
        raise ValidationError(
            {
                "duration": _("Between %(low)s and %(high)s minutes.")
                % {"low": MIN_DURATION, "high": MAX_DURATION}
            }
        )
    if not facilitator.is_active:
        raise ValidationError({"facilitator": _("Choose someone who can sign in.")})
    chosen = list(readings)
    visible = set(
        access.readings_visible_to(actor)
        .filter(pk__in=[r.pk for r in chosen])
        .values_list("pk", flat=True)
    )
    if any(reading.pk not in visible for reading in chosen):
        raise ValidationError({"readings": _("Choose readings from the club's lists.")})
    fields = {
        "title": required_text(
            title, field="title", limit=MAX_TITLE, missing=_("Give the session a title.")
        ),
        "starts_at": starts_at,
        "duration": duration,
        "location": _optional(location, field="location", limit=MAX_LOCATION),
        "facilitator": facilitator,
    }
    return fields, chosen


@transaction.atomic
def schedule_session(
    *,
    actor: User,
    title: str,
    starts_at: datetime,
    duration: int = 60,
    location: str = "",
    facilitator: User,
    readings: Iterable[Reading] = (),
    announce: bool = True,
) -> ReadingSession:
    access.require(access.can_join_reading_club(actor))
    fields, chosen = _session_fields(
        actor,
        title=title,
        starts_at=starts_at,
        duration=duration,
        location=location,
        facilitator=facilitator,
        readings=readings,
    )
    session = ReadingSession.objects.create(**fields, created_by=actor, created_at=timezone.now())
    session.readings.set(chosen)
    if announce and session.starts_at > timezone.now():
        announce_session(session, actor=actor, change="scheduled")
    return session


@transaction.atomic
def update_session(
    *,
    actor: User,
    session: ReadingSession,
    title: str,
    starts_at: datetime,
    duration: int,
    location: str,
    facilitator: User,
    readings: Iterable[Reading],
) -> ReadingSession:
    session = ReadingSession.objects.select_for_update().get(pk=session.pk)
    access.require(access.can_run_session(actor, session))
    if session.is_cancelled:
        raise InvalidState(_("This session is cancelled."))
    fields, chosen = _session_fields(
        actor,
        title=title,
        starts_at=starts_at,
        duration=duration,
        location=location,
        facilitator=facilitator,
        readings=readings,
    )
    moved = fields["starts_at"] != session.starts_at
    for name, value in fields.items():
        setattr(session, name, value)
    if moved:
        session.reminded_at = None  # a new time, a new reminder
    session.save()
    # Readings the actor cannot see stay (someone else put them there).
    hidden = session.readings.exclude(pk__in=access.readings_visible_to(actor).values("pk"))
    session.readings.set([*chosen, *hidden])
    if moved and session.starts_at > timezone.now():
        announce_session(session, actor=actor, change="moved")
    return session


@transaction.atomic
def cancel_session(*, actor: User, session: ReadingSession) -> ReadingSession:
    session = ReadingSession.objects.select_for_update().get(pk=session.pk)
    access.require(access.can_run_session(actor, session))
    if session.is_cancelled:
        raise InvalidState(_("This session is cancelled already."))
    if session.has_started:
        raise InvalidState(_("This session has started: it cannot be cancelled."))
    session.cancelled_at = timezone.now()
    session.save(update_fields=["cancelled_at"])
    announce_session(session, actor=actor, change="cancelled")
    return session


@transaction.atomic
def set_going(*, actor: User, session: ReadingSession, going: bool) -> Participation:
    access.require(access.can_join_reading_club(actor))
    # As it is now, not as it was read; one change to its people at a time.
    session = ReadingSession.objects.select_for_update().get(pk=session.pk)
    if session.is_cancelled:
        raise InvalidState(_("This session is cancelled."))
    if session.ends_at <= timezone.now():
        raise InvalidState(_("This session is over."))
    participation, _created = Participation.objects.get_or_create(session=session, person=actor)
    participation.going = bool(going)
    participation.save(update_fields=["going"])
    return participation


@transaction.atomic
def record_attendance(
    *, actor: User, session: ReadingSession, people: Iterable[User]
) -> list[User]:
    """Exactly ``people`` were there."""
    session = ReadingSession.objects.select_for_update().get(pk=session.pk)
    access.require(access.can_run_session(actor, session))
    if session.is_cancelled or not session.has_started:
        raise InvalidState(_("Attendance is recorded once the session has started."))
    there = {person.pk: person for person in people if person.is_active}
    rows = Participation.objects.filter(session=session)
    rows.exclude(person__in=list(there)).update(attended=False)
    # A row someone else wrote meanwhile ("I'm coming") is kept, then marked.
    Participation.objects.bulk_create(
        [Participation(session=session, person_id=pk, attended=True) for pk in there],
        ignore_conflicts=True,
    )
    rows.filter(person__in=list(there)).update(attended=True)
    return list(there.values())


@transaction.atomic
def save_notes(*, actor: User, session: ReadingSession, notes: str) -> ReadingSession:
    session = ReadingSession.objects.select_for_update().get(pk=session.pk)
    access.require(access.can_run_session(actor, session))
    if session.is_cancelled or not session.has_started:
        raise InvalidState(_("Notes are kept once the session has started."))
    session.notes = _optional(notes, field="notes", limit=MAX_NOTES)
    session.notes_by = actor
    session.notes_at = timezone.now()
    session.save(update_fields=["notes", "notes_by", "notes_at"])
    return session


@transaction.atomic
def add_comment(*, actor: User, session: ReadingSession, body: str) -> SessionComment:
    access.require(access.can_join_reading_club(actor))
    session = ReadingSession.objects.select_related("facilitator").get(pk=session.pk)
    if session.is_cancelled:
        raise InvalidState(_("This session is cancelled."))
    comment = SessionComment.objects.create(
        session=session,
        author=actor,
        body=required_text(
            body, field="body", limit=MAX_COMMENT, missing=_("Write something first.")
        ),
        created_at=timezone.now(),
    )
    session_comment_told(comment)
    return comment


@transaction.atomic
def delete_comment(*, actor: User, comment: SessionComment) -> None:
    access.require(access.can_delete_session_comment(actor, comment))
    comment.delete()


def remind_due_sessions(now: datetime | None = None) -> int:
    """Remind, once, those coming to each session starting within a day; how many were."""
    now = now or timezone.now()
    due = ReadingSession.objects.filter(
        cancelled_at=None, reminded_at=None, starts_at__gt=now, starts_at__lte=now + REMIND_BEFORE
    ).values_list("pk", flat=True)
    told = 0
    for pk in due:
        with transaction.atomic():
            session = (
                ReadingSession.objects.select_for_update()
                .select_related("facilitator")
                .filter(pk=pk, reminded_at=None)
                .first()
            )
            if session is None:
                continue
            session.reminded_at = now
            session.save(update_fields=["reminded_at"])
            told += len(announce_session(session, actor=None, change="reminder"))
    return told
