"""The review meeting API: schedule, list, change, cancel, and notes taken at a meeting."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from hansei.accounts.tests.test_api import ApiClient, assert_error
from hansei.core.models import Job
from hansei.reviews.models import ReviewMeeting
from hansei.reviews.services import submit_for_review

START = (timezone.now() + timedelta(days=2)).replace(microsecond=0)


def _in_review(make_postmortem: Any, alice: Any, rita: Any) -> Any:
    postmortem = make_postmortem()
    submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])
    return postmortem


def test_it_schedules_lists_changes_and_cancels_a_meeting(
    make_postmortem: Any, alice: Any, bob: Any, rita: Any
) -> None:
    postmortem = _in_review(make_postmortem, alice, rita)
    api = ApiClient(bob)
    base = f"/postmortems/{postmortem.pk}/meetings"

    created = api.post(base, {"starts_at": START.isoformat(), "location": "Room Kyoto"})

    assert created.status_code == 201, created.content
    body = created.json()
    assert sorted(body["invitees"]) == ["alice", "rita"]  # the owner and the reviewer
    assert (body["duration"], body["sequence"], body["organizer"]) == (60, 0, "bob")
    assert ApiClient(rita).get(base).json()[0]["uid"] == body["uid"]
    Job.objects.all().delete()

    changed = api.patch(f"{base}/{body['id']}", {"duration": 90, "invitees": ["alice"]})

    assert changed.status_code == 200, changed.content
    assert (changed.json()["duration"], changed.json()["sequence"]) == (90, 1)
    assert changed.json()["invitees"] == ["alice"]
    told = {job.payload["recipient"]: job.payload["ids"]["cancel"] for job in Job.objects.all()}
    assert told == {alice.pk: 0, rita.pk: 1}  # Rita is sent a cancellation

    assert api.delete(f"{base}/{body['id']}").status_code == 204
    assert ReviewMeeting.objects.get().is_cancelled
    assert_error(api.patch(f"{base}/{body['id']}", {"duration": 30}), 409)


def test_it_refuses_a_meeting_no_calendar_should_get(
    make_postmortem: Any, alice: Any, bob: Any, rita: Any, charlie: Any
) -> None:
    postmortem = _in_review(make_postmortem, alice, rita)
    api = ApiClient(bob)
    base = f"/postmortems/{postmortem.pk}/meetings"
    past = (timezone.now() - timedelta(hours=1)).isoformat()

    assert_error(api.post(base, {"starts_at": past}), 400, "starts_at")
    assert_error(
        api.post(base, {"starts_at": START.isoformat(), "invitees": ["charlie"]}), 400, "invitees"
    )
    assert_error(
        api.post(base, {"starts_at": START.isoformat(), "invitees": ["ghost"]}), 400, "invitees"
    )
    assert api.post(base, {"starts_at": START.isoformat(), "duration": 5}).status_code == 422
    assert_error(ApiClient(rita).post(base, {"starts_at": START.isoformat()}), 403)
    assert not ReviewMeeting.objects.exists()


def test_notes_recorded_through_the_api_attach_to_their_meeting(
    make_postmortem: Any, alice: Any, bob: Any, rita: Any
) -> None:
    postmortem = _in_review(make_postmortem, alice, rita)
    api = ApiClient(bob)
    meeting = api.post(f"/postmortems/{postmortem.pk}/meetings", {"starts_at": START.isoformat()})
    meeting_id = meeting.json()["id"]
    notes = f"/postmortems/{postmortem.pk}/meeting-notes"
    today = timezone.localdate().isoformat()

    upcoming = api.post(notes, {"held_on": today, "notes": "Met.", "meeting": meeting_id})
    assert_error(upcoming, 400, "meeting")
    ReviewMeeting.objects.filter(pk=meeting_id).update(
        starts_at=timezone.now() - timedelta(hours=1)
    )
    recorded = api.post(notes, {"held_on": today, "notes": "Met.", "meeting": meeting_id})

    assert recorded.status_code == 201, recorded.content
    assert recorded.json()["meeting"] == meeting_id
    assert_error(api.post(notes, {"held_on": today, "notes": "x", "meeting": 10**30}), 400)
