"""Rooms: one live document per postmortem per server process.

A room loads its document from the database, answers sync requests itself, and writes every
update to the database BEFORE applying or relaying it (a group commit per batch). That is the
durability guarantee: the room's document, what it sends to anyone and what other processes
receive only ever contain updates already committed, so an edit a client saw acknowledged
(the server's state vector covers it) or a peer received survives a SIGKILL of the server.

Updates reach the other processes' rooms through the Channels layer; because a layer may drop
messages, rooms with other processes around also re-read recent rows from the database.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.conf import settings
from django.utils import timezone
from pycrdt import Doc, merge_updates

from hansei.collab.live import broadcast, presence, protocol
from hansei.collab.live.broadcast import room_group
from hansei.collab.live.writer import WRITER, Client, in_thread, is_crdt_failure
from hansei.postmortems.document import live_text
from hansei.postmortems.history.services import record_periodic_version

if TYPE_CHECKING:
    from hansei.accounts.models import User

log = logging.getLogger(__name__)

PROCESS_ID = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
ROOM_LINGER = 10.0  # seconds a room stays loaded after its last client left
CATCHUP_SETTLE = timedelta(seconds=10)  # rows older than this are assumed committed in order


def _materialize(postmortem_id: int) -> None:
    if live_text.materialize_sections(postmortem_id):
        record_periodic_version(postmortem_id)


class Room:
    def __init__(self, postmortem_id: int) -> None:
        self.postmortem_id = postmortem_id
        self.doc: Doc = Doc()
        self.clients: set[Client] = set()
        # Latest awareness entry per Yjs client id, and which local client sent it.
        self.awareness: dict[int, tuple[protocol.AwarenessEntry, Client | None]] = {}
        self.ready = asyncio.Event()
        self.closed = False
        self.applied_ids: set[int] = set()
        self.catchup_floor = 0
        self.rows_since_compaction = 0
        self.tasks: list[asyncio.Task[None]] = []
        self.save_handle: asyncio.TimerHandle | None = None
        self.linger_handle: asyncio.TimerHandle | None = None
        self.layer = get_channel_layer()
        self.shared = self.layer is not None and not isinstance(self.layer, InMemoryChannelLayer)
        self.channel = ""

    # --- lifecycle ------------------------------------------------------------------------

    async def open(self) -> None:
        if self.layer is not None:
            # Subscribe before loading: an update sent meanwhile is applied twice, never lost.
            self.channel = await self.layer.new_channel()
            await self.layer.group_add(room_group(self.postmortem_id), self.channel)
            self.tasks.append(asyncio.create_task(self._listen()))
        rows = await in_thread(self._load)(self.postmortem_id)
        for pk, data, _created in rows:
            self.doc.apply_update(data)
            self.applied_ids.add(pk)
        self.catchup_floor = max(self.applied_ids, default=0)
        self.rows_since_compaction = len(rows)
        if self.shared:
            self.tasks.append(asyncio.create_task(self._catch_up_loop()))
        self.ready.set()

    @staticmethod
    def _load(postmortem_id: int) -> list[tuple[int, bytes, Any]]:
        live_text.ensure_seeded(postmortem_id)
        return live_text.rows_after(postmortem_id)

    async def close(self) -> None:
        self.closed = True
        await WRITER.flush()
        for task in self.tasks:
            task.cancel()
        if self.layer is not None and self.channel:
            await self.layer.group_discard(room_group(self.postmortem_id), self.channel)
        if self.save_handle is not None:
            self.save_handle.cancel()
        await in_thread(_materialize)(self.postmortem_id)
        if self.rows_since_compaction > 1:
            await in_thread(live_text.compact)(self.postmortem_id)

    # --- clients --------------------------------------------------------------------------

    async def add(self, client: Client) -> None:
        if self.linger_handle is not None:
            self.linger_handle.cancel()
            self.linger_handle = None
        self.clients.add(client)
        await client.send_frame(protocol.sync_step1(self.doc.get_state()))
        states = [entry for entry, _ in self.awareness.values() if entry.state is not None]
        if states:
            await client.send_frame(protocol.awareness_message(protocol.encode_awareness(states)))

    async def remove(self, client: Client) -> None:
        self.clients.discard(client)
        gone = [
            protocol.AwarenessEntry(entry.client_id, entry.clock + 1, None)
            for entry, owner in self.awareness.values()
            if owner is client
        ]
        for entry in gone:
            del self.awareness[entry.client_id]
        if gone:
            await self._relay_awareness(protocol.encode_awareness(gone), origin=None)

    def empty(self) -> bool:
        return not self.clients

    # --- sync -----------------------------------------------------------------------------

    async def answer_step1(self, client: Client, state_vector: bytes) -> None:
        """Send what the client lacks, then our state vector: the client answers with what we
        lack, and compares our vector with its own to know its edits are stored."""
        try:
            missing = self.doc.get_update(state_vector)
        except BaseException as error:
            if not is_crdt_failure(error):
                raise
            raise protocol.ProtocolError("bad state vector") from error
        await client.send_frame(protocol.sync_step2(missing))
        await client.send_frame(protocol.sync_step1(self.doc.get_state()))

    def submit(self, client: Client, update: bytes) -> None:
        if update != broadcast.EMPTY_UPDATE:
            WRITER.submit(self, update, client)

    async def stored(self, updates: dict[bytes, Client], allowed: set[int], ids: list[int]) -> None:
        """The writer stored the permitted ``updates``: apply them and pass them on."""
        self.applied_ids.update(ids)
        accepted = [(u, c) for u, c in updates.items() if c.user_id in allowed]
        for client in {c for c in updates.values() if c.user_id not in allowed}:
            await client.send_frame(
                protocol.permission_denied("read-only: your edits are not saved")
            )
        if not accepted:
            return
        for update, client in accepted:
            try:
                self.doc.apply_update(update)
            except BaseException as error:
                if not is_crdt_failure(error):
                    raise
                # Stored but not applied here: the next load or catch-up applies it.
                log.error(
                    "could not apply an update of user %s to postmortem %s: %r",
                    client.user_id,
                    self.postmortem_id,
                    error,
                )
        if len(accepted) == 1:
            update, origin = accepted[0]
            skip: Client | None = origin  # it has it already
        else:
            update, skip = merge_updates(*[u for u, _ in accepted]), None
        await self._relay_update(update, skip=skip)
        if self.shared and self.layer is not None:
            message = {"type": "room.update", "update": update, "origin": PROCESS_ID}
            await self.layer.group_send(room_group(self.postmortem_id), message)
        self.rows_since_compaction += len(ids)
        self._schedule_save()

    async def _relay_update(self, update: bytes, skip: Client | None) -> None:
        frame = protocol.sync_update(update)
        for client in list(self.clients):
            if client is not skip:
                await client.send_frame(frame)

    def _schedule_save(self) -> None:
        if self.save_handle is not None:
            self.save_handle.cancel()
        loop = asyncio.get_running_loop()
        self.save_handle = loop.call_later(
            settings.COLLAB_SAVE_DELAY, lambda: self.tasks.append(loop.create_task(self._save()))
        )

    async def _save(self) -> None:
        """Copy the text into the sections' rows (debounced) and compact when due."""
        self.save_handle = None
        try:
            await in_thread(_materialize)(self.postmortem_id)
            if self.rows_since_compaction >= settings.COLLAB_COMPACT_AFTER:
                await in_thread(live_text.compact)(self.postmortem_id)
                self.rows_since_compaction = 1
        except Exception:
            log.exception("could not save the text of postmortem %s", self.postmortem_id)

    # --- awareness (who is here, cursors) -------------------------------------------------

    async def receive_awareness(self, client: Client, user: User, payload: bytes) -> None:
        entries = protocol.decode_awareness(payload)
        for entry in entries:
            owner = self.awareness.get(entry.client_id)
            if owner is not None and owner[1] is not None and owner[1] is not client:
                continue  # another connection's client id: not this one's to change
            if entry.state is not None:
                # Rebuilt, never relayed as sent: names and colours come from the account.
                name = user.name or user.username
                entry.state = presence.clean_state(entry.state, user_id=user.pk, name=name)
                self.awareness[entry.client_id] = (entry, client)
            else:
                self.awareness.pop(entry.client_id, None)
        if entries:
            await self._relay_awareness(protocol.encode_awareness(entries), origin=client)

    async def _relay_awareness(self, payload: bytes, origin: Client | None) -> None:
        frame = protocol.awareness_message(payload)
        for client in list(self.clients):
            if client is not origin:
                await client.send_frame(frame)
        if self.shared and self.layer is not None:
            await self.layer.group_send(
                room_group(self.postmortem_id),
                {"type": "room.awareness", "payload": payload, "origin": PROCESS_ID},
            )

    async def answer_awareness_query(self, client: Client) -> None:
        states = [entry for entry, _ in self.awareness.values() if entry.state is not None]
        await client.send_frame(protocol.awareness_message(protocol.encode_awareness(states)))

    # --- other processes ------------------------------------------------------------------

    async def _listen(self) -> None:
        assert self.layer is not None
        while True:
            message = await self.layer.receive(self.channel)
            if message.get("origin") == PROCESS_ID:
                continue
            try:
                if message["type"] == "room.update":
                    await self.ready.wait()
                    self.doc.apply_update(message["update"])
                    await self._relay_update(message["update"], skip=None)
                elif message["type"] == "room.awareness":
                    await self._apply_remote_awareness(message["payload"])
            except BaseException as error:
                if not is_crdt_failure(error):
                    raise
                log.exception("bad message for postmortem %s", self.postmortem_id)

    async def _apply_remote_awareness(self, payload: bytes) -> None:
        for entry in protocol.decode_awareness(payload):
            if entry.state is None:
                self.awareness.pop(entry.client_id, None)
            else:
                self.awareness[entry.client_id] = (entry, None)
        frame = protocol.awareness_message(payload)
        for client in list(self.clients):
            await client.send_frame(frame)

    async def _catch_up_loop(self) -> None:
        while True:
            await asyncio.sleep(settings.COLLAB_CATCHUP_INTERVAL)
            try:
                await self.catch_up()
            except BaseException as error:
                if not is_crdt_failure(error):
                    raise
                log.exception("catch-up failed for postmortem %s", self.postmortem_id)

    async def catch_up(self) -> int:
        """Apply rows other processes stored that no message brought; how many."""
        rows = await in_thread(live_text.rows_after)(self.postmortem_id, self.catchup_floor)
        fresh = [(pk, data) for pk, data, _ in rows if pk not in self.applied_ids]
        for pk, data in fresh:
            self.doc.apply_update(data)
            self.applied_ids.add(pk)
            await self._relay_update(data, skip=None)
        settled = timezone.now() - CATCHUP_SETTLE
        floor = max((pk for pk, _, created in rows if created < settled), default=0)
        if floor > self.catchup_floor:
            self.catchup_floor = floor
            self.applied_ids = {pk for pk in self.applied_ids if pk > floor}
        return len(fresh)


class Rooms:
    """The rooms open in this process."""

    def __init__(self) -> None:
        self.rooms: dict[int, Room] = {}

    async def join(self, postmortem_id: int, client: Client) -> Room:
        room = self.rooms.get(postmortem_id)
        if room is None or room.closed:
            room = Room(postmortem_id)
            self.rooms[postmortem_id] = room
            try:
                await room.open()
            except BaseException:
                self.rooms.pop(postmortem_id, None)
                raise
        await room.ready.wait()
        await room.add(client)
        return room

    async def leave(self, room: Room, client: Client) -> None:
        await room.remove(client)
        if room.empty() and room.linger_handle is None:
            loop = asyncio.get_running_loop()
            room.linger_handle = loop.call_later(
                ROOM_LINGER, lambda: loop.create_task(self._close_if_empty(room))
            )

    async def _close_if_empty(self, room: Room) -> None:
        room.linger_handle = None
        if not room.empty() or room.closed:
            return
        if self.rooms.get(room.postmortem_id) is room:
            del self.rooms[room.postmortem_id]
        started = time.monotonic()
        await room.close()
        log.debug("closed room %s in %.3fs", room.postmortem_id, time.monotonic() - started)


ROOMS = Rooms()
