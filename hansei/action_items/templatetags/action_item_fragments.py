"""``{% load action_item_fragments %}``: the action-items panel, for pages below this app."""

from __future__ import annotations

from typing import Any

from django import template

from hansei.action_items.fragments import panel_context, reading_context
from hansei.postmortems.document.models import Postmortem

register = template.Library()


@register.inclusion_tag("action_items/_panel.html", takes_context=True)
def action_items_panel(context: dict[str, Any], postmortem: Postmortem) -> dict[str, Any]:
    return {
        "panel": panel_context(context["request"].user, postmortem),
        "csrf_token": context.get("csrf_token"),
        "request": context["request"],
    }


@register.inclusion_tag("action_items/_reading.html", takes_context=True)
def action_items_reading(
    context: dict[str, Any], postmortem: Postmortem, published: list[dict[str, Any]]
) -> dict[str, Any]:
    """The items as a reader sees them: no buttons, each with its status today."""
    reader = context["reader"]
    return {"reading": reading_context(reader, postmortem, published or []), "reader": reader}
