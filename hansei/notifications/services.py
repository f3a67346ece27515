"""Who hears about what, and the choices people make about it: preferences, what they
follow, unsubscribing, marking read. Every message goes through ``dispatch.send`` inside the
caller's transaction, so a change that rolls back tells nobody and the worker delivers the
rest after commit."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from hansei import access
from hansei.accounts.models import Team, User, hash_token
from hansei.action_items.models import ActionItem
from hansei.collab.comments.models import Comment
from hansei.core import audit
from hansei.core.errors import InvalidState
from hansei.core.jobs import enqueue, enqueue_many
from hansei.core.models import Job
from hansei.incidents.models import Service, Severity
from hansei.notifications import kinds, reasons
from hansei.notifications.dispatch import DELIVERY_ATTEMPTS, EMAIL_JOB, Message, send
from hansei.notifications.live import inbox_changed_on_commit
from hansei.notifications.models import (
    Channel,
    DigestChoice,
    FeedToken,
    Frequency,
    Notification,
    NotificationKind,
    Preference,
    ReadRequest,
    Subscription,
    WorkingHours,
)
from hansei.notifications.queries import (
    announcement_recipients,
    followers_of,
    team_members,
    thread_participants,
    thread_url,
)
from hansei.notifications.reasons import Reason
from hansei.notifications.unsubscribe import Stop
from hansei.postmortems.document.models import Postmortem, ReadReceipt, Revision
from hansei.reviews.models import Decision, Review
from hansei.search.saved import searches_matching


def _page(postmortem: Postmortem) -> str:
    return reverse("postmortems:detail", args=[postmortem.pk])


def announce_publication(*, revision: Revision) -> None:
    """A publication (or amendment) reaches the team, the followers (as they choose) and,
    unless restricted, the announcement lists."""
    postmortem = revision.postmortem
    message = Message(
        kind=NotificationKind.PUBLISHED,
        postmortem=postmortem,
        actor=revision.published_by,
        key=f"revision:{revision.pk}",
        text=kinds.PUBLISHED_TEXT if revision.number == 1 else kinds.AMENDED_TEXT,
        url=_page(postmortem),
        email="published",
        ids={"revision": revision.pk},
    )
    member = Reason("member", postmortem.team.name)
    followers = followers_of(postmortem)
    # A saved search hears of a new postmortem, not of an amendment.
    searches = searches_matching(postmortem) if revision.number == 1 else []
    told = send(
        message,
        [
            *[(user, reason) for user, reason in followers if reason.code == "postmortem"],
            *[(user, member) for user in team_members(postmortem.team)],
            *followers,
            *[(user, Reason("saved_search", saved.name)) for user, saved in searches],
        ],
    )
    personal = {user.email.casefold() for user in told if user.email}
    lists = [a for a in announcement_recipients(postmortem) if a.casefold() not in personal]
    enqueue_many(
        EMAIL_JOB,
        [
            (
                f"{message.key}:list:{address}",
                {
                    "template": "published",
                    "address": address,
                    "postmortem": postmortem.pk,
                    "actor": revision.published_by_id,
                    "ids": message.ids,
                    "url": message.url,
                    "key": f"{message.key}:list:{address}",
                },
            )
            for address in lists
        ],
        max_attempts=DELIVERY_ATTEMPTS,
    )


def announce_submission(*, postmortem: Postmortem, actor: User | None) -> None:
    """Followers hear that a postmortem they follow went to review (if they may read it)."""
    latest = postmortem.reviews.order_by("-pk").values_list("pk", flat=True).first()
    message = Message(
        kind=NotificationKind.SUBMITTED,
        postmortem=postmortem,
        actor=actor,
        key=f"submission:{postmortem.pk}:{latest}",
        text=kinds.SUBMITTED_TEXT,
        url=_page(postmortem),
        email="submitted",
    )
    send(message, followers_of(postmortem))


def notify_review_requested(*, reviews: list[Review]) -> None:
    for review in reviews:
        message = Message(
            kind=NotificationKind.REVIEW_REQUESTED,
            postmortem=review.postmortem,
            actor=review.requested_by,
            key=f"review:{review.pk}",
            text=kinds.REVIEW_REQUESTED_TEXT,
            url=reverse("reviews:review", args=[review.postmortem_id, review.pk]),
            email="review_requested",
            ids={"review": review.pk},
        )
        send(message, [(review.reviewer, reasons.ASKED)])


def notify_decision(*, review: Review) -> None:
    """Tell the owner that a reviewer approved their postmortem or asked for changes."""
    postmortem = review.postmortem
    changes = review.decision == Decision.CHANGES_REQUESTED
    anchor = "#changes-requested" if changes else ""
    message = Message(
        kind=NotificationKind.CHANGES_REQUESTED if changes else NotificationKind.APPROVED,
        postmortem=postmortem,
        actor=review.reviewer,
        key=f"decision:{review.pk}:{review.decided_at.timestamp() if review.decided_at else 0}",
        text=kinds.CHANGES_REQUESTED_TEXT if changes else kinds.APPROVED_TEXT,
        url=_page(postmortem) + anchor,
        email="changes_requested" if changes else "approved",
        ids={"review": review.pk},
    )
    send(message, [(postmortem.owner, reasons.OWNER)])


def notify_postmortem_owner(*, postmortem: Postmortem) -> None:
    """Tell the owner of a draft an intake webhook created that it is theirs to write."""
    message = Message(
        kind=NotificationKind.ASSIGNED,
        postmortem=postmortem,
        actor=None,
        key=f"assigned:{postmortem.pk}:{postmortem.owner_id}",
        text=kinds.ASSIGNED_TEXT,
        url=_page(postmortem),
        email="postmortem_assigned",
    )
    send(message, [(postmortem.owner, reasons.OWNER)])


def notify_comment(*, comment: Comment, mentioned: Iterable[User]) -> None:
    """Tell the people ``comment`` mentions (by e-mail too, as they choose) and the thread's
    other participants. Never its author, never anyone who may not read the thread."""
    thread = comment.thread

    def message(kind: NotificationKind, text: str, email: str) -> Message:
        return Message(
            kind=kind,
            postmortem=thread.postmortem,
            actor=comment.author,
            key=f"comment:{comment.pk}",
            text=text,
            url=thread_url(comment),
            email=email,
            ids={"comment": comment.pk},
            at=comment.created_at,
        )

    readable = [user for user in mentioned if access.can_view_comment_thread(user, thread)]
    told = send(
        message(NotificationKind.MENTION, kinds.MENTION_TEXT, "mention"),
        [(user, reasons.MENTIONED) for user in readable],
    )
    told_ids = {user.pk for user in told}
    participants = [
        user
        for user in thread_participants(comment)
        if user.pk not in told_ids and access.can_view_comment_thread(user, thread)
    ]
    send(
        message(NotificationKind.COMMENT, kinds.REPLY_TEXT, "reply"),
        [(user, reasons.PARTICIPANT) for user in participants],
    )


def _item_url(item: ActionItem) -> str:
    return reverse("action_items:edit", args=[item.pk])


def notify_action_item_assigned(*, item: ActionItem, actor: User | None) -> None:
    """The new owner hears of it (not when they took it themselves)."""
    if item.owner is None:
        return
    message = Message(
        kind=NotificationKind.ACTION_ITEM_ASSIGNED,
        postmortem=item.postmortem,
        actor=actor,
        key=f"item:{item.pk}:owner:{item.owner_id}:{timezone.now().timestamp()}",
        text=kinds.ITEM_ASSIGNED_TEXT,
        url=_item_url(item),
        email="action_item_assigned",
        ids={"item": item.pk},
        item=item,
        values={"item": Truncator(item.title).chars(120)},
    )
    send(message, [(item.owner, reasons.ITEM_OWNER)])


def notify_action_item_closed(*, item: ActionItem, actor: User | None) -> None:
    """The postmortem's owner hears that one of its follow-ups is done (or dropped)."""
    postmortem = item.postmortem
    message = Message(
        kind=NotificationKind.ACTION_ITEM_CLOSED,
        postmortem=postmortem,
        actor=actor,
        key=f"item:{item.pk}:closed:{item.completed_at.timestamp() if item.completed_at else 0}",
        text=kinds.ITEM_DONE_TEXT,
        url=_item_url(item),
        email="action_item_closed",
        ids={"item": item.pk},
        item=item,
        values={"item": Truncator(item.title).chars(120)},
    )
    send(message, [(postmortem.owner, reasons.OWNER)])


# --- what people choose ------------------------------------------------------------------


@transaction.atomic
def set_preferences(*, actor: User, choices: dict[tuple[str, str], bool]) -> None:
    """Record ``actor``'s choice for each (kind, channel) given; the others keep theirs."""
    for (kind, channel), enabled in choices.items():
        if kind not in kinds.SPECS or channel not in Channel.values:
            raise ValueError(f"no such kind or channel: {kind} {channel}")
        Preference.objects.update_or_create(
            user=actor, kind=kind, channel=channel, defaults={"enabled": bool(enabled)}
        )


def set_digest(*, actor: User, frequency: str) -> None:
    """How often ``actor`` gets the digest of what needs them."""
    if frequency not in Frequency.values:
        raise ValueError(f"no such frequency: {frequency}")
    DigestChoice.objects.update_or_create(user=actor, defaults={"frequency": frequency})


def set_working_hours(*, actor: User, start_hour: int, end_hour: int) -> None:
    """The hours (``actor``'s time, Monday to Friday) reminders and digests may reach them."""
    if not 0 <= start_hour < end_hour <= 24:
        raise ValueError(f"bad hours: {start_hour}-{end_hour}")
    WorkingHours.objects.update_or_create(
        user=actor, defaults={"start_hour": start_hour, "end_hour": end_hour}
    )


def follow(
    *, actor: User, target: Postmortem | Team | Service | Severity
) -> tuple[Subscription, bool]:
    """``actor`` follows ``target`` (following it again changes nothing); True if new."""
    access.require(access.is_signed_in(actor))
    if isinstance(target, Postmortem):
        access.require(access.can_view_postmortem(actor, target))
    field = {Postmortem: "postmortem", Team: "team", Service: "service", Severity: "severity"}
    lookup: dict[str, Any] = {field[type(target)]: target}
    with transaction.atomic():
        return Subscription.objects.get_or_create(user=actor, **lookup)


def unfollow(*, actor: User, subscription: Subscription) -> None:
    access.require(subscription.user_id == actor.pk)
    subscription.delete()


@transaction.atomic
def unsubscribe_by_link(*, stop: Stop) -> None:
    """What a signed unsubscribe link stops: its subscription, its digest, or that kind of
    message on the channel it came by."""
    if stop.subscription is not None:
        stop.subscription.delete()
    elif stop.digest:
        set_digest(actor=stop.user, frequency=Frequency.OFF)
    elif stop.kind:
        set_preferences(actor=stop.user, choices={(stop.kind, stop.channel): False})


TEST_EMAIL_JOB = "notifications.test_email"


def send_test_email(*, actor: User) -> Job | None:
    """Queue a test e-mail to ``actor`` (an admin checking the mail settings) through the
    outbox: it is retried briefly, and a failure shows in the job queue with its reason."""
    access.require(access.can_administer(actor))
    if not actor.email:
        raise ValueError("no e-mail address")
    key = f"test-email:{actor.pk}:{timezone.now().timestamp()}"
    return enqueue(TEST_EMAIL_JOB, {"to": actor.email, "key": key}, key=key, max_attempts=3)


def mark_notification_read(*, actor: User, notification: Notification) -> Notification:
    """Mark one of ``actor``'s notifications read (reading it twice changes nothing)."""
    access.require(notification.recipient_id == actor.pk)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
        inbox_changed_on_commit([actor.pk])
    return notification


def mark_all_notifications_read(*, actor: User) -> int:
    """Mark every unread notification of ``actor`` read; how many were."""
    unread: QuerySet[Notification] = Notification.objects.filter(
        recipient=actor, read_at__isnull=True
    )
    count = unread.update(read_at=timezone.now())
    if count:
        inbox_changed_on_commit([actor.pk])
    return count


# --- the private feed ---------------------------------------------------------------------


@transaction.atomic
def reset_feed_token(*, actor: User) -> str:
    """A new private feed address for ``actor`` (the old one stops working); the raw token
    is returned once and never stored."""
    access.require(actor.is_authenticated and actor.is_active)
    FeedToken.objects.filter(user=actor).delete()
    raw = secrets.token_urlsafe(32)
    FeedToken.objects.create(user=actor, key_hash=hash_token(raw))
    audit.record("feed_token.reset", actor=actor, target=actor)
    return raw


def feed_owner(raw: str) -> User | None:
    """Whose feed address ``raw`` is (an active person's), noting when it was last read;
    None for an address that was never made, was reset or turned off."""
    found = (
        FeedToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), user__is_active=True)
        .first()
    )
    if found is None:
        return None
    FeedToken.objects.filter(pk=found.pk).update(last_read_at=timezone.now())
    return found.user


@transaction.atomic
def revoke_feed_token(*, actor: User) -> None:
    deleted, _rows = FeedToken.objects.filter(user=actor).delete()
    if deleted:
        audit.record("feed_token.revoked", actor=actor, target=actor)


# --- asking a team to read ------------------------------------------------------------------


def unread_members(postmortem: Postmortem, team: Team) -> list[User]:
    """The team's active members who may read ``postmortem`` and have not read its latest
    revision."""
    latest = postmortem.latest_revision()
    if latest is None:
        return []
    done = ReadReceipt.objects.filter(postmortem=postmortem, revision__gte=latest.number)
    members = User.objects.filter(memberships__team=team, is_active=True).exclude(
        pk__in=done.values("user_id")
    )
    return [user for user in members.distinct() if access.can_view_postmortem(user, postmortem)]


@transaction.atomic
def ask_team_to_read(*, actor: User, postmortem: Postmortem, team: Team) -> list[User]:
    """Ask ``team`` to read a published postmortem: who has not read it is told now (as they
    choose to hear of it), and reminded once later. Asking again tells only the new unread."""
    access.require(
        access.can_ask_team_to_read(actor, team),
        _("Only the team's leads (or an admin) can ask it to read a postmortem."),
    )
    if postmortem.published_at is None or postmortem.latest_revision() is None:
        raise InvalidState(_("Only a published postmortem can be given to a team to read."))
    request, _created = ReadRequest.objects.update_or_create(
        postmortem=postmortem, team=team, defaults={"requested_by": actor}
    )
    message = Message(
        kind=NotificationKind.READ_REQUESTED,
        postmortem=postmortem,
        actor=actor,
        key=f"read:{request.pk}",
        text=kinds.READ_REQUESTED_TEXT,
        url=_page(postmortem),
        email="read_requested",
    )
    people = unread_members(postmortem, team)
    audit.record(
        "postmortem.read_requested",
        actor=actor,
        target=postmortem,
        changes={"team": team.name, "told": len(people)},
    )
    return send(message, [(user, Reason("member", team.name)) for user in people])
