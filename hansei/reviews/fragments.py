"""The review parts of a postmortem's page: the review panel, the callouts at the top
("changes requested", "your review is requested") and the meeting notes. The pages show them
with ``{% load review_fragments %}`` tags; the review page reuses the panel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone

from hansei import access
from hansei.accounts.models import User
from hansei.incidents.models import PostmortemPolicy
from hansei.postmortems.document.models import Postmortem, Status
from hansei.postmortems.document.queries import sections_missing_content
from hansei.reviews.forms import MeetingNoteForm, ReviewMeetingForm
from hansei.reviews.meetings import default_invitees
from hansei.reviews.models import Decision, Review, ReviewMeeting, ReviewMeetingNote


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


@dataclass(frozen=True)
class MeetingShown:
    meeting: ReviewMeeting
    notes: list[ReviewMeetingNote]
    invitees: list[User]


def meeting_notes_context(user: User, postmortem: Postmortem) -> dict[str, Any]:
    """The meetings (each with its notes, who is invited, what ``user`` may do), the notes
    of no scheduled meeting, and the forms to schedule one and to record notes."""
    notes = list(access.meeting_notes_visible_to(user, postmortem).select_related("recorded_by"))
    meetings = list(
        access.meetings_visible_to(user, postmortem)
        .select_related("organizer")
        .prefetch_related("invitations__person")
    )
    shown = [
        MeetingShown(
            meeting=meeting,
            notes=[note for note in notes if note.meeting_id == meeting.pk],
            invitees=sorted(
                (i.person for i in meeting.invitations.all() if i.removed_in is None),
                key=lambda person: person.name.casefold(),
            ),
        )
        for meeting in meetings
    ]
    writer = access.can_edit_postmortem(user, postmortem)
    start = (timezone.localtime() + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    return {
        "postmortem": postmortem,
        "meetings": shown,
        "notes": [note for note in notes if note.meeting_id is None],
        "any_notes": bool(notes),
        "can_record": writer,
        "form": MeetingNoteForm(initial={"held_on": timezone.localdate()}, postmortem=postmortem)
        if writer
        else None,
        "schedule_form": ReviewMeetingForm(
            initial={"starts_at": start, "invitees": default_invitees(postmortem)},
            postmortem=postmortem,
        )
        if writer
        else None,
    }
