"""Who hears about what. Messages are queued as jobs inside the caller's transaction, so a
change that rolls back sends nothing, and the worker delivers them after commit."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hansei import access
from hansei.accounts.models import User
from hansei.core.http import absolute_url
from hansei.core.jobs import enqueue
from hansei.notifications.models import Notification, NotificationKind
from hansei.postmortems.document.models import Postmortem, Revision
from hansei.reviews.models import Review

if TYPE_CHECKING:
    from hansei.collab.comments.models import Comment
from hansei.notifications.queries import announcement_recipients, thread_participants, thread_url


def queue_email(
    *, to: Iterable[str], template: str, context: dict[str, Any], language: str = "en"
) -> None:
    recipients = sorted({address for address in to if address})
    if not recipients:
        return
    with translation.override(language):
        # Subject and text body are plain text: rendered without HTML escaping.
        subject = render_to_string(
            f"notifications/email/{template}_subject.txt", context, using="text"
        )
        body = render_to_string(f"notifications/email/{template}.txt", context, using="text")
        html = render_to_string(f"notifications/email/{template}.html", context)
    enqueue(
        "notifications.send_email",
        {"to": recipients, "subject": " ".join(subject.split()), "body": body, "html": html},
    )


# The inbox lines (translated when sent, in the recipient's language).
REVIEW_REQUESTED_TEXT = gettext_noop("%(who)s asked you to review “%(title)s”")
CHANGES_REQUESTED_TEXT = gettext_noop("%(who)s requested changes on “%(title)s”")
APPROVED_TEXT = gettext_noop("%(who)s approved “%(title)s”")
MENTION_TEXT = gettext_noop("%(who)s mentioned you on “%(title)s”")
REPLY_TEXT = gettext_noop("%(who)s replied on “%(title)s”")
ASSIGNED_TEXT = gettext_noop("“%(title)s” is yours to write")
PUBLISHED_TEXT = gettext_noop("%(who)s published “%(title)s”")
AMENDED_TEXT = gettext_noop("%(who)s published an amendment of “%(title)s”")


def announce_publication(*, revision: Revision) -> None:
    postmortem = revision.postmortem
    summary = postmortem.sections.filter(key__in=["summary", "gaiyou"]).first()
    context = {
        "postmortem": postmortem,
        "revision": revision,
        "summary": summary.body if summary else "",
        "url": absolute_url(reverse("postmortems:detail", args=[postmortem.pk])),
        "incidents": list(postmortem.incidents.select_related("severity")),
    }
    queue_email(
        to=announcement_recipients(postmortem),
        template="published",
        context=context,
        language=postmortem.language,
    )
    tell_team_of_publication(revision=revision)


def tell_team_of_publication(*, revision: Revision) -> None:
    """The team's inbox hears of its postmortem's publication (or amendment): every active
    member who may read it, except whoever published it."""
    postmortem = revision.postmortem
    text = PUBLISHED_TEXT if revision.number == 1 else AMENDED_TEXT
    members = User.objects.filter(memberships__team=postmortem.team, is_active=True).distinct()
    for member in members.exclude(pk=revision.published_by_id or 0):
        if access.can_view_postmortem(member, postmortem):
            _tell(
                recipient=member,
                actor=revision.published_by,
                kind=NotificationKind.PUBLISHED,
                postmortem=postmortem,
                text=text,
                url=reverse("postmortems:detail", args=[postmortem.pk]),
            )


def _tell(
    *,
    recipient: User,
    actor: User | None,
    kind: NotificationKind,
    postmortem: Postmortem,
    text: str,
    url: str,
    at: datetime | None = None,
) -> Notification:
    """An inbox entry for ``recipient``. ``text`` has %(who)s and %(title)s, filled in the
    recipient's language with the title they may see. ``at``: when it happened (now)."""
    with translation.override(recipient.language or "en"):
        title = Truncator(access.title_shown_to(recipient, postmortem)).chars(120)
        who = actor.name if actor else _("Someone")
        line = Truncator(_(text) % {"who": who, "title": title}).chars(300)
    return Notification.objects.create(
        recipient=recipient,
        actor=actor,
        kind=kind,
        postmortem=postmortem,
        text=line,
        url=url,
        created_at=at or timezone.now(),  # now: the demo replays its history on a clock
    )


def notify_review_requested(*, reviews: list[Review]) -> None:
    for review in reviews:
        url = reverse("reviews:review", args=[review.postmortem_id, review.pk])
        _tell(
            recipient=review.reviewer,
            actor=review.requested_by,
            kind=NotificationKind.REVIEW_REQUESTED,
            postmortem=review.postmortem,
            text=REVIEW_REQUESTED_TEXT,
            url=url,
        )
        queue_email(
            to=[review.reviewer.email],
            template="review_requested",
            context={"review": review, "postmortem": review.postmortem, "url": absolute_url(url)},
            language=review.reviewer.language or "en",
        )


def notify_changes_requested(*, review: Review) -> None:
    postmortem = review.postmortem
    _tell(
        recipient=postmortem.owner,
        actor=review.reviewer,
        kind=NotificationKind.CHANGES_REQUESTED,
        postmortem=postmortem,
        text=CHANGES_REQUESTED_TEXT,
        url=reverse("postmortems:detail", args=[postmortem.pk]) + "#changes-requested",
    )
    queue_email(
        to=[postmortem.owner.email],
        template="changes_requested",
        context={
            "review": review,
            "postmortem": postmortem,
            "url": absolute_url(reverse("postmortems:detail", args=[postmortem.pk])),
        },
        language=postmortem.owner.language or "en",
    )


def notify_approved(*, review: Review) -> None:
    """Tell the owner (in the inbox) that a reviewer approved their postmortem."""
    postmortem = review.postmortem
    if review.reviewer_id == postmortem.owner_id:
        return
    _tell(
        recipient=postmortem.owner,
        actor=review.reviewer,
        kind=NotificationKind.APPROVED,
        postmortem=postmortem,
        text=APPROVED_TEXT,
        url=reverse("reviews:review", args=[postmortem.pk, review.pk]),
    )


def notify_postmortem_owner(*, postmortem: Postmortem, reasons: list[str]) -> None:
    """Tell the owner of a draft an intake webhook created that it is theirs to write."""
    owner = postmortem.owner
    _tell(
        recipient=owner,
        actor=None,
        kind=NotificationKind.ASSIGNED,
        postmortem=postmortem,
        text=ASSIGNED_TEXT,
        url=reverse("postmortems:detail", args=[postmortem.pk]),
    )
    queue_email(
        to=[owner.email],
        template="postmortem_assigned",
        context={
            "postmortem": postmortem,
            "incidents": list(postmortem.incidents.select_related("severity")),
            "reasons": reasons,
            "owner": owner,
            "url": absolute_url(reverse("postmortems:detail", args=[postmortem.pk])),
        },
        language=owner.language or "en",
    )


def _notify(*, recipient: User, comment: Comment, kind: NotificationKind) -> Notification:
    text = MENTION_TEXT if kind == NotificationKind.MENTION else REPLY_TEXT
    return _tell(
        recipient=recipient,
        actor=comment.author,
        kind=kind,
        postmortem=comment.thread.postmortem,
        text=text,
        url=thread_url(comment),
        at=comment.created_at,
    )


def notify_comment(*, comment: Comment, mentioned: Iterable[User]) -> None:
    """Tell the people ``comment`` mentions (in the inbox and by e-mail, in their language)
    and the thread's other participants (in the inbox). Never its author, never anyone who
    may not read the thread."""
    thread = comment.thread
    told: set[int] = {comment.author_id} if comment.author_id else set()
    for user in mentioned:
        if (
            user.pk in told
            or not user.is_active
            or not access.can_view_comment_thread(user, thread)
        ):
            continue
        told.add(user.pk)
        _notify(recipient=user, comment=comment, kind=NotificationKind.MENTION)
        _email_mention(recipient=user, comment=comment)
    for user in thread_participants(comment):
        if user.pk in told or not access.can_view_comment_thread(user, thread):
            continue
        told.add(user.pk)
        _notify(recipient=user, comment=comment, kind=NotificationKind.COMMENT)


def _email_mention(*, recipient: User, comment: Comment) -> None:
    postmortem = comment.thread.postmortem
    queue_email(
        to=[recipient.email],
        template="mention",
        context={
            "comment": comment,
            "thread": comment.thread,
            "postmortem": postmortem,
            "title": access.title_shown_to(recipient, postmortem),
            "who": comment.author.name if comment.author else "",
            "recipient": recipient,
            "url": absolute_url(thread_url(comment)),
        },
        language=recipient.language or "en",
    )


def mark_notification_read(*, actor: User, notification: Notification) -> Notification:
    """Mark one of ``actor``'s notifications read (reading it twice changes nothing)."""
    access.require(notification.recipient_id == actor.pk)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def mark_all_notifications_read(*, actor: User) -> int:
    """Mark every unread notification of ``actor`` read; how many were."""
    unread: QuerySet[Notification] = Notification.objects.filter(
        recipient=actor, read_at__isnull=True
    )
    return unread.update(read_at=timezone.now())
