"""A review meeting as an iCalendar object (RFC 5545), in the iTIP methods of RFC 5546.

``REQUEST`` invites (and re-invites after a change: same UID, higher SEQUENCE), ``CANCEL``
takes the event out of a calendar (the whole meeting, or one person removed from it), and
``PUBLISH`` is the copy people download for themselves. Times are written in UTC, so no
calendar has to know our time zones; the title is the one its reader may see."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC
from enum import StrEnum

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from hansei.accounts.models import User
from hansei.reviews.models import ReviewMeeting

PRODID = "-//Hansei//Review meetings//EN"
MIMETYPE = "text/calendar; charset=UTF-8"


class Method(StrEnum):
    REQUEST = "REQUEST"
    CANCEL = "CANCEL"
    PUBLISH = "PUBLISH"


def mimetype(method: Method) -> str:
    """The attachment's type: mail clients show accept buttons when it names the method."""
    return f"text/calendar; method={method}; charset=UTF-8"


def _address(user: User, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{user.email}")
    address.params["CN"] = vText(user.name)
    address.params.update(params)
    return address


def meeting_calendar(
    meeting: ReviewMeeting,
    *,
    method: Method,
    sequence: int,
    title: str,
    url: str,
    attendees: Iterable[User],
) -> bytes:
    """The calendar holding ``meeting`` (one event) for ``method``, as its version
    ``sequence``; ``title`` and ``url`` as the reader may see them, ``attendees`` the people
    the event names."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", str(method))
    event = Event()
    event.add("uid", meeting.uid)
    event.add("sequence", sequence)
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", meeting.starts_at.astimezone(UTC))
    event.add("dtend", meeting.ends_at.astimezone(UTC))
    event.add("summary", _("Postmortem review: %(title)s") % {"title": title})
    if meeting.location:
        event.add("location", meeting.location)
    description = f"{meeting.agenda}\n\n{url}" if meeting.agenda else url
    event.add("description", description)
    event.add("url", url)
    cancelled = method == Method.CANCEL
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if meeting.organizer.email:
        event.add("organizer", _address(meeting.organizer))
    for person in attendees:
        if person.email:
            event.add(
                "attendee",
                _address(
                    person,
                    ROLE="REQ-PARTICIPANT",
                    PARTSTAT="NEEDS-ACTION",
                    RSVP="FALSE" if cancelled else "TRUE",
                ),
            )
    calendar.add_component(event)
    return bytes(calendar.to_ical())
