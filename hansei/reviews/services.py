"""Formal review: submit, approve or request changes, meeting notes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hansei import access
from hansei.accounts.models import User
from hansei.core import events
from hansei.core.errors import InvalidState
from hansei.incidents.models import PostmortemPolicy
from hansei.postmortems.document import live_text
from hansei.postmortems.document.models import Postmortem, Status
from hansei.postmortems.document.queries import sections_missing_content
from hansei.postmortems.document.services import state_changed
from hansei.postmortems.history.models import VersionReason
from hansei.postmortems.timeline.services import catch_up_incidents
from hansei.reviews.events import (
    MEETING_NOTE_RECORDED,
    POSTMORTEM_APPROVED,
    POSTMORTEM_SENT_BACK,
    POSTMORTEM_SUBMITTED,
    POSTMORTEM_WITHDRAWN,
    REVIEW_DECIDED,
    REVIEW_REQUESTED,
)
from hansei.reviews.models import (
    CHECKLIST,
    CHECKLIST_KEYS,
    Decision,
    Review,
    ReviewMeeting,
    ReviewMeetingNote,
)


@transaction.atomic
def submit_for_review(
    *, actor: User, postmortem: Postmortem, reviewers: Iterable[User]
) -> list[Review]:
    postmortem = Postmortem.objects.select_for_update().get(pk=postmortem.pk)
    access.require(access.can_edit_postmortem(actor, postmortem))
    if postmortem.status != Status.DRAFT:
        raise InvalidState(_("Only a draft can be submitted for review."))
    live_text.materialize_sections(postmortem.pk)
    chosen = list(dict.fromkeys(reviewers))
    policy = PostmortemPolicy.current()
    errors = []
    if len(chosen) < policy.required_approvals:
        errors.append(
            ngettext(
                "Name at least %(n)s reviewer: that many approvals are needed to publish.",
                "Name at least %(n)s reviewers: that many approvals are needed to publish.",
                policy.required_approvals,
            )
            % {"n": policy.required_approvals}
        )
    for reviewer in chosen:
        if not reviewer.is_active:
            errors.append(_("%(user)s is not an active user.") % {"user": reviewer})
        if reviewer.pk == postmortem.owner_id:
            errors.append(_("The owner cannot review their own postmortem."))
    refusals: dict[str, list[str]] = {"reviewers": errors} if errors else {}
    missing = sections_missing_content(postmortem)
    if missing:
        # A reviewer cannot confirm that the impact or the root cause is complete when its
        # section is empty: its writers fill it first, or the template stops requiring it.
        titles = ", ".join(f"“{section.title}”" for section in missing)
        message = ngettext(
            "Write the required section %(titles)s first.",
            "Write the required sections %(titles)s first.",
            len(missing),
        )
        refusals["__all__"] = [message % {"titles": titles}]
    if refusals:
        raise ValidationError(refusals)
    postmortem.review_round += 1
    postmortem.status = Status.IN_REVIEW
    postmortem.save(update_fields=["review_round", "status", "updated_at"])
    reviews = [
        Review.objects.create(
            postmortem=postmortem,
            reviewer=reviewer,
            round=postmortem.review_round,
            requested_by=actor,
        )
        for reviewer in chosen
    ]
    state_changed(postmortem=postmortem, reason=VersionReason.SUBMITTED, actor=actor)
    events.emit(POSTMORTEM_SUBMITTED, actor_id=actor.pk, postmortem_id=postmortem.pk)
    for review in reviews:
        events.emit(
            REVIEW_REQUESTED, actor_id=actor.pk, postmortem_id=postmortem.pk, object_id=review.pk
        )
    return reviews


def _clean_checklist(answers: Mapping[str, object]) -> dict[str, bool]:
    unknown = set(answers) - set(CHECKLIST_KEYS)
    if unknown:
        raise ValidationError(
            {"checklist": _("Unknown checklist items: %s") % ", ".join(sorted(unknown))}
        )
    return {key: answers.get(key) is True for key in CHECKLIST_KEYS}


def _lock_current(actor: User, review: Review) -> tuple[Review, Postmortem]:
    postmortem = Postmortem.objects.select_for_update().get(pk=review.postmortem_id)
    review = Review.objects.select_for_update().get(pk=review.pk)
    access.require(access.can_decide_review(actor, review), _("This review is not yours."))
    if postmortem.status != Status.IN_REVIEW or review.round != postmortem.review_round:
        raise InvalidState(_("This review round is over."))
    if review.decision != Decision.PENDING:
        raise InvalidState(_("You already decided on this review."))
    return review, postmortem


@transaction.atomic
def approve_review(
    *, actor: User, review: Review, checklist: Mapping[str, object], comment: str = ""
) -> Review:
    """Approve; when enough approvals are in, the postmortem becomes ready to publish."""
    review, postmortem = _lock_current(actor, review)
    answers = _clean_checklist(checklist)
    missing = [str(label) for key, label in CHECKLIST if not answers[key]]
    if missing:
        raise ValidationError(
            {
                "checklist": _("Confirm every checklist item to approve. Missing: %s")
                % "; ".join(missing)
            }
        )
    _decide(review, Decision.APPROVED, answers, comment)
    events.emit(REVIEW_DECIDED, actor_id=actor.pk, postmortem_id=postmortem.pk, object_id=review.pk)
    policy = PostmortemPolicy.current()
    current = Review.objects.filter(postmortem=postmortem, round=postmortem.review_round)
    approved = sum(1 for r in current if r.decision == Decision.APPROVED and r.checklist_complete)
    if approved >= policy.required_approvals:
        postmortem.status = Status.APPROVED
        postmortem.save(update_fields=["status", "updated_at"])
        state_changed(postmortem=postmortem, reason=VersionReason.APPROVED, actor=actor)
        events.emit(POSTMORTEM_APPROVED, actor_id=actor.pk, postmortem_id=postmortem.pk)
    return review


@transaction.atomic
def request_changes(
    *, actor: User, review: Review, comment: str, checklist: Mapping[str, object] | None = None
) -> Review:
    """Send it back to draft; the comment is the reason shown to the author."""
    review, postmortem = _lock_current(actor, review)
    if not comment.strip():
        raise ValidationError({"comment": _("Say what needs to change.")})
    _decide(review, Decision.CHANGES_REQUESTED, _clean_checklist(checklist or {}), comment)
    postmortem.status = Status.DRAFT
    postmortem.save(update_fields=["status", "updated_at"])
    catch_up_incidents(postmortem=postmortem, since=_round_started(postmortem))
    state_changed(postmortem=postmortem, reason=VersionReason.CHANGES_REQUESTED, actor=actor)
    events.emit(REVIEW_DECIDED, actor_id=actor.pk, postmortem_id=postmortem.pk, object_id=review.pk)
    events.emit(POSTMORTEM_SENT_BACK, actor_id=actor.pk, postmortem_id=postmortem.pk)
    return review


@transaction.atomic
def withdraw_from_review(*, actor: User, postmortem: Postmortem) -> Postmortem:
    """Its writers take it back to draft (a typo found after submitting need not wait for
    a reviewer to request changes). Reviews not yet given are closed as withdrawn; the next
    submission starts a new round, so approvals of this one no longer count."""
    postmortem = Postmortem.objects.select_for_update().get(pk=postmortem.pk)
    access.require(access.can_edit_postmortem(actor, postmortem))
    if postmortem.status not in (Status.IN_REVIEW, Status.APPROVED):
        raise InvalidState(_("Only a postmortem in review or approved can be withdrawn."))
    Review.objects.filter(
        postmortem=postmortem, round=postmortem.review_round, decision=Decision.PENDING
    ).update(decision=Decision.WITHDRAWN, decided_at=timezone.now())
    postmortem.status = Status.DRAFT
    postmortem.save(update_fields=["status", "updated_at"])
    catch_up_incidents(postmortem=postmortem, since=_round_started(postmortem))
    state_changed(postmortem=postmortem, reason=VersionReason.WITHDRAWN, actor=actor)
    events.emit(POSTMORTEM_WITHDRAWN, actor_id=actor.pk, postmortem_id=postmortem.pk)
    return postmortem


def _round_started(postmortem: Postmortem) -> datetime:
    """When the current review round was asked for: since then the draft could not change."""
    asked = Review.objects.filter(postmortem=postmortem, round=postmortem.review_round)
    first = asked.order_by("requested_at").values_list("requested_at", flat=True).first()
    return first or timezone.now()


def _decide(review: Review, decision: str, answers: dict[str, bool], comment: str) -> None:
    if len(comment) > 20_000:
        raise ValidationError(
            {"comment": _("The comment is too long (at most 20,000 characters).")}
        )
    review.decision = decision
    review.checklist = answers
    review.comment = comment.strip()
    review.decided_at = timezone.now()
    review.save()


@transaction.atomic
def record_meeting_note(
    *,
    actor: User,
    postmortem: Postmortem,
    held_on: date,
    notes: str,
    attendees: str = "",
    meeting: ReviewMeeting | None = None,
) -> ReviewMeetingNote:
    """The notes of a meeting held; ``meeting``, one of the postmortem's meetings that took
    place, is the one they are attached to."""
    access.require(access.can_edit_postmortem(actor, postmortem))
    errors = {}
    if meeting is not None and not postmortem.meetings.held().filter(pk=meeting.pk).exists():
        errors["meeting"] = _("Choose a meeting of this postmortem that took place.")
    if not notes.strip():
        errors["notes"] = _("The notes are empty.")
    elif len(notes) > 50_000:
        errors["notes"] = _("The notes are too long (at most 50,000 characters).")
    if len(attendees) > 1000:
        errors["attendees"] = _("At most 1,000 characters.")
    if held_on > timezone.localdate():
        errors["held_on"] = _("The meeting cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    note = ReviewMeetingNote.objects.create(
        postmortem=postmortem,
        meeting=meeting,
        held_on=held_on,
        attendees=attendees.strip(),
        notes=notes.strip(),
        recorded_by=actor,
    )
    events.emit(
        MEETING_NOTE_RECORDED, actor_id=actor.pk, postmortem_id=postmortem.pk, object_id=note.pk
    )
    return note
