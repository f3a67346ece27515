"""A reading club session as an iCalendar event (RFC 5545) people add to their calendar."""

from __future__ import annotations

from datetime import UTC
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from hansei.culture.reading.models import ReadingSession

PRODID = "-//Hansei//Reading club//EN"


def session_calendar(session: ReadingSession, *, url: str, readings: list[str]) -> bytes:
    """``readings``: the titles its reader may see."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    host = urlsplit(settings.BASE_URL).hostname or "hansei"
    event.add("uid", f"reading-session-{session.pk}@{host}")
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", session.starts_at.astimezone(UTC))
    event.add("dtend", session.ends_at.astimezone(UTC))
    event.add("summary", session.title)
    if session.location:
        event.add("location", session.location)
    event.add("description", "\n".join([*(f"- {title}" for title in readings), "", url]).strip())
    event.add("url", url)
    event.add("status", "CANCELLED" if session.is_cancelled else "CONFIRMED")
    calendar.add_component(event)
    return bytes(calendar.to_ical())
