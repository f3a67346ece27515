"""``{% load review_fragments %}``: the review parts of a postmortem's page, for pages below
this app (see ``hansei.reviews.fragments``)."""

from __future__ import annotations

from typing import Any

from django import template

from hansei.postmortems.document.models import Postmortem
from hansei.reviews import fragments

register = template.Library()


@register.inclusion_tag("reviews/_panel.html", takes_context=True)
def review_panel(
    context: dict[str, Any], postmortem: Postmortem, *, show_missing: bool = True
) -> dict[str, Any]:
    """``show_missing=False`` on the review page: a reviewer reads, and is not asked to write."""
    panel = fragments.panel_context(context["request"].user, postmortem)
    return {"panel": {**panel, "missing": panel["missing"] if show_missing else []}}


@register.inclusion_tag("reviews/_callouts.html", takes_context=True)
def review_callouts(context: dict[str, Any], postmortem: Postmortem) -> dict[str, Any]:
    return {"callouts": fragments.callouts_context(context["request"].user, postmortem)}


@register.inclusion_tag("reviews/_meeting_notes.html", takes_context=True)
def meeting_notes_panel(context: dict[str, Any], postmortem: Postmortem) -> dict[str, Any]:
    return {
        "meetings": fragments.meeting_notes_context(context["request"].user, postmortem),
        "csrf_token": context.get("csrf_token"),
    }
