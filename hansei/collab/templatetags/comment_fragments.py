"""``{% load comment_fragments %}``: the comments panel, for pages below this app."""

from __future__ import annotations

from typing import Any

from django import template

from hansei.collab.comments.views import comment_panel_context
from hansei.postmortems.document.models import Postmortem

register = template.Library()


@register.inclusion_tag("collab/comments/_comment_panel.html", takes_context=True)
def comment_panel(context: dict[str, Any], postmortem: Postmortem) -> dict[str, Any]:
    return {
        **comment_panel_context(context["request"], postmortem),
        "csrf_token": context.get("csrf_token"),
        "reading": context.get("reading", False),  # no text to select in the reading view
    }
