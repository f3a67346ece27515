"""Review meetings: scheduling, changing and cancelling send calendar invitations (iTIP over
e-mail) through the notification center, delivered by the worker to a real SMTP server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import Message
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from icalendar import Calendar

from hansei.accounts.models import Membership, User
from hansei.conftest import message_text, person
from hansei.core.jobs import run_pending
from hansei.core.models import Job
from hansei.notifications.meetings import send_meeting_invitations
from hansei.postmortems.document.models import Postmortem
from hansei.reviews.meetings import (
    MeetingInput,
    cancel_review_meeting,
    default_invitees,
    schedule_review_meeting,
    update_review_meeting,
)
from hansei.reviews.models import ReviewMeeting
from hansei.reviews.services import record_meeting_note, submit_for_review

pytestmark = pytest.mark.django_db

# A fixed time two days ahead, on the hour, so the e-mail's local times are known.
START = (timezone.now() + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)


@pytest.fixture
def in_review(make_postmortem: Any, alice: Any, bob: Any, rita: Any) -> Postmortem:
    postmortem: Postmortem = make_postmortem()
    submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])
    Job.objects.all().delete()
    return postmortem


def _input(invitees: list[User], **changes: Any) -> MeetingInput:
    values: dict[str, Any] = {
        "starts_at": START,
        "duration": 60,
        "invitees": invitees,
        "location": "https://meet.example.com/review",
        "agenda": "Walk through the timeline.",
    }
    return MeetingInput(**(values | changes))


def _schedule(postmortem: Postmortem, actor: User, invitees: list[User]) -> ReviewMeeting:
    return schedule_review_meeting(actor=actor, postmortem=postmortem, data=_input(invitees))


def _mails(smtp_server: Any) -> dict[str, list[Message]]:
    found: dict[str, list[Message]] = {}
    for envelope, message in zip(smtp_server.envelopes, smtp_server.messages, strict=True):
        [address] = envelope.rcpt_tos
        found.setdefault(address, []).append(message)
    smtp_server.envelopes.clear()
    smtp_server.messages.clear()
    return found


def _invite(message: Message) -> tuple[Calendar, Message]:
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert part.get_filename() == "invite.ics"
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return Calendar.from_ical(payload), part


def _event(calendar: Calendar) -> Any:
    [event] = calendar.walk("VEVENT")
    return event


def _attendees(event: Any) -> set[str]:
    found = event.get("attendee")
    return {str(a) for a in (found if isinstance(found, list) else [found])}


def test_scheduling_sends_each_invitee_one_invitation_with_a_valid_calendar(
    in_review, alice, bob, rita, smtp_server
):
    meeting = _schedule(in_review, bob, [alice, bob, rita])

    run_pending()

    mails = _mails(smtp_server)
    # Bob scheduled it: his own calendar copy is on the page, not in his inbox.
    assert sorted(mails) == ["alice@example.com", "rita@example.com"]
    assert all(len(got) == 1 for got in mails.values())
    message = mails["rita@example.com"][0]
    assert message["Subject"] == "Invitation: review meeting on Checkout API returned 500s"
    calendar, part = _invite(message)
    assert part.get_param("method") == "REQUEST"
    assert calendar["method"] == "REQUEST"
    assert calendar["version"] == "2.0"
    assert calendar["prodid"]
    event = _event(calendar)
    assert str(event["uid"]) == meeting.uid
    assert meeting.uid.endswith("@127.0.0.1") or "@" in meeting.uid
    assert event["sequence"] == 0
    assert event.decoded("dtstart") == START
    assert event.decoded("dtstart").utcoffset() == timedelta(0)
    assert b"DTSTART:" in event.to_ical() and b"Z\r\n" in event.to_ical()  # written in UTC
    assert event.decoded("dtend") == START + timedelta(minutes=60)
    assert str(event["summary"]) == "Postmortem review: Checkout API returned 500s"
    assert str(event["location"]) == "https://meet.example.com/review"
    assert f"/postmortems/{in_review.pk}/" in str(event["description"])
    assert "Walk through the timeline." in str(event["description"])
    assert str(event["organizer"]) == "mailto:bob@example.com"
    assert _attendees(event) == {
        "mailto:alice@example.com",
        "mailto:bob@example.com",
        "mailto:rita@example.com",
    }
    attendee = event["attendee"][0]
    assert attendee.params["ROLE"] == "REQ-PARTICIPANT"
    assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"
    assert attendee.params["RSVP"] == "TRUE"


def test_the_invitees_are_the_owner_and_the_reviewers_by_default(in_review, alice, rita, bob):
    assert {p.username for p in default_invitees(in_review)} == {"alice", "rita"}


def test_an_update_sends_sequence_1_with_the_same_uid_once(
    in_review, alice, bob, rita, smtp_server
):
    meeting = _schedule(in_review, bob, [alice, rita])
    run_pending()
    _mails(smtp_server)

    update_review_meeting(
        actor=bob, meeting=meeting, data=_input([alice, rita], location="Room Kyoto")
    )
    send_meeting_invitations(meeting=ReviewMeeting.objects.get(pk=meeting.pk), actor=bob)
    run_pending()
    run_pending()

    mails = _mails(smtp_server)
    assert sorted(mails) == ["alice@example.com", "rita@example.com"]
    assert all(len(got) == 1 for got in mails.values())
    message = mails["alice@example.com"][0]
    assert message["Subject"].startswith("Changed: review meeting")
    calendar, _part = _invite(message)
    event = _event(calendar)
    assert calendar["method"] == "REQUEST"
    assert event["sequence"] == 1
    assert str(event["uid"]) == meeting.uid
    assert str(event["location"]) == "Room Kyoto"


def test_an_update_that_changes_nothing_sends_nothing(in_review, alice, bob, rita, smtp_server):
    meeting = _schedule(in_review, bob, [alice, rita])
    run_pending()
    _mails(smtp_server)

    update_review_meeting(actor=bob, meeting=meeting, data=_input([rita, alice]))

    assert run_pending() == 0
    assert ReviewMeeting.objects.get(pk=meeting.pk).sequence == 0


def test_an_invitee_taken_off_the_list_gets_a_cancellation(
    in_review, alice, bob, rita, smtp_server
):
    meeting = _schedule(in_review, bob, [alice, rita])
    run_pending()
    _mails(smtp_server)

    update_review_meeting(actor=bob, meeting=meeting, data=_input([alice]))
    run_pending()

    mails = _mails(smtp_server)
    calendar, part = _invite(mails["rita@example.com"][0])
    assert part.get_param("method") == "CANCEL"
    assert calendar["method"] == "CANCEL"
    event = _event(calendar)
    assert str(event["status"]) == "CANCELLED"
    assert event["sequence"] == 1
    assert str(event["uid"]) == meeting.uid
    assert _attendees(event) == {"mailto:rita@example.com"}
    assert "took you off" in message_text(mails["rita@example.com"][0])
    kept, _part = _invite(mails["alice@example.com"][0])
    assert kept["method"] == "REQUEST"
    assert _attendees(_event(kept)) == {"mailto:alice@example.com"}


def test_an_invitee_invited_again_gets_the_new_invitation(in_review, alice, bob, rita, smtp_server):
    meeting = _schedule(in_review, bob, [alice, rita])
    update_review_meeting(actor=bob, meeting=meeting, data=_input([alice]))
    update_review_meeting(actor=bob, meeting=meeting, data=_input([alice, rita]))

    run_pending()

    [*rita_mails] = _mails(smtp_server)["rita@example.com"]
    methods = [(_invite(m)[0]["method"], _event(_invite(m)[0])["sequence"]) for m in rita_mails]
    # The cancellation carries the version that removed her; the invitation, a later one.
    assert methods == [("CANCEL", 1), ("REQUEST", 2)]


def test_cancelling_sends_a_cancellation_to_everyone_invited(
    in_review, alice, bob, rita, smtp_server
):
    meeting = _schedule(in_review, bob, [alice, rita])
    run_pending()
    _mails(smtp_server)

    cancel_review_meeting(actor=bob, meeting=meeting)
    run_pending()

    mails = _mails(smtp_server)
    assert sorted(mails) == ["alice@example.com", "rita@example.com"]
    for [message] in mails.values():
        assert message["Subject"].startswith("Cancelled: review meeting")
        calendar, _part = _invite(message)
        event = _event(calendar)
        assert calendar["method"] == "CANCEL"
        assert str(event["status"]) == "CANCELLED"
        assert event["sequence"] == 1
        assert str(event["uid"]) == meeting.uid


def test_an_invitation_replaced_before_the_worker_ran_is_not_sent(
    in_review, alice, bob, rita, smtp_server
):
    meeting = _schedule(in_review, bob, [alice, rita])
    update_review_meeting(
        actor=bob, meeting=meeting, data=_input([alice, rita], starts_at=START + timedelta(hours=1))
    )

    run_pending()

    mails = _mails(smtp_server)
    for [message] in mails.values():
        assert _event(_invite(message)[0])["sequence"] == 1


def test_a_cancelled_meeting_cannot_be_changed_or_cancelled_again(in_review, alice, bob):
    from hansei.core.errors import InvalidState

    meeting = _schedule(in_review, bob, [alice])
    cancel_review_meeting(actor=bob, meeting=meeting)

    with pytest.raises(InvalidState):
        cancel_review_meeting(actor=bob, meeting=meeting)
    with pytest.raises(InvalidState):
        update_review_meeting(actor=bob, meeting=meeting, data=_input([alice], duration=30))


def test_it_refuses_to_invite_someone_who_may_not_read_the_postmortem(
    in_review, alice, bob, charlie
):
    with pytest.raises(ValidationError) as refused:
        _schedule(in_review, bob, [alice, charlie])

    assert refused.value.message_dict["invitees"] == [
        "These people may not read this postmortem: Charlie."
    ]
    assert not ReviewMeeting.objects.exists()


def test_someone_removed_from_the_team_before_the_worker_runs_gets_nothing(
    in_review, alice, bob, rita, smtp_server
):
    _schedule(in_review, alice, [bob, rita])
    Membership.objects.filter(user=bob).delete()

    run_pending()

    assert sorted(_mails(smtp_server)) == ["rita@example.com"]


def test_the_time_in_the_email_is_in_the_recipients_time_zone(
    in_review, alice, bob, rita, smtp_server
):
    User.objects.filter(pk=rita.pk).update(time_zone="Asia/Tokyo")
    User.objects.filter(pk=alice.pk).update(time_zone="America/New_York")
    start = datetime(2027, 3, 1, 1, 30, tzinfo=UTC)
    meeting = _schedule(in_review, bob, [alice, rita])
    ReviewMeeting.objects.filter(pk=meeting.pk).update(starts_at=start)

    run_pending()

    mails = _mails(smtp_server)
    tokyo = message_text(mails["rita@example.com"][0])
    assert "Monday 1 March 2027, 10:30–11:30 (JST)" in tokyo
    new_york = message_text(mails["alice@example.com"][0])
    assert "Sunday 28 February 2027, 20:30–21:30 (EST)" in new_york
    assert _event(_invite(mails["rita@example.com"][0])[0]).decoded("dtstart") == start


@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        (
            {"starts_at": timezone.now() - timedelta(hours=1)},
            "starts_at",
            "cannot start in the past",
        ),
        ({"starts_at": timezone.now() + timedelta(days=800)}, "starts_at", "within a year"),
        ({"duration": 5}, "duration", "15 to 480 minutes"),
        ({"duration": 481}, "duration", "15 to 480 minutes"),
        ({"location": "x" * 501}, "location", "At most 500"),
        ({"location": "Room\n1"}, "location", "on one line"),
        ({"agenda": "a" * 5001}, "agenda", "too long"),
        ({"agenda": "bell\x07"}, "agenda", "not text"),
        ({"invitees": []}, "invitees", "at least one"),
    ],
)
def test_it_refuses_what_makes_no_meeting(in_review, alice, bob, changes, field, error):
    changes = dict(changes)
    data = _input(changes.pop("invitees", [alice]), **changes)

    with pytest.raises(ValidationError) as refused:
        schedule_review_meeting(actor=bob, postmortem=in_review, data=data)

    assert error in " ".join(refused.value.message_dict[field])
    assert not ReviewMeeting.objects.exists()


def test_it_refuses_more_than_50_invitees(make_postmortem, alice, bob, payments):
    postmortem = make_postmortem()
    many = [person(f"p{n}", "member", payments) for n in range(51)]

    with pytest.raises(ValidationError) as refused:
        _schedule(postmortem, bob, many)

    assert "at most 50" in refused.value.message_dict["invitees"][0]


def test_only_the_postmortems_writers_schedule_meetings(in_review, alice, rita):
    with pytest.raises(PermissionDenied):
        _schedule(in_review, rita, [alice])


def test_notes_attach_to_the_meeting_they_were_taken_at(in_review, alice, bob, rita):
    meeting = _schedule(in_review, bob, [alice, rita])
    upcoming = _schedule(in_review, bob, [alice])
    ReviewMeeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - timedelta(hours=2)
    )

    note = record_meeting_note(
        actor=alice,
        postmortem=in_review,
        held_on=timezone.localdate(),
        notes="Agreed on two more action items.",
        meeting=ReviewMeeting.objects.get(pk=meeting.pk),
    )

    assert list(meeting.notes.all()) == [note]
    with pytest.raises(ValidationError) as refused:
        record_meeting_note(
            actor=alice,
            postmortem=in_review,
            held_on=timezone.localdate(),
            notes="x",
            meeting=upcoming,
        )
    assert "took place" in refused.value.message_dict["meeting"][0]
