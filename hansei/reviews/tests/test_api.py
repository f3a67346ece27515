"""The review API: submitting, deciding with the checklist, and review meeting notes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from hansei.accounts.tests.test_api import ApiClient, assert_error
from hansei.conftest import FULL_CHECKLIST
from hansei.postmortems.document.models import Status
from hansei.reviews.models import Decision, Review, ReviewMeetingNote


def _submitted(api: ApiClient, postmortem: Any, *reviewers: str) -> list[dict[str, Any]]:
    response = api.post(f"/postmortems/{postmortem.pk}/submit", {"reviewers": list(reviewers)})
    assert response.status_code == 201, response.content
    return list(response.json())


def test_it_refuses_an_unknown_reviewer_and_leaves_the_draft_alone(
    alice: Any, rita: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    response = ApiClient(alice).post(
        f"/postmortems/{postmortem.pk}/submit", {"reviewers": ["rita", "ghost"]}
    )
    body = assert_error(response, 400, "reviewers")
    assert "ghost" in body["detail"]
    postmortem.refresh_from_db()
    assert (postmortem.status, postmortem.review_round) == (Status.DRAFT, 0)
    assert not Review.objects.exists()


def test_it_refuses_the_owner_as_their_own_reviewer(alice: Any, make_postmortem: Any) -> None:
    postmortem = make_postmortem()
    response = ApiClient(alice).post(
        f"/postmortems/{postmortem.pk}/submit", {"reviewers": ["alice"]}
    )
    assert_error(response, 400, "reviewers")
    assert not Review.objects.exists()


def test_it_lists_the_reviews_waiting_for_me(alice: Any, rita: Any, make_postmortem: Any) -> None:
    [review] = _submitted(ApiClient(alice), make_postmortem(), "rita")
    mine = ApiClient(rita).get("/reviews").json()
    assert [(r["id"], r["decision"], r["is_current"]) for r in mine] == [
        (review["id"], "pending", True)
    ]
    assert ApiClient(alice).get("/reviews").json() == []


def test_it_refuses_an_approval_with_an_incomplete_checklist(
    alice: Any, rita: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    [review] = _submitted(ApiClient(alice), postmortem, "rita")
    checklist = {**FULL_CHECKLIST, "blameless": False}
    response = ApiClient(rita).post(f"/reviews/{review['id']}/approve", {"checklist": checklist})
    body = assert_error(response, 400, "checklist")
    assert "blamelessly" in body["detail"]
    assert Review.objects.get(pk=review["id"]).decision == Decision.PENDING
    postmortem.refresh_from_db()
    assert postmortem.status == Status.IN_REVIEW
    assert_error(ApiClient(alice).post(f"/postmortems/{postmortem.pk}/publish", {}), 409)


def test_it_refuses_unknown_checklist_items(alice: Any, rita: Any, make_postmortem: Any) -> None:
    [review] = _submitted(ApiClient(alice), make_postmortem(), "rita")
    checklist = {**FULL_CHECKLIST, "vibes": True}
    response = ApiClient(rita).post(f"/reviews/{review['id']}/approve", {"checklist": checklist})
    assert_error(response, 400, "checklist")
    assert Review.objects.get(pk=review["id"]).decision == Decision.PENDING


def test_it_lets_only_the_named_reviewer_decide(
    alice: Any, bob: Any, charlie: Any, rita: Any, make_postmortem: Any
) -> None:
    [review] = _submitted(ApiClient(alice), make_postmortem(), "rita")
    url = f"/reviews/{review['id']}/approve"
    assert_error(ApiClient(bob).post(url, {"checklist": FULL_CHECKLIST}), 403)
    assert_error(ApiClient(charlie).post(url, {"checklist": FULL_CHECKLIST}), 404)
    assert_error(ApiClient(charlie).get(f"/reviews/{review['id']}"), 404)
    assert Review.objects.get(pk=review["id"]).decision == Decision.PENDING


def test_it_needs_a_reason_to_request_changes(alice: Any, rita: Any, make_postmortem: Any) -> None:
    postmortem = make_postmortem()
    [review] = _submitted(ApiClient(alice), postmortem, "rita")
    url = f"/reviews/{review['id']}/request-changes"
    assert_error(ApiClient(rita).post(url, {"comment": "  "}), 400, "comment")
    assert_error(ApiClient(rita).post(url, {}), 422, "comment")
    postmortem.refresh_from_db()
    assert postmortem.status == Status.IN_REVIEW


def test_it_refuses_a_second_decision_on_the_same_review(
    alice: Any, rita: Any, make_postmortem: Any
) -> None:
    [review] = _submitted(ApiClient(alice), make_postmortem(), "rita")
    api = ApiClient(rita)
    url = f"/reviews/{review['id']}"
    assert api.post(f"{url}/approve", {"checklist": FULL_CHECKLIST}).status_code == 200
    assert_error(api.post(f"{url}/request-changes", {"comment": "Wait"}), 409)
    assert Review.objects.get(pk=review["id"]).decision == Decision.APPROVED


def test_it_records_review_meeting_notes(alice: Any, make_postmortem: Any) -> None:
    postmortem = make_postmortem()
    api = ApiClient(alice)
    url = f"/postmortems/{postmortem.pk}/meeting-notes"
    today = timezone.localdate()
    created = api.post(
        url, {"held_on": today.isoformat(), "notes": "Agreed on P1s.", "attendees": "alice, rita"}
    )
    assert created.status_code == 201, created.content
    note = ReviewMeetingNote.objects.get()
    assert (note.notes, note.recorded_by) == ("Agreed on P1s.", alice)
    assert [n["notes"] for n in api.get(url).json()] == ["Agreed on P1s."]
    tomorrow = (today + timedelta(days=1)).isoformat()
    assert_error(api.post(url, {"held_on": tomorrow, "notes": "Later"}), 400, "held_on")
    assert ReviewMeetingNote.objects.count() == 1


def test_it_hides_meeting_notes_from_another_team(charlie: Any, make_postmortem: Any) -> None:
    postmortem = make_postmortem()
    url = f"/postmortems/{postmortem.pk}/meeting-notes"
    today = timezone.localdate().isoformat()
    assert_error(ApiClient(charlie).post(url, {"held_on": today, "notes": "x"}), 404)
    assert not ReviewMeetingNote.objects.exists()


def test_it_lists_the_checklist(alice: Any) -> None:
    keys = [item["key"] for item in ApiClient(alice).get("/reviews/checklist").json()]
    assert keys == list(FULL_CHECKLIST)
