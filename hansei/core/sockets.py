"""Pages that listen: a WebSocket joined to one group, told "it changed" after a change
commits. The event carries no content: the page fetches what changed again through the
ordinary views, and so through the rules, so nothing can leak through a socket."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial
from typing import Any

from asgiref.sync import async_to_sync
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import get_channel_layer
from django.db import transaction

log = logging.getLogger(__name__)

CLOSE_FORBIDDEN = 4403  # a 44xx close: clients stop reconnecting


def tell_on_commit(groups: Iterable[str], event_type: str) -> None:
    """Send ``{"type": event_type}`` to each of ``groups`` once the caller's transaction
    commits (never if it rolls back)."""
    names = sorted(set(groups))
    if names:
        transaction.on_commit(partial(_tell, names, event_type), robust=True)


def _tell(groups: list[str], event_type: str) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    send = async_to_sync(layer.group_send)
    for group in groups:
        try:
            send(group, {"type": event_type})
        except Exception:  # a page that misses it catches up at its next load
            log.warning("could not tell the open pages of %s", group, exc_info=True)


class ListeningConsumer(AsyncJsonWebsocketConsumer):
    """Joins the group ``group_for`` names for the signed-in person, or closes the socket with
    CLOSE_FORBIDDEN (after accepting it, so the client reads the code) when it names none.
    Whatever the page sends is ignored."""

    group = ""

    async def group_for(self, user: Any) -> str | None:
        """The group ``user`` (signed in) may listen to; None closes the socket. Each
        consumer names its own: by default, none."""
        return None

    async def connect(self) -> None:
        user = self.scope.get("user")
        signed_in = user is not None and user.is_authenticated and user.is_active
        group = await self.group_for(user) if signed_in else None
        if not group:
            await self.accept()
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.group = group
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """Pages only listen."""
