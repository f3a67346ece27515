"""A drill's open pages hear "this drill changed" over a WebSocket (``consumers``) once a
change commits, and fetch what they show again through the rulebook: the event carries
nothing, so a player's page can never receive a card before it is revealed."""

from __future__ import annotations

import logging
from functools import partial

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

log = logging.getLogger(__name__)


def drill_group(drill_id: int) -> str:
    return f"drill.{drill_id}"


def drill_changed_on_commit(drill_id: int) -> None:
    transaction.on_commit(partial(_tell_pages, drill_id), robust=True)


def _tell_pages(drill_id: int) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(drill_group(drill_id), {"type": "drill.changed"})
    except Exception:  # a page that misses it catches up at its next refresh
        log.warning("could not tell drill %s's pages", drill_id, exc_info=True)
