"""Read-only questions about comments: whom a comment mentions, and whom it could not tell."""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet

from hansei import access
from hansei.accounts.models import User
from hansei.collab.comments.models import Comment

# "@name" not preceded by a name character (so "alice@example.com" mentions nobody).
MENTION = re.compile(r"(?<![\w.@+-])@([\w.+-]+)")
MAX_MENTIONS = 20


def mentioned_usernames(body: str) -> list[str]:
    """The names written as ``@name`` in ``body``, in order, each once; a name followed by
    punctuation ("@bob.") is also tried without it."""
    names: list[str] = []
    for match in MENTION.finditer(body):
        for name in (match.group(1), match.group(1).rstrip(".+-")):
            if name and name.lower() not in (n.lower() for n in names):
                names.append(name)
    return names[: MAX_MENTIONS * 2]


def mentioned_people(body: str) -> QuerySet[User]:
    """The active people ``body`` mentions (whoever they are: callers check who may read)."""
    names = mentioned_usernames(body)
    if not names:
        return User.objects.none()
    wanted = Q()
    for name in names:
        wanted |= Q(username__iexact=name)
    return User.objects.filter(wanted, is_active=True)


def mentioned_but_not_told(comment: Comment) -> list[str]:
    """The usernames ``comment`` mentions of active people who may not read its thread, so
    were not told: its writer hears of them at once rather than wondering why nobody answers.
    (Names that are nobody's are left alone: "@here" or an address is not a mistake.)"""
    told = set(comment.mentions.values_list("pk", flat=True))
    people = mentioned_people(comment.body)
    if comment.author_id is not None:
        people = people.exclude(pk=comment.author_id)
    return sorted(
        user.username
        for user in people.order_by("username")[:MAX_MENTIONS]
        if user.pk not in told and not access.can_view_comment_thread(user, comment.thread)
    )
