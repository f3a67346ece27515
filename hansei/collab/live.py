"""Telling open pages about changes, across processes, through the Channels layer.

Two groups per postmortem: ``collab.room.<id>`` carries Yjs updates between the rooms of
different server processes; ``collab.events.<id>`` carries "this part changed" events to the
pages' event sockets, which then re-fetch the part through the ordinary, permission-checked
page (an event never carries content, so it cannot leak any).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

log = logging.getLogger(__name__)

# The parts of a postmortem page that update live.
PARTS = ("timeline", "action_items", "status", "review", "comments", "analysis", "sections")


def room_group(postmortem_id: int) -> str:
    return f"collab.room.{postmortem_id}"


def events_group(postmortem_id: int) -> str:
    return f"collab.events.{postmortem_id}"


def _send(group: str, message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    try:
        if loop is not None:
            # Called from code running inside an event loop's thread (a test driving a
            # browser): async_to_sync cannot block here, so hand the send to that loop.
            coroutine: Coroutine[Any, Any, None] = layer.group_send(group, message)
            loop.create_task(coroutine)
        else:
            async_to_sync(layer.group_send)(group, message)
    except Exception:  # a missed event only delays a page refresh: never fail the change
        log.warning("could not send %s to %s", message.get("type"), group, exc_info=True)


def broadcast_change(postmortem_id: int, *parts: str) -> None:
    """After commit, tell open pages of the postmortem that ``parts`` changed."""
    unknown = set(parts) - set(PARTS)
    if unknown:
        raise ValueError(f"unknown live parts: {sorted(unknown)}")
    message = {"type": "postmortem.changed", "parts": list(parts)}
    transaction.on_commit(lambda: _send(events_group(postmortem_id), message))


def broadcast_update(postmortem_id: int, update: bytes) -> None:
    """After commit, hand a Yjs update written outside a room (a form, the API, a restore) to
    the rooms open in every process."""
    message = {"type": "room.update", "update": update, "origin": "db"}
    transaction.on_commit(lambda: _send(room_group(postmortem_id), message))
