"""Template filters that apply the rulebook (``hansei.access``) while a page is rendered."""

from __future__ import annotations

from typing import Any

from django import template

from hansei import access

register = template.Library()


@register.filter
def title_for(postmortem: Any, user: Any) -> str:
    """``{{ postmortem|title_for:request.user }}``: the title ``user`` may read (the published
    one while an amendment they may not read is drafted)."""
    return access.title_shown_to(user, postmortem)
