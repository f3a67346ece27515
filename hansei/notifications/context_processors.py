"""The unread count in the top bar, counted only when a page shows it."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.http import HttpRequest

from hansei import access


class InboxBadge:
    def __init__(self, user: Any) -> None:
        self.user = user

    @cached_property
    def unread(self) -> int:
        if not (self.user is not None and self.user.is_authenticated):
            return 0
        return access.notifications_visible_to(self.user).unread().count()


def inbox(request: HttpRequest) -> dict[str, Any]:
    return {"hansei_inbox": InboxBadge(getattr(request, "user", None))}
