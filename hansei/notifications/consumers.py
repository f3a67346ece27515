"""``/ws/inbox/``: ``{"type": "changed"}`` whenever the signed-in person's inbox changes."""

from __future__ import annotations

from typing import Any

from hansei.core.sockets import ListeningConsumer
from hansei.notifications.live import inbox_group


class InboxConsumer(ListeningConsumer):
    async def group_for(self, user: Any) -> str | None:
        return inbox_group(user.pk)

    async def inbox_changed(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "changed"})
