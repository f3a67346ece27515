"""Review meetings: schedule one on a postmortem, change it, cancel it.

The services of ``hansei.reviews.services`` for meetings (kept apart to keep both small):
keyword-only ``actor``, one transaction, the postmortem's writers only. Each change that a
calendar must apply raises the meeting's ``sequence`` and emits one event (ids only); the
notification center sends the invitations from it (``hansei.notifications.meetings``).
Invitees are people who may read the postmortem, checked here and again when e-mail is sent."""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hansei import access
from hansei.accounts.models import User
from hansei.core import events
from hansei.core.errors import InvalidState
from hansei.postmortems.document.models import Postmortem
from hansei.reviews.events import MEETING_CANCELLED, MEETING_SCHEDULED, MEETING_UPDATED
from hansei.reviews.models import ReviewMeeting, ReviewMeetingInvitation

MIN_DURATION, MAX_DURATION = 15, 480
MAX_INVITEES = 50
MAX_LOCATION, MAX_AGENDA = 500, 5000
# Far enough for any real review; further is a typo (year 2206) a calendar would keep.
MAX_AHEAD = timedelta(days=366)


@dataclass(frozen=True)
class MeetingInput:
    starts_at: datetime
    duration: int
    invitees: Iterable[User]
    location: str = ""
    agenda: str = ""


def default_invitees(postmortem: Postmortem) -> list[User]:
    """Its owner and the reviewers of its current round, if they may still read it."""
    reviewers = postmortem.reviews.current().values("reviewer_id")
    readers = access.readers_of_postmortem(postmortem)
    return list(readers.filter(Q(pk=postmortem.owner_id) | Q(pk__in=reviewers)))


def _odd(text: str, *, lines: bool) -> bool:
    """Control characters (NUL, escapes; line breaks where there is one line) are no text."""
    allowed = {"\n", "\r", "\t"} if lines else {"\t"}
    return any(unicodedata.category(c) == "Cc" and c not in allowed for c in text)


def _text_errors(data: MeetingInput) -> dict[str, str]:
    errors = {}
    if len(data.location) > MAX_LOCATION:
        errors["location"] = _("At most 500 characters.")
    elif _odd(data.location, lines=False):
        errors["location"] = _("Write a room or a link on one line.")
    if len(data.agenda) > MAX_AGENDA:
        errors["agenda"] = _("The agenda is too long (at most 5,000 characters).")
    elif _odd(data.agenda, lines=True):
        errors["agenda"] = _("The agenda holds characters that are not text.")
    return errors


def _clean(
    postmortem: Postmortem, data: MeetingInput, *, check_start: bool
) -> tuple[dict[str, str], list[User]]:
    errors = _text_errors(data)
    now = timezone.now()
    if timezone.is_naive(data.starts_at):
        errors["starts_at"] = _("Give the time with its time zone.")
    elif check_start and data.starts_at < now:
        errors["starts_at"] = _("The meeting cannot start in the past.")
    elif check_start and data.starts_at > now + MAX_AHEAD:
        errors["starts_at"] = _("Schedule it within a year.")
    if not MIN_DURATION <= data.duration <= MAX_DURATION:
        errors["duration"] = _("A meeting lasts 15 to 480 minutes.")
    people = list({person.pk: person for person in data.invitees}.values())
    readers = set(
        access.readers_of_postmortem(postmortem)
        .filter(pk__in=[p.pk for p in people])
        .values_list("pk", flat=True)
    )
    outside = [person for person in people if person.pk not in readers]
    if not people:
        errors["invitees"] = _("Invite at least one person.")
    elif len(people) > MAX_INVITEES:
        errors["invitees"] = _("Invite at most 50 people.")
    elif outside:
        names = ", ".join(sorted(person.name for person in outside))
        errors["invitees"] = _("These people may not read this postmortem: %(names)s.") % {
            "names": names
        }
    return errors, people


def _uid() -> str:
    host = urlsplit(settings.BASE_URL).hostname or "hansei.invalid"
    return f"{uuid.uuid4()}@{host}"


@transaction.atomic
def schedule_review_meeting(
    *, actor: User, postmortem: Postmortem, data: MeetingInput
) -> ReviewMeeting:
    """A new meeting; its invitees are sent an invitation (``MEETING_SCHEDULED``)."""
    access.require(access.can_edit_postmortem(actor, postmortem))
    errors, people = _clean(postmortem, data, check_start=True)
    if errors:
        raise ValidationError(errors)
    meeting = ReviewMeeting.objects.create(
        postmortem=postmortem,
        starts_at=data.starts_at,
        duration=data.duration,
        location=data.location.strip(),
        agenda=data.agenda.strip(),
        organizer=actor,
        uid=_uid(),
    )
    ReviewMeetingInvitation.objects.bulk_create(
        ReviewMeetingInvitation(meeting=meeting, person=person) for person in people
    )
    events.emit(
        MEETING_SCHEDULED, actor_id=actor.pk, postmortem_id=postmortem.pk, object_id=meeting.pk
    )
    return meeting


def _lock(actor: User, meeting: ReviewMeeting) -> ReviewMeeting:
    meeting = ReviewMeeting.objects.select_for_update().get(pk=meeting.pk)
    access.require(access.can_edit_postmortem(actor, meeting.postmortem))
    if meeting.is_cancelled:
        raise InvalidState(_("This meeting is cancelled."))
    return meeting


@transaction.atomic
def update_review_meeting(
    *, actor: User, meeting: ReviewMeeting, data: MeetingInput
) -> ReviewMeeting:
    """Change time, place, agenda or invitees. Any change raises the sequence and sends the
    new version to everyone invited, and a cancellation to people taken off the list; no
    change sends nothing. A meeting that already started may be changed, not moved back."""
    meeting = _lock(actor, meeting)
    moved = data.starts_at != meeting.starts_at
    errors, people = _clean(meeting.postmortem, data, check_start=moved)
    if errors:
        raise ValidationError(errors)
    before = set(meeting.people_invited().values_list("pk", flat=True))
    after = {person.pk for person in people}
    fields = {
        "starts_at": data.starts_at,
        "duration": data.duration,
        "location": data.location.strip(),
        "agenda": data.agenda.strip(),
    }
    if before == after and all(getattr(meeting, k) == v for k, v in fields.items()):
        return meeting
    for name, value in fields.items():
        setattr(meeting, name, value)
    meeting.sequence += 1
    meeting.save(update_fields=[*fields, "sequence"])
    meeting.invitations.filter(person__in=before - after).update(removed_in=meeting.sequence)
    meeting.invitations.filter(person__in=after).update(removed_in=None)
    ReviewMeetingInvitation.objects.bulk_create(
        ReviewMeetingInvitation(meeting=meeting, person_id=pk)
        for pk in after - set(meeting.invitations.values_list("person_id", flat=True))
    )
    pk = meeting.postmortem_id
    events.emit(MEETING_UPDATED, actor_id=actor.pk, postmortem_id=pk, object_id=meeting.pk)
    return meeting


@transaction.atomic
def cancel_review_meeting(*, actor: User, meeting: ReviewMeeting) -> ReviewMeeting:
    """Cancel it for everyone invited (a last sequence, sent as a cancellation). Its notes,
    if any were recorded, stay."""
    meeting = _lock(actor, meeting)
    meeting.cancelled_at = timezone.now()
    meeting.sequence += 1
    meeting.save(update_fields=["cancelled_at", "sequence"])
    pk = meeting.postmortem_id
    events.emit(MEETING_CANCELLED, actor_id=actor.pk, postmortem_id=pk, object_id=meeting.pk)
    return meeting
