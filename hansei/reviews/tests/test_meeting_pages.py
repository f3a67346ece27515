"""The review meeting pages: the card on the postmortem, scheduling, changing, cancelling,
the calendar file; who may do what; odd input never breaks them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from hansei.accounts.models import User
from hansei.postmortems.document.models import Postmortem
from hansei.reviews.meetings import MeetingInput, schedule_review_meeting
from hansei.reviews.models import ReviewMeeting, ReviewMeetingNote
from hansei.reviews.services import submit_for_review

pytestmark = pytest.mark.django_db
LATER = (timezone.localtime() + timedelta(days=3)).replace(hour=14, minute=0, second=0)


@pytest.fixture
def in_review(make_postmortem: Any, alice: Any, rita: Any) -> Postmortem:
    postmortem: Postmortem = make_postmortem()
    submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])
    return postmortem


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _meeting(postmortem: Postmortem, actor: User, invitees: list[User]) -> ReviewMeeting:
    return schedule_review_meeting(
        actor=actor,
        postmortem=postmortem,
        data=MeetingInput(
            starts_at=LATER, duration=45, invitees=invitees, location="Room Kyoto", agenda="Go."
        ),
    )


def _form(*invitees: User, **changes: Any) -> dict[str, Any]:
    return {
        "starts_at": LATER.strftime("%Y-%m-%dT%H:%M"),
        "duration": "30",
        "location": "https://meet.example.com/abc",
        "agenda": "Timeline, then action items.",
        "invitees": [str(person.pk) for person in invitees],
        **changes,
    }


def test_a_writer_schedules_a_meeting_from_the_postmortem(in_review, alice, bob, rita):
    page = _client(bob).get(reverse("postmortems:detail", args=[in_review.pk]))
    assert "Schedule a review meeting" in page.content.decode()

    response = _client(bob).post(
        reverse("reviews:meeting_new", args=[in_review.pk]), _form(alice, rita)
    )

    meeting = ReviewMeeting.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#meeting-{meeting.pk}")
    assert meeting.organizer == bob and meeting.duration == 30
    assert set(meeting.people_invited()) == {alice, rita}
    shown = _client(rita).get(reverse("postmortems:detail", args=[in_review.pk])).content.decode()
    assert f'id="meeting-{meeting.pk}"' in shown
    assert "https://meet.example.com/abc" in shown and "Timeline, then action items." in shown


def test_a_reader_sees_the_meeting_but_may_not_schedule_change_or_cancel(in_review, alice, rita):
    meeting = _meeting(in_review, alice, [rita])
    reader = _client(rita)

    page = reader.get(reverse("postmortems:detail", args=[in_review.pk])).content.decode()
    assert f'id="meeting-{meeting.pk}"' in page and "Add to calendar" in page
    assert "Schedule a review meeting" not in page and "Cancel meeting" not in page
    new = reverse("reviews:meeting_new", args=[in_review.pk])
    edit = reverse("reviews:meeting_edit", args=[in_review.pk, meeting.pk])
    cancel = reverse("reviews:meeting_cancel", args=[in_review.pk, meeting.pk])
    assert reader.get(new).status_code == 403
    assert reader.post(new, _form(rita)).status_code == 403
    assert reader.post(edit, _form(rita, duration="90")).status_code == 403
    assert reader.post(cancel).status_code == 403
    assert ReviewMeeting.objects.get().duration == 45 and ReviewMeeting.objects.count() == 1
    assert ReviewMeeting.objects.get().cancelled_at is None


def test_an_outsider_is_told_nothing_exists(in_review, alice, charlie):
    meeting = _meeting(in_review, alice, [alice])
    outsider = _client(charlie)

    for name in ("reviews:meeting_edit", "reviews:meeting_ics"):
        assert outsider.get(reverse(name, args=[in_review.pk, meeting.pk])).status_code == 404
    assert outsider.get(reverse("reviews:meeting_new", args=[in_review.pk])).status_code == 404
    cancel = reverse("reviews:meeting_cancel", args=[in_review.pk, meeting.pk])
    assert outsider.post(cancel).status_code == 404
    assert ReviewMeeting.objects.get().cancelled_at is None


def test_a_meeting_of_another_postmortem_is_not_found_under_this_one(
    in_review, make_postmortem, alice
):
    other = make_postmortem()
    meeting = _meeting(other, alice, [alice])

    url = reverse("reviews:meeting_edit", args=[in_review.pk, meeting.pk])
    assert _client(alice).get(url).status_code == 404


def test_the_form_says_what_is_wrong(in_review, alice, bob, charlie):
    past = (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = _client(bob).post(
        reverse("reviews:meeting_new", args=[in_review.pk]),
        _form(alice, charlie, starts_at=past, duration="2"),
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "Ensure this value is greater than or equal to 15." in page
    assert "is not one of the available choices" in page  # Charlie may not read it
    assert not ReviewMeeting.objects.exists()

    response = _client(bob).post(
        reverse("reviews:meeting_new", args=[in_review.pk]), _form(alice, starts_at=past)
    )
    assert response.status_code == 400
    assert "The meeting cannot start in the past." in response.content.decode()


def test_a_writer_changes_and_cancels_the_meeting(in_review, alice, bob, rita):
    meeting = _meeting(in_review, alice, [rita])
    edit = reverse("reviews:meeting_edit", args=[in_review.pk, meeting.pk])
    writer = _client(bob)
    assert 'value="Room Kyoto"' in writer.get(edit).content.decode()

    response = writer.post(edit, _form(rita, alice, location="Room Osaka"))

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.location, meeting.sequence) == ("Room Osaka", 1)
    writer.post(reverse("reviews:meeting_cancel", args=[in_review.pk, meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.is_cancelled and meeting.sequence == 2
    page = writer.get(reverse("postmortems:detail", args=[in_review.pk])).content.decode()
    assert "Cancelled" in page
    assert writer.post(edit, _form(rita)).status_code == 400  # a cancelled one stays so


def test_add_to_calendar_downloads_the_meeting_for_yourself(in_review, alice, rita):
    meeting = _meeting(in_review, alice, [rita])

    response = _client(rita).get(reverse("reviews:meeting_ics", args=[in_review.pk, meeting.pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    calendar = Calendar.from_ical(response.content)
    [event] = calendar.walk("VEVENT")
    assert calendar["method"] == "PUBLISH"
    assert str(event["uid"]) == meeting.uid


def test_notes_recorded_for_a_meeting_show_under_it(in_review, alice, bob, rita):
    meeting = _meeting(in_review, alice, [rita])
    ReviewMeeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - timedelta(hours=3)
    )
    writer = _client(bob)
    assert (
        "Another meeting"
        in writer.get(reverse("postmortems:detail", args=[in_review.pk])).content.decode()
    )

    writer.post(
        reverse("reviews:meeting_note", args=[in_review.pk]),
        {
            "meeting": str(meeting.pk),
            "held_on": timezone.localdate().isoformat(),
            "notes": "Root cause accepted.",
        },
    )

    note = ReviewMeetingNote.objects.get()
    assert note.meeting_id == meeting.pk
    page = writer.get(reverse("postmortems:detail", args=[in_review.pk])).content.decode()
    card = page[page.index(f'id="meeting-{meeting.pk}"') :]
    assert "Root cause accepted." in card[: card.index("</li>")]


FIELD = st.one_of(
    st.text(max_size=600),
    st.sampled_from(["", "0", "-1", "9" * 30, "2026-13-45T25:61", "1e9", "\x00", "<script>"]),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    starts_at=FIELD,
    duration=FIELD,
    location=FIELD,
    agenda=st.text(max_size=6000),
    invitees=st.lists(FIELD, max_size=3),
)
def test_odd_form_input_never_breaks_the_pages(
    in_review, alice, bob, starts_at, duration, location, agenda, invitees
):
    data = {
        "starts_at": starts_at,
        "duration": duration,
        "location": location,
        "agenda": agenda,
        "invitees": invitees,
    }
    writer = _client(bob)
    response = writer.post(reverse("reviews:meeting_new", args=[in_review.pk]), data)
    assert response.status_code in (302, 400)
    note = {"meeting": duration, "held_on": starts_at, "notes": location}
    response = writer.post(reverse("reviews:meeting_note", args=[in_review.pk]), note)
    assert response.status_code in (302, 400)
    meeting = ReviewMeeting.objects.filter(postmortem=in_review).first()
    if meeting is not None:
        edit = reverse("reviews:meeting_edit", args=[in_review.pk, meeting.pk])
        assert writer.post(edit, data).status_code in (302, 400)


def test_ids_no_database_holds_are_invalid_choices(in_review, alice, bob):
    held = _meeting(in_review, alice, [alice])
    ReviewMeeting.objects.filter(pk=held.pk).update(starts_at=timezone.now() - timedelta(hours=2))
    writer = _client(bob)
    huge = "9" * 30

    response = writer.post(
        reverse("reviews:meeting_new", args=[in_review.pk]), _form(alice) | {"invitees": [huge]}
    )
    note = {"meeting": huge, "held_on": timezone.localdate().isoformat(), "notes": "Met."}
    noted = writer.post(reverse("reviews:meeting_note", args=[in_review.pk]), note)

    assert response.status_code == 400
    assert "is not one of the available choices" in response.content.decode()
    assert noted.status_code == 302 and not ReviewMeetingNote.objects.exists()
