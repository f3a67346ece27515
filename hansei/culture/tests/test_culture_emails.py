"""The culture programs by e-mail, for those who choose it: reading club sessions (with a
calendar file, the time in the reader's zone, only the readings they may see; a stale
announcement is not sent) and drills (to the responders, the game master told apart)."""

from __future__ import annotations

from datetime import timedelta
from email.header import decode_header, make_header
from email.message import Message
from typing import Any

import pytest
from django.utils import timezone
from icalendar import Calendar

from hansei.conftest import message_text
from hansei.core.jobs import run_pending
from hansei.core.models import Job
from hansei.culture.drills.services import create_drill
from hansei.culture.reading.services import (
    add_comment,
    add_reading,
    cancel_session,
    create_list,
    delete_comment,
    remind_due_sessions,
    schedule_session,
    set_going,
    update_session,
)
from hansei.culture.tests.drill_story import story_postmortem
from hansei.notifications.models import NotificationKind, Preference

pytestmark = pytest.mark.django_db

OUTSIDE = "https://blog.cloudflare.com/details-of-the-cloudflare-outage-on-july-2-2019/"


def _wants_email(*people: Any, kind: str = NotificationKind.READING) -> None:
    for person in people:
        Preference.objects.create(user=person, kind=kind, channel="email", enabled=True)


def _mails(smtp_server: Any) -> dict[str, list[Message]]:
    found: dict[str, list[Message]] = {}
    for envelope, message in zip(smtp_server.envelopes, smtp_server.messages, strict=True):
        [address] = envelope.rcpt_tos
        found.setdefault(address, []).append(message)
    return found


def _calendar(message: Message) -> Calendar | None:
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return Calendar.from_ical(payload)
    return None


def _move(session: Any, actor: Any, starts_at: Any) -> None:
    update_session(
        actor=actor,
        session=session,
        title=session.title,
        starts_at=starts_at,
        duration=session.duration,
        location=session.location,
        facilitator=session.facilitator,
        readings=list(session.readings.all()),
    )


def test_a_scheduled_session_comes_with_its_calendar_file_in_the_readers_zone(
    publish: Any, alice: Any, bob: Any, charlie: Any, smtp_server: Any
) -> None:
    ours = publish("Checkout outage")
    secret = publish("Payments key leak")
    reading_list = create_list(actor=alice, title="Classics")
    readings = [
        add_reading(actor=alice, reading_list=reading_list, link=str(ours.pk)),
        add_reading(actor=alice, reading_list=reading_list, link=str(secret.pk)),
        add_reading(actor=alice, reading_list=reading_list, link=OUTSIDE, title="Cloudflare"),
    ]
    charlie.time_zone, charlie.language = "Asia/Tokyo", "ja"
    charlie.save()
    _wants_email(bob, charlie)  # Alice schedules it; nobody else chose e-mail
    starts = (timezone.now() + timedelta(days=3)).replace(hour=9, minute=0, second=0)
    starts = starts.replace(microsecond=0)
    Job.objects.all().delete()

    session = schedule_session(
        actor=alice,
        title="Classic outages",
        starts_at=starts,
        location="Room 4",
        facilitator=bob,
        readings=readings,
    )
    # Restricted after it was put on the list: Bob (on its team) still reads it, Charlie not.
    type(secret).objects.filter(pk=secret.pk).update(restricted=True)
    run_pending()

    mails = _mails(smtp_server)
    assert set(mails) == {bob.email, charlie.email}
    [to_bob] = mails[bob.email]
    assert to_bob["Subject"].startswith("Reading club: Classic outages, ")
    body = message_text(to_bob)
    assert 'Alice scheduled the reading club session "Classic outages"' in body
    assert starts.strftime("%H:%M") in body and "(UTC)" in body
    assert "Where: Room 4" in body and "Facilitator: Bob" in body
    assert "Payments key leak" in body and "Cloudflare: " + OUTSIDE in body
    assert f"/culture/reading/sessions/{session.pk}/" in body
    assert to_bob["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    event = _calendar(to_bob).walk("VEVENT")[0]
    assert event.decoded("dtstart") == starts and str(event["status"]) == "CONFIRMED"

    [to_charlie] = mails[charlie.email]
    body = message_text(to_charlie)
    assert "18:00" in body and "(JST)" in body  # 09:00 UTC, in Tokyo
    subject = str(make_header(decode_header(to_charlie["Subject"])))
    assert subject.startswith("読書会: Classic outages、") and "18:00" in subject
    assert "Payments key leak" not in body  # restricted: not his to read
    assert "Payments key leak" not in _calendar(to_charlie).to_ical().decode()
    assert "Checkout outage" in body


def test_a_stale_announcement_is_not_sent_the_latest_is(
    alice: Any, bob: Any, charlie: Any, smtp_server: Any
) -> None:
    _wants_email(bob, charlie)
    at = (timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)
    session = schedule_session(
        actor=alice, title="Classic outages", starts_at=at, facilitator=alice
    )
    set_going(actor=bob, session=session, going=True)
    first_move = session.starts_at + timedelta(days=1)
    _move(session, alice, first_move)
    session.refresh_from_db()
    _move(session, alice, first_move + timedelta(hours=2))
    run_pending()

    mails = _mails(smtp_server)
    # Moved twice before the worker ran: Bob gets the invitation and the latest move, at its
    # time; Charlie, not coming, only the invitation (at the time it has now).
    subjects = sorted(m["Subject"] for m in mails[bob.email])
    assert len(subjects) == 2 and subjects[0].startswith("Moved: ")
    moved = next(m for m in mails[bob.email] if m["Subject"].startswith("Moved: "))
    latest = first_move + timedelta(hours=2)
    assert _calendar(moved).walk("VEVENT")[0].decoded("dtstart") == latest
    assert len(mails[charlie.email]) == 1

    smtp_server.messages.clear()
    smtp_server.envelopes.clear()
    remind_due_sessions(now=latest - timedelta(hours=2))
    session.refresh_from_db()
    cancel_session(actor=alice, session=session)
    run_pending()

    # The reminder was queued before the cancellation: only the cancellation goes.
    [cancelled] = _mails(smtp_server)[bob.email]
    assert cancelled["Subject"] == "Cancelled: reading club session Classic outages"
    assert "Alice cancelled the reading club session" in message_text(cancelled)
    assert str(_calendar(cancelled).walk("VEVENT")[0]["status"]) == "CANCELLED"


def test_the_discussion_by_email_quotes_the_comment_unless_it_was_deleted(
    alice: Any, bob: Any, charlie: Any, smtp_server: Any
) -> None:
    _wants_email(alice)
    session = schedule_session(
        actor=alice, title="Classic outages", starts_at=timezone.now() + timedelta(days=3),
        facilitator=alice, announce=False,
    )  # fmt: skip
    add_comment(actor=bob, session=session, body="Why did the *canary* pass? <script>x</script>")
    gone = add_comment(actor=charlie, session=session, body="Deleted before it was sent")
    delete_comment(actor=charlie, comment=gone)
    run_pending()

    [mail] = _mails(smtp_server)[alice.email]
    assert mail["Subject"] == "Bob in the discussion of Classic outages"
    assert "Why did the *canary* pass?" in message_text(mail)
    html = next(p for p in mail.walk() if p.get_content_type() == "text/html")
    markup = html.get_payload(decode=True).decode()
    assert "<em>canary</em>" in markup and "<script>" not in markup
    assert _calendar(mail) is None


def test_a_drill_is_mailed_to_the_responders_who_chose_email(
    make_incident: Any,
    make_postmortem: Any,
    alice: Any,
    bob: Any,
    charlie: Any,
    rita: Any,
    smtp_server: Any,
) -> None:
    story = story_postmortem(make_incident, make_postmortem, alice, bob, charlie, rita)
    _wants_email(bob, charlie, kind=NotificationKind.DRILL)
    Job.objects.all().delete()

    drill = create_drill(actor=rita, postmortem=story, game_master=bob)
    run_pending()

    mails = _mails(smtp_server)
    assert set(mails) == {bob.email, charlie.email}
    [to_bob], [to_charlie] = mails[bob.email], mails[charlie.email]
    assert to_bob["Subject"] == "Wheel of Misfortune: a drill of Checkout outage"
    assert "You are its game master" in message_text(to_bob)
    text = message_text(to_charlie)
    assert "help Bob, its game master, run it" in text
    assert f"/culture/drills/{drill.pk}/" in text
