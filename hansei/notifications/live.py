"""The live unread count: after a change to someone's inbox commits, their open pages hear
"your inbox changed" over a WebSocket (``consumers.InboxConsumer``) and fetch the count again
through the ordinary page. The event carries nothing else, so it cannot leak anything."""

from __future__ import annotations

from collections.abc import Iterable

from hansei.core.sockets import tell_on_commit


def inbox_group(user_id: int) -> str:
    return f"inbox.{user_id}"


def inbox_changed_on_commit(user_ids: Iterable[int]) -> None:
    """Once the caller's transaction commits (never if it rolls back)."""
    tell_on_commit((inbox_group(pk) for pk in user_ids), "inbox.changed")
