"""The process's writer: every room's updates, stored a batch per transaction.

Under load many rooms share one commit instead of queueing behind each other's; permission
to write is checked against the database for every batch.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from asgiref.sync import sync_to_async
from django.db import close_old_connections, transaction

from hansei import access
from hansei.accounts.models import User
from hansei.postmortems.document import live_text
from hansei.postmortems.document.models import Postmortem

if TYPE_CHECKING:
    from hansei.collab.live.rooms import Room

log = logging.getLogger(__name__)
T = TypeVar("T")

# pycrdt reports a Rust panic (malformed or unexpected data) as pyo3's PanicException, which
# derives from BaseException: catch those too, but never cancellation or shutdown.
PASS_THROUGH = (asyncio.CancelledError, KeyboardInterrupt, SystemExit, GeneratorExit)


def is_crdt_failure(error: BaseException) -> bool:
    return not isinstance(error, PASS_THROUGH)


class Client(Protocol):
    user_id: int

    async def send_frame(self, frame: bytes) -> None: ...


def in_thread(function: Callable[..., T]) -> Callable[..., Awaitable[T]]:
    """Run blocking database work off the event loop, on any worker thread (rooms must not
    queue behind page requests on Django's single sync thread)."""

    def call(*args: Any) -> T:
        close_old_connections()
        try:
            return function(*args)
        finally:
            close_old_connections()

    return sync_to_async(call, thread_sensitive=False)


def _persist(batch: dict[int, list[tuple[bytes, int]]]) -> dict[int, tuple[set[int], list[int]]]:
    """Check each writer's permission now, per postmortem, and store the permitted updates of
    every postmortem in one transaction. Returns, per postmortem, the user ids allowed to
    write and the new row ids."""
    postmortems = Postmortem.objects.in_bulk(list(batch))
    users = User.objects.in_bulk(list({uid for items in batch.values() for _, uid in items}))
    allowed: dict[int, set[int]] = {}
    permitted: dict[int, list[bytes]] = {}
    for postmortem_id, items in batch.items():
        postmortem = postmortems.get(postmortem_id)
        allowed[postmortem_id] = {
            uid
            for uid in {uid for _, uid in items}
            if postmortem is not None
            and uid in users
            and access.can_change_draft(users[uid], postmortem)
        }
        permitted[postmortem_id] = [u for u, uid in items if uid in allowed[postmortem_id]]
    with transaction.atomic():
        ids = live_text.append_batch(permitted)  # one INSERT for every room
    results = {pk: (allowed[pk], ids.get(pk, [])) for pk in batch}
    return results


class Writer:
    """Stores the updates of every room of the process, a batch per transaction: under load
    many rooms share one commit instead of queueing behind each other's."""

    def __init__(self) -> None:
        self.pending: list[tuple[Room, bytes, Client]] = []
        self.wake: asyncio.Event | None = None
        self.task: asyncio.Task[None] | None = None

    def submit(self, room: Room, update: bytes, client: Client) -> None:
        if self.task is None or self.task.done():
            self.wake = asyncio.Event()
            self.task = asyncio.get_running_loop().create_task(self._loop())
        assert self.wake is not None
        self.pending.append((room, update, client))
        self.wake.set()

    async def flush(self) -> None:
        while self.pending:
            batch, self.pending = self.pending, []
            await self._commit(batch)

    async def _loop(self) -> None:
        assert self.wake is not None
        while True:
            await self.wake.wait()
            self.wake.clear()
            try:
                await self.flush()
            except BaseException as error:
                if not is_crdt_failure(error):
                    raise
                # The batch is lost from memory but its senders still hold it: they resend it
                # at their next resync. Never let the loop die.
                log.exception("could not store a batch of live updates")
                await asyncio.sleep(0.5)

    async def _commit(self, batch: list[tuple[Room, bytes, Client]]) -> None:
        by_room: dict[Room, dict[bytes, Client]] = {}
        for room, update, client in batch:
            by_room.setdefault(room, {}).setdefault(update, client)
        items = {
            room.postmortem_id: [(update, client.user_id) for update, client in updates.items()]
            for room, updates in by_room.items()
        }
        results = await in_thread(_persist)(items)
        # Rooms pass their updates on concurrently (each may wait on the channel layer).
        await asyncio.gather(
            *(
                room.stored(updates, *results.get(room.postmortem_id, (set(), [])))
                for room, updates in by_room.items()
            )
        )


WRITER = Writer()
