"""Read-only questions about comments."""

from __future__ import annotations

from django.db.models import Q

from hansei import access
from hansei.accounts.models import User
from hansei.collab.comments.models import Comment
from hansei.collab.comments.services import MAX_MENTIONS, mentioned_usernames


def mentioned_but_not_told(comment: Comment) -> list[str]:
    """The usernames ``comment`` mentions of active people who may not read its thread, so
    were not told: its writer hears of them at once rather than wondering why nobody answers.
    (Names that are nobody's are left alone: "@here" or an address is not a mistake.)"""
    names = mentioned_usernames(comment.body)
    if not names:
        return []
    wanted = Q()
    for name in names:
        wanted |= Q(username__iexact=name)
    told = set(comment.mentions.values_list("pk", flat=True))
    people = User.objects.filter(wanted, is_active=True)
    if comment.author_id is not None:
        people = people.exclude(pk=comment.author_id)
    return sorted(
        user.username
        for user in people.order_by("username")[:MAX_MENTIONS]
        if user.pk not in told and not access.can_view_comment_thread(user, comment.thread)
    )
