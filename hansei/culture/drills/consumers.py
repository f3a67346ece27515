"""``/ws/drills/<id>/``: ``{"type": "changed"}`` whenever the drill changes, to whoever may
read it; the page then fetches its own view again (players never see an unrevealed card)."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async

from hansei import access
from hansei.core.sockets import ListeningConsumer
from hansei.culture.drills.live import drill_group


@database_sync_to_async
def _may_read(user: Any, drill_id: int) -> bool:
    return access.drills_visible_to(user).filter(pk=drill_id).exists()


class DrillConsumer(ListeningConsumer):
    async def group_for(self, user: Any) -> str | None:
        drill_id = int(self.scope["url_route"]["kwargs"]["drill_id"])
        return drill_group(drill_id) if await _may_read(user, drill_id) else None

    async def drill_changed(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "changed"})
