"""A drill's open pages hear "this drill changed" over a WebSocket (``consumers``) once a
change commits, and fetch what they show again through the rulebook: the event carries
nothing, so a player's page can never receive a card before it is revealed."""

from __future__ import annotations

from hansei.core.sockets import tell_on_commit


def drill_group(drill_id: int) -> str:
    return f"drill.{drill_id}"


def drill_changed_on_commit(drill_id: int) -> None:
    tell_on_commit([drill_group(drill_id)], "drill.changed")
