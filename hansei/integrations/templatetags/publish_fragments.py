"""``{% load publish_fragments %}``: the in-page confirmation before publishing, naming who
will be told (the team, followers, distribution lists, chat routes), for pages below."""

from __future__ import annotations

from typing import Any

from django import template

from hansei.integrations.chat.services import routes_for
from hansei.integrations.models import ChatEvent
from hansei.notifications.queries import announcement_recipients, followers_of, team_members
from hansei.postmortems.document.models import Postmortem

register = template.Library()


def publication_audience(postmortem: Postmortem, *, amendment: bool) -> dict[str, Any]:
    """Who hears of the publication, as ``notifications`` and the chat routes decide it."""
    members = {user.pk for user in team_members(postmortem.team)}
    followers = {user.pk for user, _reason in followers_of(postmortem)} - members
    event = ChatEvent.AMENDED if amendment else ChatEvent.PUBLISHED
    return {
        "team": postmortem.team.name,
        "members": len(members),
        "followers": len(followers),
        "lists": announcement_recipients(postmortem),
        "routes": [
            (route.name, route.get_kind_display()) for route in routes_for(postmortem, event)
        ],
    }


@register.inclusion_tag("integrations/_publish_confirm.html", takes_context=True)
def publish_confirm(context: dict[str, Any], postmortem: Postmortem) -> dict[str, Any]:
    amendment = postmortem.revisions.exists()
    return {
        "postmortem": postmortem,
        "amendment": amendment,
        "audience": publication_audience(postmortem, amendment=amendment),
        "csrf_token": context.get("csrf_token"),
    }
