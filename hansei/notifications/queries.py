"""Read-only questions for notifications: who hears of a publication or of a comment,
and where a thread is."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q
from django.urls import reverse

from hansei.accounts.models import User
from hansei.incidents.models import PostmortemPolicy
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
