"""``/ws/inbox/``: ``{"type": "changed"}`` whenever the signed-in person's inbox changes."""

from __future__ import annotations

from typing import Any

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from hansei.notifications.live import inbox_group

CLOSE_FORBIDDEN = 4403


class InboxConsumer(AsyncJsonWebsocketConsumer):
    group = ""

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            # Accept, then close with a 44xx code: clients stop reconnecting.
            await self.accept()
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.group = inbox_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """Pages only listen: whatever they send is ignored."""

    async def inbox_changed(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "changed"})
