"""The live unread count: after a change to someone's inbox commits, their open pages hear
"your inbox changed" over a WebSocket (``consumers.InboxConsumer``) and fetch the count again
through the ordinary page. The event carries nothing else, so it cannot leak anything."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

log = logging.getLogger(__name__)


def inbox_group(user_id: int) -> str:
    return f"inbox.{user_id}"


def inbox_changed_on_commit(user_ids: Iterable[int]) -> None:
    """Once the caller's transaction commits (never if it rolls back)."""
    ids = sorted(set(user_ids))
    if ids:
        transaction.on_commit(partial(_tell_pages, ids), robust=True)


def _tell_pages(user_ids: list[int]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    send = async_to_sync(layer.group_send)
    for user_id in user_ids:
        try:
            send(inbox_group(user_id), {"type": "inbox.changed"})
        except Exception:  # a page that misses it catches up at its next load
            log.warning("could not tell the open pages of user %s", user_id, exc_info=True)
