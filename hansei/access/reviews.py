"""Who reads reviews and meeting notes, and who decides a review."""

from __future__ import annotations

from django.db.models import QuerySet

from hansei.access.base import get_or_404, is_signed_in
from hansei.access.postmortems import (
    can_view_postmortem,
    of_readable_postmortems,
    revision_shown_instead,
)
from hansei.accounts.models import User
from hansei.postmortems.document.models import Postmortem
from hansei.reviews.models import Review, ReviewMeeting, ReviewMeetingNote


def reviews_visible_to(user: User) -> QuerySet[Review]:
    """Reviews of the postmortems ``user`` may read. While an amendment is drafted, readers
    outside it see the reviews decided up to the latest publication, not the draft's."""
    if not is_signed_in(user):
        return Review.objects.none()
    reviews = Review.objects.all()
    if user.is_admin:
        return reviews
    return reviews.filter(of_readable_postmortems(user, since="requested_at"))


def get_review_for_user(user: User, review_id: int | str) -> Review:
    qs = reviews_visible_to(user).select_related("postmortem", "reviewer", "requested_by")
    review: Review = get_or_404(qs, review_id)
    return review


def meeting_notes_visible_to(user: User, postmortem: Postmortem) -> QuerySet[ReviewMeetingNote]:
    """The review meeting notes of a postmortem ``user`` may read (notes are never changed
    once recorded): while an amendment is drafted, readers outside it see those recorded up to
    the latest publication."""
    notes = postmortem.meeting_notes.all()
    if not can_view_postmortem(user, postmortem):
        return notes.none()
    revision = revision_shown_instead(user, postmortem)
    if revision is not None:
        notes = notes.filter(recorded_at__lte=revision.published_at)
    return notes


def meetings_visible_to(user: User, postmortem: Postmortem) -> QuerySet[ReviewMeeting]:
    """The review meetings of a postmortem ``user`` may read: all of them, for its readers."""
    meetings = postmortem.meetings.all()
    if not can_view_postmortem(user, postmortem):
        return meetings.none()
    return meetings


def get_review_meeting_for_user(
    user: User, postmortem: Postmortem, meeting_id: int | str
) -> ReviewMeeting:
    """A meeting of ``postmortem`` (already read through the rulebook); 404 otherwise."""
    meeting: ReviewMeeting = get_or_404(
        meetings_visible_to(user, postmortem).select_related("organizer"), meeting_id
    )
    return meeting


def can_decide_review(user: User, review: Review) -> bool:
    return is_signed_in(user) and review.reviewer_id == user.pk
