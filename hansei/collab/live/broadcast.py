"""Telling open pages about changes, across processes, through the Channels layer.

Two groups per postmortem: ``collab.room.<id>`` carries Yjs updates between the rooms of
different server processes; ``collab.events.<id>`` carries "this part changed" events to the
pages' event sockets, which then re-fetch the part through the ordinary, permission-checked
page (an event never carries content, so it cannot leak any).

Page events follow the domain events (``core.events``) of every app: each kind says which parts
of the postmortem page it changes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from hansei.core import events
from hansei.core.events import Event
from hansei.postmortems.document.models import YUpdate
from hansei.postmortems.events import LIVE_TEXT_WRITTEN

log = logging.getLogger(__name__)


ROOM_PREFIX = "postmortem-"
# An update that carries nothing (no new items, no deletions): what a client with no local
# changes sends back during sync.
EMPTY_UPDATE = b"\x00\x00"


def room_name(postmortem_id: int) -> str:
    return f"{ROOM_PREFIX}{postmortem_id}"


def postmortem_id_of(room: str) -> int | None:
    if not room.startswith(ROOM_PREFIX):
        return None
    number = room.removeprefix(ROOM_PREFIX)
    # ASCII digits only: "²".isdigit() is true, and int() refuses it.
    return int(number) if number.isascii() and number.isdigit() and len(number) < 19 else None


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


def tell_open_pages(event: Event) -> None:
    """Tell the open pages of the event's postmortem which of their parts changed."""
    if event.postmortem_id is None or not event.kind.parts:
        return
    message = {"type": "postmortem.changed", "parts": list(event.kind.parts)}
    _send(events_group(event.postmortem_id), message)


def hand_update_to_rooms(event: Event) -> None:
    """Hand a Yjs update written outside a room (a form, the API, a restore) to the rooms open
    in every process. A row already compacted away is in the merged row, which the rooms'
    catch-up reads."""
    data = YUpdate.objects.filter(pk=event.id_of("object_id")).values_list("data", flat=True)
    for update in data:
        message = {"type": "room.update", "update": bytes(update), "origin": "db"}
        _send(room_group(event.id_of("postmortem_id")), message)


def register() -> None:
    # After commit: the channel layer is outside the database. A page told too early would
    # re-fetch the old state, one told of a change that rolled back would re-fetch for
    # nothing, and a room must never apply text that was not stored.
    events.listen(events.EVERY, tell_open_pages, when=events.AFTER_COMMIT)
    events.listen(LIVE_TEXT_WRITTEN, hand_update_to_rooms, when=events.AFTER_COMMIT)
