"""``{% load live_fragments %}``: the live document, for pages below this app.

``{% live_document postmortem as live %}`` gives what the page needs to open the live
document (``hansei.collab.live.context.live_context``): ``live.enabled`` when the reader may join
it, ``live.readonly`` when they may read along but not write. ``{% live_bar live %}`` shows
the presence bar that connects to it."""

from __future__ import annotations

from typing import Any

from django import template

from hansei.collab.live.context import live_context
from hansei.postmortems.document.models import Postmortem

register = template.Library()


@register.simple_tag(takes_context=True)
def live_document(context: dict[str, Any], postmortem: Postmortem) -> dict[str, Any]:
    return live_context(context["request"], postmortem)


@register.inclusion_tag("collab/live/_live_bar.html", takes_context=True)
def live_bar(context: dict[str, Any], live: dict[str, Any]) -> dict[str, Any]:
    return {
        "live": live,
        "postmortem": context["postmortem"],
        "user": context["request"].user,
    }
