"""The culture programs' e-mails, written by the worker through the notification center's
(``hansei.notifications.emails``): a drill to the responders, kudos to the thanked person's
teammates, and a reading club session (which concerns no postmortem) with its calendar file.
``register`` adds them when the app is ready."""

from __future__ import annotations

import logging
from typing import Any

from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import translation

from hansei.accounts.models import User
from hansei.core.http import absolute_url
from hansei.culture.drills.models import Drill
from hansei.culture.kudos.models import Kudos
from hansei.culture.reading.calendar import session_calendar
from hansei.culture.reading.models import ReadingSession, SessionComment
from hansei.culture.reading.queries import session_readings
from hansei.notifications import emails
from hansei.postmortems.document.models import Postmortem

log = logging.getLogger(__name__)

READING_SESSION = "reading_session"


def _kudos(postmortem: Postmortem, ids: dict[str, Any]) -> dict[str, Any]:
    kudos = Kudos.objects.select_related("receiver").filter(postmortem=postmortem)
    return {"kudos": emails.row(kudos, ids, "kudos")}


def _drill(postmortem: Postmortem, ids: dict[str, Any]) -> dict[str, Any]:
    drills = Drill.objects.select_related("game_master").filter(postmortem=postmortem)
    return {"drill": emails.row(drills, ids, "drill")}


def about_session(payload: dict[str, Any]) -> EmailMultiAlternatives | None:
    """A reading club session scheduled, moved, cancelled, about to start, or discussed: as
    it is now (a later move or a cancellation, on its way too, wins), with the readings its
    recipient may see and, but for a discussion, the session as a calendar file."""
    recipient = User.objects.filter(pk=payload.get("recipient") or 0, is_active=True).first()
    ids = payload.get("ids") or {}
    change = str(ids.get("change") or "")
    try:
        session = emails.row(ReadingSession.objects.select_related("facilitator"), ids, "session")
        comment = (
            emails.row(SessionComment.objects, ids, "comment") if change == "comment" else None
        )
    except emails.Gone as exc:
        log.info("not sent: %s", exc)
        return None
    if recipient is None or (comment is not None and comment.session_id != session.pk):
        return None
    if session.is_cancelled != (change == "cancelled") and change != "comment":
        log.info("not sent: reading session %s was cancelled since", session.pk)
        return None
    if change == "moved" and ids.get("starts_at") != session.starts_at.isoformat():
        log.info("not sent: reading session %s moved again since", session.pk)
        return None
    footer = emails.Footer.of(recipient, payload, default="everyone")
    url = absolute_url(str(payload.get("url") or ""))
    with translation.override(recipient.language or "en"):
        readings = session_readings(recipient, session)
        context = {
            "change": change,
            "session": session,
            "comment": comment,
            "title": session.title,
            "who": emails.actor_name(payload.get("actor")),
            "readings": [
                (
                    reading.label,
                    reading.url
                    or absolute_url(reverse("postmortems:detail", args=[reading.postmortem_id])),
                    reading.note,
                )
                for reading in readings
            ],
            "url": url,
            **footer.context(),
        }
        if comment is None:
            titles = [reading.label for reading in readings]
            ics = session_calendar(session, url=url, readings=titles)
            name = f"reading-session-{session.pk}.ics"
            mimetype = "text/calendar; method=PUBLISH; charset=UTF-8"
            context["attachments"] = lambda _context: [(name, ics, mimetype)]
        return emails.write(
            READING_SESSION,
            context,
            to=recipient.email,
            key=str(payload.get("key") or ""),
            stop=footer.stop,
        )


def register() -> None:
    """Add the culture programs' e-mails to those the worker writes."""
    emails.CONTEXTS["drill"] = _drill
    emails.CONTEXTS["kudos_team"] = _kudos
    emails.WITHOUT_POSTMORTEM[READING_SESSION] = about_session
