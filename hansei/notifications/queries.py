"""Read-only questions for notifications: who hears of a publication or of a comment,
and where a thread is."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Q
from django.urls import reverse

from hansei import access
from hansei.accounts.models import User
from hansei.incidents.models import PostmortemPolicy
from hansei.notifications.models import Notification
from hansei.postmortems.document.models import Postmortem

if TYPE_CHECKING:
    from hansei.collab.comments.models import Comment


def announcement_recipients(postmortem: Postmortem) -> list[str]:
    """The distribution list; a restricted postmortem is announced to its team only."""
    if postmortem.restricted:
        members = postmortem.team.memberships.filter(user__is_active=True)
        return [m.user.email for m in members.select_related("user")]
    return PostmortemPolicy.current().recipients()


# --- comments: the in-app inbox, and e-mail for mentions ------------------------------------


def thread_url(comment: Comment) -> str:
    return reverse("postmortems:detail", args=[comment.thread.postmortem_id]) + (
        f"#thread-{comment.thread_id}"
    )


def thread_participants(comment: Comment) -> list[User]:
    """Who took part in the thread before this comment: its author and earlier repliers."""
    thread = comment.thread
    earlier = thread.comments.exclude(pk=comment.pk).values("author_id")
    started = Q(pk=thread.created_by_id) if thread.created_by_id else Q(pk__in=[])
    return list(User.objects.filter(Q(pk__in=earlier) | started, is_active=True).distinct())


@dataclass
class InboxGroup:
    """A postmortem's notifications on one page of the inbox (``postmortem`` None: the rest)."""

    postmortem: Postmortem | None
    title: str
    notifications: list[Notification] = field(default_factory=list)

    @property
    def unread(self) -> int:
        return sum(1 for n in self.notifications if n.read_at is None)


def by_postmortem(reader: User, notifications: list[Notification]) -> list[InboxGroup]:
    """``notifications`` (newest first) grouped by postmortem, the group with the newest
    entry first; titles as ``reader`` may see them."""
    groups: dict[int | None, InboxGroup] = {}
    for notification in notifications:
        postmortem = notification.postmortem
        key = postmortem.pk if postmortem else None
        if key not in groups:
            title = access.title_shown_to(reader, postmortem) if postmortem else ""
            groups[key] = InboxGroup(postmortem, title)
        groups[key].notifications.append(notification)
    return list(groups.values())
