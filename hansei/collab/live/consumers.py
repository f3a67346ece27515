"""WebSocket endpoints: the Yjs room of a postmortem, and its page-events stream."""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer, AsyncWebsocketConsumer
from django.http import Http404

from hansei import access
from hansei.collab.live import broadcast, protocol
from hansei.collab.live.broadcast import events_group
from hansei.collab.live.rooms import ROOMS, Room

log = logging.getLogger(__name__)

CLOSE_FORBIDDEN = 4403
CLOSE_PROTOCOL = 4400
MAX_FRAME = 2 * 1024 * 1024


def _live_access(user: Any, postmortem_id: int) -> tuple[bool, bool]:
    """(may join, may write now) for the live document of a postmortem."""
    try:
        postmortem = access.get_postmortem_for_user(user, postmortem_id)
    except Http404:
        return False, False
    joined = access.can_join_live_document(user, postmortem)
    return joined, joined and access.can_change_draft(user, postmortem)


def _may_watch(user: Any, postmortem_id: int) -> bool:
    """The page's events are for those who read its live content: while an amendment is
    drafted, even "something changed" would tell outside readers how the draft moves."""
    try:
        postmortem = access.get_postmortem_for_user(user, postmortem_id)
    except Http404:
        return False
    return access.can_read_live_content(user, postmortem)


class YjsConsumer(AsyncWebsocketConsumer):
    """Speaks the y-websocket protocol for ``/ws/collab/postmortem-<id>``.

    Permissions are checked when the socket connects (who may join) and again, against the
    database, for every batch of writes (the postmortem may have left draft meanwhile)."""

    room: Room | None = None
    user_id = 0
    # The room relays between processes once per room; a socket needs no channel of its own.
    channel_layer_alias = "hansei-no-layer"

    async def connect(self) -> None:
        user = self.scope.get("user")
        postmortem_id = broadcast.postmortem_id_of(self.scope["url_route"]["kwargs"]["room"])
        may_join = False
        if user is not None and user.is_authenticated and postmortem_id is not None:
            may_join, self.may_write = await sync_to_async(_live_access)(user, postmortem_id)
        if not may_join or postmortem_id is None:
            # Accept, then close with 4403: y-websocket clients treat 44xx as final and stop
            # reconnecting (a refused handshake would make them retry forever).
            await self.accept()
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.user = user
        self.user_id = user.pk
        await self.accept()
        self.room = await ROOMS.join(postmortem_id, self)

    async def disconnect(self, code: int) -> None:
        if self.room is not None:
            room, self.room = self.room, None
            await ROOMS.leave(room, self)

    async def send_frame(self, frame: bytes) -> None:
        try:
            await self.send(bytes_data=frame)
        except Exception:  # the socket went away; disconnect() cleans up
            log.debug("could not send to a closed socket")

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        room = self.room
        if room is None or bytes_data is None:
            return
        if len(bytes_data) > MAX_FRAME:
            await self.close(code=CLOSE_PROTOCOL)
            return
        try:
            message = protocol.parse(bytes_data)
            if message.kind == protocol.MESSAGE_SYNC:
                if message.step == protocol.SYNC_STEP1:
                    await room.answer_step1(self, message.payload)
                elif self.may_write:
                    room.submit(self, message.payload)
                elif message.payload != broadcast.EMPTY_UPDATE:
                    await self.send_frame(protocol.permission_denied("read-only"))
            elif message.kind == protocol.MESSAGE_AWARENESS:
                try:
                    await room.receive_awareness(self, self.user, message.payload)
                except protocol.ProtocolError as error:  # presence only: drop it, keep editing
                    log.info("ignored an awareness update: %s", error)
            elif message.kind == protocol.MESSAGE_QUERY_AWARENESS:
                await room.answer_awareness_query(self)
        except protocol.ProtocolError as error:
            log.info("closing a socket that broke the protocol: %s", error)
            await self.close(code=CLOSE_PROTOCOL)


class EventsConsumer(AsyncJsonWebsocketConsumer):
    """``/ws/postmortems/<id>/events/``: ``{"type": "changed", "parts": [...]}`` when a part
    of the page changes. Events carry no content; the page re-fetches the part."""

    group = ""

    async def connect(self) -> None:
        user = self.scope.get("user")
        postmortem_id = int(self.scope["url_route"]["kwargs"]["pk"])
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        if not await sync_to_async(_may_watch)(user, postmortem_id):
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.group = events_group(postmortem_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """Pages only listen: whatever they send (text, binary, not JSON) is ignored."""

    async def postmortem_changed(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "changed", "parts": event["parts"]})
