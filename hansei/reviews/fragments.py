"""The review parts of a postmortem's page: the review panel, the callouts at the top
("changes requested", "your review is requested") and the meeting notes. The pages show them
with ``{% load review_fragments %}`` tags; the review page reuses the panel."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from hansei import access
from hansei.accounts.models import User
from hansei.incidents.models import PostmortemPolicy
from hansei.postmortems.document.models import Postmortem, Status
from hansei.postmortems.document.queries import sections_missing_content
from hansei.reviews.forms import MeetingNoteForm
from hansei.reviews.models import Decision, Review


def _rounds(postmortem: Postmortem) -> tuple[list[Review], list[Review]]:
    """This round's reviews and the earlier ones, newest round first."""
    reviews = list(postmortem.reviews.select_related("reviewer").order_by("-round", "id"))
    current = [r for r in reviews if r.round == postmortem.review_round]
    return current, [r for r in reviews if r.round != postmortem.review_round]


def panel_context(user: User, postmortem: Postmortem) -> dict[str, Any]:
    current, past = _rounds(postmortem)
    editing = access.can_change_draft(user, postmortem)
    return {
        "postmortem": postmortem,
        "current_reviews": current,
        "past_reviews": past,
        "required_approvals": PostmortemPolicy.current().required_approvals,
        "ready_to_publish": postmortem.status == Status.APPROVED
        and access.can_edit_postmortem(user, postmortem),
        "missing": sections_missing_content(postmortem) if editing else [],
    }


def callouts_context(user: User, postmortem: Postmortem) -> dict[str, Any]:
    current, _past = _rounds(postmortem)
    mine = next((r for r in current if r.reviewer_id == user.pk), None)
    requested = postmortem.status == Status.DRAFT
    return {
        "postmortem": postmortem,
        "changes_requested": [r for r in current if r.decision == Decision.CHANGES_REQUESTED]
        if requested
        else [],
        "my_review": mine if mine and mine.decision == Decision.PENDING else None,
    }


def meeting_notes_context(user: User, postmortem: Postmortem) -> dict[str, Any]:
    return {
        "postmortem": postmortem,
        "notes": list(postmortem.meeting_notes.select_related("recorded_by")),
        "can_record": access.can_edit_postmortem(user, postmortem),
        "form": MeetingNoteForm(initial={"held_on": timezone.localdate()}),
    }
