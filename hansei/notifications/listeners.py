"""Who is told what, when something happens. Registered by ``NotificationsConfig.ready``."""

from __future__ import annotations

from hansei.accounts.models import User
from hansei.action_items.events import ACTION_ITEM_ASSIGNED, ACTION_ITEM_CLOSED
from hansei.action_items.models import ActionItem
from hansei.collab.comments.events import COMMENT_POSTED
from hansei.collab.comments.models import Comment
from hansei.core import events
from hansei.core.events import Event
from hansei.notifications import services
from hansei.notifications.meetings import send_meeting_invitations
from hansei.postmortems.document.models import Postmortem, Revision
from hansei.postmortems.events import POSTMORTEM_DRAFTED_FOR_OWNER, POSTMORTEM_PUBLISHED
from hansei.reviews.events import (
    MEETING_CANCELLED,
    MEETING_SCHEDULED,
    MEETING_UPDATED,
    POSTMORTEM_SUBMITTED,
    REVIEW_DECIDED,
    REVIEW_REQUESTED,
)
from hansei.reviews.models import Decision, Review, ReviewMeeting


def announce_publication(event: Event) -> None:
    services.announce_publication(revision=Revision.objects.get(pk=event.id_of("object_id")))


def tell_reviewer(event: Event) -> None:
    services.notify_review_requested(reviews=[Review.objects.get(pk=event.id_of("object_id"))])


def tell_owner_of_decision(event: Event) -> None:
    review = Review.objects.select_related("postmortem__owner", "reviewer").get(
        pk=event.id_of("object_id")
    )
    if review.decision in (Decision.CHANGES_REQUESTED, Decision.APPROVED):
        services.notify_decision(review=review)


def tell_followers_of_submission(event: Event) -> None:
    services.announce_submission(
        postmortem=Postmortem.objects.select_related("team").get(pk=event.id_of("postmortem_id")),
        actor=_actor(event),
    )


def tell_mentioned_and_participants(event: Event) -> None:
    comment = Comment.objects.select_related("thread__postmortem", "author").get(
        pk=event.id_of("object_id")
    )
    services.notify_comment(comment=comment, mentioned=comment.mentions.all())


def tell_owner_of_intake_draft(event: Event) -> None:
    services.notify_postmortem_owner(
        postmortem=Postmortem.objects.select_related("owner").get(pk=event.id_of("postmortem_id"))
    )


def tell_owner_of_item(event: Event) -> None:
    item = ActionItem.objects.select_related("owner", "postmortem").get(pk=event.id_of("object_id"))
    services.notify_action_item_assigned(item=item, actor=_actor(event))


def tell_postmortem_owner_of_closed_item(event: Event) -> None:
    item = ActionItem.objects.select_related("postmortem__owner").get(pk=event.id_of("object_id"))
    services.notify_action_item_closed(item=item, actor=_actor(event))


def invite_to_meeting(event: Event) -> None:
    meeting = ReviewMeeting.objects.select_related("postmortem").get(pk=event.id_of("object_id"))
    send_meeting_invitations(meeting=meeting, actor=_actor(event))


def _actor(event: Event) -> User | None:
    return User.objects.filter(pk=event.actor_id).first() if event.actor_id else None


def register() -> None:
    # Inside the transaction: the inbox rows and the e-mails queued for the worker (the
    # outbox) commit with the change, so nobody hears of a change that was rolled back and
    # a crash after commit loses no message. The worker sends e-mail after commit.
    listen = events.listen
    listen(POSTMORTEM_PUBLISHED, announce_publication, when=events.IN_TRANSACTION)
    listen(POSTMORTEM_SUBMITTED, tell_followers_of_submission, when=events.IN_TRANSACTION)
    listen(REVIEW_REQUESTED, tell_reviewer, when=events.IN_TRANSACTION)
    listen(REVIEW_DECIDED, tell_owner_of_decision, when=events.IN_TRANSACTION)
    listen(COMMENT_POSTED, tell_mentioned_and_participants, when=events.IN_TRANSACTION)
    listen(POSTMORTEM_DRAFTED_FOR_OWNER, tell_owner_of_intake_draft, when=events.IN_TRANSACTION)
    listen(ACTION_ITEM_ASSIGNED, tell_owner_of_item, when=events.IN_TRANSACTION)
    listen(ACTION_ITEM_CLOSED, tell_postmortem_owner_of_closed_item, when=events.IN_TRANSACTION)
    meeting_changes = (MEETING_SCHEDULED, MEETING_UPDATED, MEETING_CANCELLED)
    listen(meeting_changes, invite_to_meeting, when=events.IN_TRANSACTION)
