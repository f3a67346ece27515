from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hansei.conftest import FULL_CHECKLIST
from hansei.core.errors import InvalidState
from hansei.core.models import Job
from hansei.incidents.models import PostmortemPolicy
from hansei.postmortems.document.models import Postmortem, Section, Status
from hansei.postmortems.document.queries import publish_blockers
from hansei.postmortems.document.services import publish_postmortem, update_section
from hansei.reviews.models import CHECKLIST_KEYS, Decision, Review, ReviewMeetingNote
from hansei.reviews.services import (
    approve_review,
    record_meeting_note,
    request_changes,
    submit_for_review,
)

pytestmark = pytest.mark.django_db


def _status(postmortem: Postmortem) -> str:
    return Postmortem.objects.get(pk=postmortem.pk).status


def _require_approvals(n: int) -> None:
    PostmortemPolicy.objects.filter(pk=PostmortemPolicy.current().pk).update(required_approvals=n)


@pytest.fixture
def in_review(make_postmortem: Any, alice: Any, rita: Any) -> tuple[Postmortem, Review]:
    postmortem = make_postmortem()
    [review] = submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])
    return postmortem, review


# --- submitting -----------------------------------------------------------------------------


def test_it_submits_a_draft_for_review(make_postmortem, alice, rita):
    postmortem = make_postmortem()

    reviews = submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita, rita])

    stored = Postmortem.objects.get(pk=postmortem.pk)
    assert stored.status == Status.IN_REVIEW
    assert stored.review_round == 1
    assert [r.reviewer for r in reviews] == [rita]
    review = Review.objects.get()
    assert (review.round, review.decision, review.requested_by) == (1, Decision.PENDING, alice)
    assert (
        Job.objects.filter(payload__recipient=rita.pk, payload__template="review_requested").count()
        == 1
    )


def test_it_refuses_a_submission_without_a_reviewer(make_postmortem, alice):
    postmortem = make_postmortem()

    with pytest.raises(ValidationError) as excinfo:
        submit_for_review(actor=alice, postmortem=postmortem, reviewers=[])

    assert "reviewers" in excinfo.value.message_dict
    assert _status(postmortem) == Status.DRAFT
    assert Review.objects.count() == 0


def test_it_needs_as_many_reviewers_as_required_approvals(make_postmortem, alice, rita):
    _require_approvals(2)
    postmortem = make_postmortem()

    with pytest.raises(ValidationError) as excinfo:
        submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])

    assert "2 reviewer" in excinfo.value.message_dict["reviewers"][0]
    assert Postmortem.objects.get(pk=postmortem.pk).review_round == 0
    assert Review.objects.count() == 0


def test_the_owner_cannot_review_their_own_postmortem(make_postmortem, alice, bob):
    postmortem = make_postmortem()

    with pytest.raises(ValidationError) as excinfo:
        submit_for_review(actor=bob, postmortem=postmortem, reviewers=[alice])

    assert "owner" in excinfo.value.message_dict["reviewers"][0]
    assert _status(postmortem) == Status.DRAFT
    assert Review.objects.count() == 0


def test_an_inactive_reviewer_is_refused(make_postmortem, alice, rita):
    rita.is_active = False
    rita.save()
    postmortem = make_postmortem()

    with pytest.raises(ValidationError):
        submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])

    assert Review.objects.count() == 0


def test_charlie_cannot_submit_a_payments_postmortem(make_postmortem, charlie, rita):
    postmortem = make_postmortem()

    with pytest.raises(PermissionDenied):
        submit_for_review(actor=charlie, postmortem=postmortem, reviewers=[rita])

    assert _status(postmortem) == Status.DRAFT


def test_it_cannot_be_submitted_twice(in_review, alice, bob):
    postmortem, _review = in_review

    with pytest.raises(InvalidState):
        submit_for_review(actor=alice, postmortem=postmortem, reviewers=[bob])

    assert Review.objects.count() == 1
    assert Postmortem.objects.get(pk=postmortem.pk).review_round == 1


def test_content_is_frozen_while_in_review(in_review, alice):
    postmortem, _review = in_review
    section = Section.objects.get(postmortem=postmortem, key="summary")

    with pytest.raises(InvalidState):
        update_section(actor=alice, section=section, body="Rewritten")

    assert Section.objects.get(pk=section.pk).body.startswith("Payments failed")


# --- deciding -------------------------------------------------------------------------------


def test_an_approval_with_the_full_checklist_approves_it(in_review, rita):
    postmortem, review = in_review

    returned = approve_review(actor=rita, review=review, checklist=FULL_CHECKLIST, comment=" Ok ")

    stored = Review.objects.get(pk=review.pk)
    assert returned.decision == stored.decision == Decision.APPROVED
    assert stored.checklist == dict.fromkeys(CHECKLIST_KEYS, True)
    assert stored.comment == "Ok"
    assert stored.decided_at is not None
    assert _status(postmortem) == Status.APPROVED
    assert publish_blockers(Postmortem.objects.get(pk=postmortem.pk)) == []


def test_the_checklist_has_the_workbooks_seven_items_and_similar_incidents():
    assert len(CHECKLIST_KEYS) == 8
    assert CHECKLIST_KEYS[-1] == "similar_considered"
    assert set(FULL_CHECKLIST) == set(CHECKLIST_KEYS)


@pytest.mark.parametrize("missing", CHECKLIST_KEYS)
def test_an_approval_needs_every_checklist_item(in_review, rita, missing):
    postmortem, review = in_review
    checklist = {**FULL_CHECKLIST, missing: False}

    with pytest.raises(ValidationError) as excinfo:
        approve_review(actor=rita, review=review, checklist=checklist)

    assert "checklist" in excinfo.value.message_dict
    assert Review.objects.get(pk=review.pk).decision == Decision.PENDING
    assert _status(postmortem) == Status.IN_REVIEW


def test_a_truthy_string_is_not_a_confirmation(in_review, rita):
    postmortem, review = in_review

    with pytest.raises(ValidationError):
        approve_review(actor=rita, review=review, checklist=dict.fromkeys(CHECKLIST_KEYS, "yes"))

    assert _status(postmortem) == Status.IN_REVIEW


def test_an_unknown_checklist_item_is_refused(in_review, rita):
    _postmortem, review = in_review

    with pytest.raises(ValidationError):
        approve_review(actor=rita, review=review, checklist={**FULL_CHECKLIST, "vibes": True})

    assert Review.objects.get(pk=review.pk).decision == Decision.PENDING


def test_a_reviewer_decides_only_once(in_review, rita):
    postmortem, review = in_review
    _require_approvals(1)
    approve_review(actor=rita, review=review, checklist=FULL_CHECKLIST)

    with pytest.raises(InvalidState):
        request_changes(actor=rita, review=review, comment="Second thoughts")

    assert Review.objects.get(pk=review.pk).decision == Decision.APPROVED
    assert _status(postmortem) == Status.APPROVED


def test_a_reviewer_cannot_decide_twice_while_the_round_is_open(make_postmortem, alice, rita, bob):
    _require_approvals(2)
    postmortem = make_postmortem(actor=alice)
    submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita, bob])
    review = Review.objects.get(reviewer=rita)
    approve_review(actor=rita, review=review, checklist=FULL_CHECKLIST)

    with pytest.raises(InvalidState) as excinfo:
        approve_review(actor=rita, review=review, checklist=FULL_CHECKLIST)

    assert "already" in excinfo.value.message
    assert _status(postmortem) == Status.IN_REVIEW


@pytest.mark.parametrize("who", ["alice", "bob", "charlie", "ada"])
def test_only_the_named_reviewer_decides(in_review, request, who):
    postmortem, review = in_review

    with pytest.raises(PermissionDenied):
        approve_review(actor=request.getfixturevalue(who), review=review, checklist=FULL_CHECKLIST)

    assert Review.objects.get(pk=review.pk).decision == Decision.PENDING
    assert _status(postmortem) == Status.IN_REVIEW


def test_requesting_changes_needs_a_comment(in_review, rita):
    postmortem, review = in_review

    with pytest.raises(ValidationError) as excinfo:
        request_changes(actor=rita, review=review, comment="  ")

    assert "comment" in excinfo.value.message_dict
    assert Review.objects.get(pk=review.pk).decision == Decision.PENDING
    assert _status(postmortem) == Status.IN_REVIEW


def test_requesting_changes_sends_it_back_to_draft(in_review, rita, alice):
    postmortem, review = in_review

    request_changes(actor=rita, review=review, comment="Dig deeper into the root cause.")

    stored = Review.objects.get(pk=review.pk)
    assert stored.decision == Decision.CHANGES_REQUESTED
    assert stored.comment == "Dig deeper into the root cause."
    assert _status(postmortem) == Status.DRAFT
    assert Job.objects.filter(
        payload__recipient=alice.pk, payload__template="changes_requested"
    ).exists()
    section = Section.objects.get(postmortem=postmortem, key="root_causes")
    update_section(actor=alice, section=section, body="Deeper now.")
    assert Section.objects.get(pk=section.pk).body == "Deeper now."


def test_one_approval_is_not_enough_when_two_are_required(make_postmortem, alice, rita, bob):
    _require_approvals(2)
    postmortem = make_postmortem(actor=alice)
    submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita, bob])

    approve_review(actor=rita, review=Review.objects.get(reviewer=rita), checklist=FULL_CHECKLIST)

    assert _status(postmortem) == Status.IN_REVIEW
    with pytest.raises(InvalidState):
        publish_postmortem(actor=alice, postmortem=postmortem)

    approve_review(actor=bob, review=Review.objects.get(reviewer=bob), checklist=FULL_CHECKLIST)

    assert _status(postmortem) == Status.APPROVED
    revision = publish_postmortem(actor=alice, postmortem=postmortem)
    assert revision.number == 1


def test_raising_the_requirement_after_approval_blocks_publication(approved_postmortem, alice):
    _require_approvals(2)

    with pytest.raises(InvalidState):
        publish_postmortem(actor=alice, postmortem=approved_postmortem)

    assert _status(approved_postmortem) == Status.APPROVED
    assert Postmortem.objects.get(pk=approved_postmortem.pk).published_at is None


def test_a_new_round_invalidates_old_approvals(make_postmortem, alice, rita, bob):
    _require_approvals(2)
    postmortem = make_postmortem(actor=alice)
    submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita, bob])
    approve_review(actor=rita, review=Review.objects.get(reviewer=rita), checklist=FULL_CHECKLIST)
    request_changes(actor=bob, review=Review.objects.get(reviewer=bob), comment="Impact numbers?")
    old_rita = Review.objects.get(reviewer=rita, round=1)

    with pytest.raises(InvalidState):
        approve_review(actor=rita, review=old_rita, checklist=FULL_CHECKLIST)

    submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita, bob])
    stored = Postmortem.objects.get(pk=postmortem.pk)
    assert stored.review_round == 2
    assert Review.objects.filter(round=2, decision=Decision.PENDING).count() == 2
    approve_review(
        actor=bob, review=Review.objects.get(reviewer=bob, round=2), checklist=FULL_CHECKLIST
    )
    assert _status(postmortem) == Status.IN_REVIEW
    Postmortem.objects.filter(pk=postmortem.pk).update(status=Status.APPROVED)
    with pytest.raises(InvalidState):
        publish_postmortem(actor=alice, postmortem=postmortem)
    assert Postmortem.objects.get(pk=postmortem.pk).published_at is None


def test_a_decision_on_a_closed_round_is_refused(in_review, alice, rita, bob):
    postmortem, review = in_review
    request_changes(actor=rita, review=review, comment="Not yet")
    submit_for_review(actor=alice, postmortem=postmortem, reviewers=[bob])

    with pytest.raises(InvalidState):
        approve_review(actor=rita, review=review, checklist=FULL_CHECKLIST)

    assert Review.objects.get(pk=review.pk).decision == Decision.CHANGES_REQUESTED


def test_a_comment_over_20000_characters_is_refused(in_review, rita):
    postmortem, review = in_review

    with pytest.raises(ValidationError):
        request_changes(actor=rita, review=review, comment="c" * 20_001)

    assert Review.objects.get(pk=review.pk).decision == Decision.PENDING
    assert _status(postmortem) == Status.IN_REVIEW


# --- meeting notes --------------------------------------------------------------------------


def test_it_records_meeting_notes(make_postmortem, bob):
    postmortem = make_postmortem()
    today = timezone.localdate()

    note = record_meeting_note(
        actor=bob, postmortem=postmortem, held_on=today, notes=" Agreed on P1s ", attendees="A, B"
    )

    stored = ReviewMeetingNote.objects.get(pk=note.pk)
    assert (stored.held_on, stored.notes, stored.attendees, stored.recorded_by) == (
        today,
        "Agreed on P1s",
        "A, B",
        bob,
    )


def test_it_refuses_empty_or_future_meeting_notes(make_postmortem, bob, charlie):
    postmortem = make_postmortem()
    tomorrow = timezone.localdate() + timedelta(days=1)

    with pytest.raises(ValidationError) as excinfo:
        record_meeting_note(actor=bob, postmortem=postmortem, held_on=tomorrow, notes="  ")
    with pytest.raises(PermissionDenied):
        record_meeting_note(
            actor=charlie, postmortem=postmortem, held_on=timezone.localdate(), notes="Hi"
        )

    assert set(excinfo.value.message_dict) == {"notes", "held_on"}
    assert ReviewMeetingNote.objects.count() == 0
