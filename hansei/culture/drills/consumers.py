"""``/ws/drills/<id>/``: ``{"type": "changed"}`` whenever the drill changes, to whoever may
read it; the page then fetches its own view again (players never see an unrevealed card)."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from hansei import access
from hansei.culture.drills.live import drill_group

CLOSE_FORBIDDEN = 4403


@database_sync_to_async
def _may_read(user: Any, drill_id: int) -> bool:
    return access.drills_visible_to(user).filter(pk=drill_id).exists()


class DrillConsumer(AsyncJsonWebsocketConsumer):
    group = ""

    async def connect(self) -> None:
        user = self.scope.get("user")
        drill_id = int(self.scope["url_route"]["kwargs"]["drill_id"])
        allowed = (
            user is not None
            and user.is_authenticated
            and user.is_active
            and await _may_read(user, drill_id)
        )
        if not allowed:
            await self.accept()  # then closed with a 44xx code: clients stop reconnecting
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.group = drill_group(drill_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """Pages only listen: whatever they send is ignored."""

    async def drill_changed(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "changed"})
