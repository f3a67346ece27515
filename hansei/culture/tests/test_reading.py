"""The reading club's services: lists and readings, sessions, who is coming, the
discussion, notes, attendance and the reminder, and what each person sees of them."""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from icalendar import Calendar

from hansei.core.errors import InvalidState
from hansei.culture.reading import queries
from hansei.culture.reading.calendar import session_calendar
from hansei.culture.reading.links import Link, parse_link
from hansei.culture.reading.models import Participation, Reading, ReadingSession
from hansei.culture.reading.services import (
    add_comment,
    add_reading,
    cancel_session,
    create_list,
    delete_comment,
    record_attendance,
    remind_due_sessions,
    remove_reading,
    save_notes,
    schedule_session,
    set_going,
    update_session,
)
from hansei.notifications.models import Notification, NotificationKind

pytestmark = pytest.mark.django_db

OUTSIDE = "https://blog.cloudflare.com/details-of-the-cloudflare-outage-on-july-2-2019/"


def _soon(hours: int = 48) -> Any:
    return timezone.now() + timedelta(hours=hours)


def _session(actor: Any, facilitator: Any, **kwargs: Any) -> ReadingSession:
    fields = {"title": "Classic outages", "starts_at": _soon(), "facilitator": facilitator}
    return schedule_session(actor=actor, **{**fields, **kwargs})


def _texts(user: Any) -> list[str]:
    rows = Notification.objects.filter(recipient=user, kind=NotificationKind.READING)
    return [row.text for row in rows.order_by("id")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", Link(postmortem=12)),
        ("#12", Link(postmortem=12)),
        ("  /postmortems/7/ ", Link(postmortem=7)),
        ("http://testserver/postmortems/7/", Link(postmortem=7)),
        (OUTSIDE, Link(url=OUTSIDE)),
        ("https://example.org/postmortems/7/", Link(url="https://example.org/postmortems/7/")),
    ],
)
def test_a_link_names_one_of_ours_or_an_outside_postmortem(
    settings: Any, text: str, expected: Link
) -> None:
    settings.BASE_URL = "http://testserver"

    assert parse_link(text) == expected


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", "Paste a postmortem"),
        ("   ", "Paste a postmortem"),
        ("/teams/", "not a postmortem's address here"),
        ("javascript:alert(1)", "https://"),
        ("ftp://example.org/x", "https://"),
        ("not a link", "https://"),
        ("https://" + "a" * 1000, "At most 1000"),
        ("\ud800", "https://"),
    ],
)
def test_a_link_that_is_neither_is_refused(text: str, error: str) -> None:
    with pytest.raises(ValidationError, match=error):
        parse_link(text)


def test_a_list_holds_our_postmortems_and_outside_ones(publish: Any, bob: Any) -> None:
    ours = publish("Checkout ran out of connections")
    reading_list = create_list(actor=bob, title="  Classics  ", description="Everyone reads")

    first = add_reading(actor=bob, reading_list=reading_list, link=f"#{ours.pk}", title="ignored")
    second = add_reading(
        actor=bob,
        reading_list=reading_list,
        link=OUTSIDE,
        title="Cloudflare, July 2019",
        note="WAF",
    )

    assert reading_list.title == "Classics"
    assert (first.postmortem, first.url, first.title) == (ours, "", "")
    assert first.label == "Checkout ran out of connections"
    assert (second.postmortem, second.url, second.label) == (None, OUTSIDE, "Cloudflare, July 2019")
    assert queries.readings_of_list(bob, reading_list) == [first, second]


def test_nothing_goes_on_a_list_twice(publish: Any, bob: Any) -> None:
    ours = publish()
    reading_list = create_list(actor=bob, title="Classics")
    add_reading(actor=bob, reading_list=reading_list, link=str(ours.pk))
    add_reading(actor=bob, reading_list=reading_list, link=OUTSIDE, title="Cloudflare")

    for link in (str(ours.pk), OUTSIDE):
        with pytest.raises(ValidationError, match="on the list already"):
            add_reading(actor=bob, reading_list=reading_list, link=link, title="Again")
    assert Reading.objects.count() == 2


def test_only_published_postmortems_everyone_reads_go_on_a_list(
    publish: Any, make_postmortem: Any, alice: Any, charlie: Any
) -> None:
    reading_list = create_list(actor=alice, title="Classics")
    draft = make_postmortem(title="Still a draft")
    restricted = publish("Payments key leak", restricted=True)

    with pytest.raises(ValidationError, match="published postmortem everyone may read"):
        add_reading(actor=alice, reading_list=reading_list, link=str(draft.pk))
    with pytest.raises(ValidationError, match="published postmortem everyone may read"):
        add_reading(actor=alice, reading_list=reading_list, link=str(restricted.pk))
    # Someone who may not read it learns nothing, not even that it exists.
    with pytest.raises(ValidationError, match="There is no such postmortem"):
        add_reading(actor=charlie, reading_list=reading_list, link=str(restricted.pk))
    with pytest.raises(ValidationError, match="There is no such postmortem"):
        add_reading(actor=charlie, reading_list=reading_list, link="999999")
    with pytest.raises(ValidationError, match="Give the outside postmortem a title"):
        add_reading(actor=alice, reading_list=reading_list, link=OUTSIDE, title=" ")
    assert not Reading.objects.exists()


def test_a_postmortem_restricted_later_disappears_from_lists_for_outsiders(
    publish: Any, alice: Any, charlie: Any
) -> None:
    ours = publish()
    reading_list = create_list(actor=alice, title="Classics")
    reading = add_reading(actor=alice, reading_list=reading_list, link=str(ours.pk))
    session = _session(alice, alice, readings=[reading])
    type(ours).objects.filter(pk=ours.pk).update(restricted=True)

    assert queries.readings_of_list(alice, reading_list) == [reading]
    assert queries.readings_of_list(charlie, reading_list) == []
    assert queries.session_view(charlie, session).readings == []
    assert [row.count for row in queries.club(charlie).lists] == [0]


def test_who_takes_a_reading_off_a_list(
    publish: Any, alice: Any, bob: Any, charlie: Any, ada: Any
) -> None:
    reading_list = create_list(actor=alice, title="Classics")
    by_bob = add_reading(actor=bob, reading_list=reading_list, link=OUTSIDE, title="Cloudflare")
    by_charlie = add_reading(
        actor=charlie, reading_list=reading_list, link="https://example.org/pm", title="Example"
    )
    by_ada = add_reading(
        actor=ada, reading_list=reading_list, link="https://example.org/b", title="B"
    )

    with pytest.raises(PermissionDenied):
        remove_reading(actor=charlie, reading=by_bob)  # neither its adder nor the list's keeper
    remove_reading(actor=charlie, reading=by_charlie)
    remove_reading(actor=alice, reading=by_bob)  # the list's keeper
    remove_reading(actor=ada, reading=by_ada)
    assert not Reading.objects.exists()


def test_scheduling_a_session_announces_it_to_everyone(
    alice: Any, bob: Any, charlie: Any, rita: Any
) -> None:
    session = _session(alice, bob, location="Room 4")

    assert session.facilitator == bob and session.created_by == alice
    when = session.starts_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    expected = f"Alice scheduled the reading club session “Classic outages”, {when}"
    for person in (bob, charlie, rita):
        assert _texts(person) == [expected]
    assert _texts(alice) == []  # not told of what they did
    row = Notification.objects.filter(recipient=bob).get()
    assert row.url == f"/culture/reading/sessions/{session.pk}/"


def test_each_person_reads_the_time_in_their_own_zone(
    alice: Any, bob: Any, charlie: Any, rita: Any
) -> None:
    charlie.time_zone, charlie.language = "Asia/Tokyo", "ja"
    rita.time_zone = "Not/AZone"  # saved before this machine lost it: the server's zone
    charlie.save()
    rita.save()
    starts = timezone.now().replace(hour=10, minute=30, second=0, microsecond=0)
    starts += timedelta(days=2)

    _session(alice, bob, starts_at=starts)

    tokyo = (starts + timedelta(hours=9)).strftime("%Y-%m-%d 19:30 JST")
    assert tokyo in _texts(charlie)[0] and "Alice さん" in _texts(charlie)[0]
    assert starts.strftime("%Y-%m-%d 10:30 UTC") in _texts(rita)[0]
    assert starts.strftime("%Y-%m-%d 10:30 UTC") in _texts(bob)[0]


def test_a_quiet_session_is_not_announced(alice: Any, bob: Any) -> None:
    _session(alice, bob, announce=False)

    assert _texts(bob) == []


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"title": " "}, "Give the session a title"),
        ({"title": "x" * 201}, "At most 200"),
        ({"starts_at": timezone.now() + timedelta(days=400)}, "within a year"),
        ({"duration": 5}, "Between 15 and 480"),
        ({"duration": 10**9}, "Between 15 and 480"),
        ({"location": "x" * 501}, "At most 500"),
    ],
)
def test_a_session_needs_a_title_a_time_and_a_sensible_length(
    alice: Any, change: dict[str, Any], error: str
) -> None:
    with pytest.raises(ValidationError, match=error):
        _session(alice, alice, **change)
    assert not ReadingSession.objects.exists()


def test_a_session_reads_only_what_its_scheduler_sees(
    publish: Any, alice: Any, charlie: Any
) -> None:
    restricted = publish("Payments key leak")
    reading_list = create_list(actor=alice, title="Ours")
    reading = add_reading(actor=alice, reading_list=reading_list, link=str(restricted.pk))
    type(restricted).objects.filter(pk=restricted.pk).update(restricted=True)

    with pytest.raises(ValidationError, match="from the club's lists"):
        _session(charlie, charlie, readings=[reading])
    session = _session(alice, charlie, readings=[reading])
    # The facilitator, who cannot see it, changes the session: the reading stays on it.
    update_session(
        actor=charlie,
        session=session,
        title="Renamed",
        starts_at=session.starts_at,
        duration=90,
        location="",
        facilitator=charlie,
        readings=[],
    )
    assert list(session.readings.all()) == [reading]


def test_moving_a_session_tells_those_coming_and_reminds_again(
    alice: Any, bob: Any, charlie: Any
) -> None:
    session = _session(alice, alice, announce=False)
    set_going(actor=bob, session=session, going=True)
    set_going(actor=charlie, session=session, going=False)
    remind_due_sessions(now=session.starts_at - timedelta(hours=1))

    later = session.starts_at + timedelta(days=1)
    update_session(
        actor=alice,
        session=session,
        title=session.title,
        starts_at=later,
        duration=60,
        location="",
        facilitator=alice,
        readings=[],
    )

    session.refresh_from_db()
    assert session.reminded_at is None
    assert _texts(bob)[-1].startswith("The reading club session “Classic outages” moved to ")
    assert _texts(charlie) == []


def test_only_the_facilitator_the_scheduler_or_an_admin_runs_a_session(
    alice: Any, bob: Any, charlie: Any, ada: Any
) -> None:
    session = _session(alice, bob, announce=False)
    fields = {
        "title": "Mine now",
        "starts_at": session.starts_at,
        "duration": 60,
        "location": "",
        "facilitator": charlie,
        "readings": [],
    }

    with pytest.raises(PermissionDenied):
        update_session(actor=charlie, session=session, **fields)
    with pytest.raises(PermissionDenied):
        cancel_session(actor=charlie, session=session)
    update_session(actor=bob, session=session, **fields)
    cancel_session(actor=ada, session=session)


def test_cancelling_tells_those_coming_and_closes_the_session(alice: Any, bob: Any) -> None:
    session = _session(alice, alice, announce=False)
    set_going(actor=bob, session=session, going=True)

    cancel_session(actor=alice, session=session)

    assert _texts(bob) == ["Alice cancelled the reading club session “Classic outages”"]
    with pytest.raises(InvalidState, match="cancelled"):
        set_going(actor=bob, session=session, going=False)
    with pytest.raises(InvalidState, match="cancelled"):
        cancel_session(actor=alice, session=session)
    with pytest.raises(InvalidState, match="cancelled"):
        add_comment(actor=bob, session=session, body="Shame")
    assert remind_due_sessions(now=session.starts_at - timedelta(hours=1)) == 0


def test_saying_you_come_is_one_row_you_change(alice: Any, bob: Any) -> None:
    session = _session(alice, alice, announce=False)

    set_going(actor=bob, session=session, going=True)
    set_going(actor=bob, session=session, going=True)
    assert queries.session_view(alice, session).coming == [bob]
    set_going(actor=bob, session=session, going=False)

    assert Participation.objects.get().going is False
    assert queries.session_view(bob, session).going is False


def test_nobody_says_they_come_to_a_session_that_is_over(alice: Any, bob: Any) -> None:
    session = _session(alice, alice, starts_at=timezone.now() - timedelta(hours=3))

    with pytest.raises(InvalidState, match="over"):
        set_going(actor=bob, session=session, going=True)
    assert _texts(bob) == []  # a session in the past is not announced


def test_the_reminder_goes_once_to_those_coming_within_a_day(
    alice: Any, bob: Any, charlie: Any, rita: Any
) -> None:
    session = _session(alice, rita, announce=False)
    set_going(actor=bob, session=session, going=True)
    set_going(actor=charlie, session=session, going=False)

    assert remind_due_sessions(now=session.starts_at - timedelta(hours=25)) == 0
    assert remind_due_sessions(now=session.starts_at - timedelta(hours=23)) == 2
    assert remind_due_sessions(now=session.starts_at - timedelta(hours=1)) == 0

    assert len(_texts(bob)) == 1 and _texts(bob)[0].startswith(
        "The reading club session “Classic outages” starts "
    )
    assert len(_texts(rita)) == 1
    assert _texts(charlie) == []
    assert remind_due_sessions(now=session.starts_at + timedelta(minutes=1)) == 0


def test_the_discussion_tells_the_facilitator_and_those_who_spoke(
    alice: Any, bob: Any, charlie: Any
) -> None:
    session = _session(alice, alice, announce=False)

    first = add_comment(actor=bob, session=session, body="Why did the *canary* pass?")
    add_comment(actor=charlie, session=session, body="It only checked the happy path.")

    assert _texts(alice) == [
        "Bob joined the discussion of “Classic outages”",
        "Charlie joined the discussion of “Classic outages”",
    ]
    assert _texts(bob) == ["Charlie joined the discussion of “Classic outages”"]
    with pytest.raises(ValidationError, match="Write something"):
        add_comment(actor=bob, session=session, body="   ")
    with pytest.raises(ValidationError, match="At most 5000"):
        add_comment(actor=bob, session=session, body="x" * 5001)
    with pytest.raises(PermissionDenied):
        delete_comment(actor=charlie, comment=first)
    delete_comment(actor=bob, comment=first)
    assert [c.author for c in queries.session_view(alice, session).comments] == [charlie]


def test_notes_and_attendance_are_kept_once_the_session_started(
    alice: Any, bob: Any, charlie: Any, rita: Any
) -> None:
    session = _session(alice, alice, announce=False)
    set_going(actor=bob, session=session, going=True)
    set_going(actor=charlie, session=session, going=True)

    with pytest.raises(InvalidState, match="once the session has started"):
        save_notes(actor=alice, session=session, notes="Early")
    with pytest.raises(InvalidState, match="once the session has started"):
        record_attendance(actor=alice, session=session, people=[bob])
    ReadingSession.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - timedelta(hours=2)
    )
    session.refresh_from_db()

    with pytest.raises(PermissionDenied):
        save_notes(actor=bob, session=session, notes="Mine")
    save_notes(actor=alice, session=session, notes="  We would have **missed** it too.  ")
    record_attendance(actor=alice, session=session, people=[bob, rita])
    record_attendance(actor=alice, session=session, people=[bob, rita, rita])

    session.refresh_from_db()
    assert (session.notes, session.notes_by) == ("We would have **missed** it too.", alice)
    view = queries.session_view(alice, session)
    assert {p.username for p in view.attended} == {"bob", "rita"}
    assert {p.username for p in view.coming} == {"bob", "charlie"}  # said so, even if absent
    record_attendance(actor=alice, session=session, people=[])
    assert queries.session_view(alice, session).attended == []


def test_the_club_page_splits_upcoming_and_past(alice: Any) -> None:
    past = _session(alice, alice, starts_at=timezone.now() - timedelta(days=3))
    now = _session(alice, alice, starts_at=timezone.now() - timedelta(minutes=10), duration=60)
    later = _session(alice, alice, starts_at=_soon(24))
    cancelled = _session(alice, alice, starts_at=_soon(72), announce=False)
    cancel_session(actor=alice, session=cancelled)

    club = queries.club(alice)

    assert club.upcoming == [now, later]
    assert club.past == [cancelled, past]


def test_a_session_goes_into_a_calendar(alice: Any) -> None:
    session = _session(alice, alice, location="https://meet.example.org/abc")

    data = session_calendar(session, url="https://hansei.example/s/1", readings=["Cloudflare"])

    [event] = Calendar.from_ical(data).walk("VEVENT")
    assert str(event["summary"]) == "Classic outages"
    start = session.starts_at.replace(microsecond=0)  # a calendar counts in seconds
    assert event.decoded("dtstart") == start
    assert event.decoded("dtend") == start + timedelta(minutes=60)
    assert "- Cloudflare" in str(event["description"])
    assert str(event["location"]) == "https://meet.example.org/abc"
