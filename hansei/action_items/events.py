"""What can happen to an action item, announced to the apps above (see ``core.events``)."""

from __future__ import annotations

from hansei.core import events

ACTION_ITEM_ADDED = events.kind(
    "action_item_added", "An action item was added (object: the item).", parts=("action_items",)
)
ACTION_ITEM_UPDATED = events.kind(
    "action_item_updated",
    "An action item's status, owner, due date or details changed (object: the item).",
    parts=("action_items",),
)
ACTION_ITEM_ASSIGNED = events.kind(
    "action_item_assigned", "An action item got a new owner (object: the item)."
)
ACTION_ITEM_CLOSED = events.kind(
    "action_item_closed", "An action item was marked done or won't do (object: the item)."
)
ACTION_ITEM_DELETED = events.kind(
    "action_item_deleted",
    "A draft's action item was deleted (object: its former id).",
    parts=("action_items",),
)
ACTION_ITEM_CARRIED = events.kind(
    "action_item_carried",
    "An open item of an earlier postmortem was carried into this one, or dropped from it "
    "(object: the item).",
    parts=("action_items",),
)
