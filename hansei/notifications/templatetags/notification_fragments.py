"""``{% load notification_fragments %}``: the notification parts of pages below this app."""

from __future__ import annotations

from typing import Any

from django import template

from hansei import access
from hansei.accounts.models import Team
from hansei.notifications.models import Subscription
from hansei.postmortems.document.models import Postmortem

register = template.Library()


@register.inclusion_tag("notifications/_follow_button.html", takes_context=True)
def follow_button(context: dict[str, Any], postmortem: Postmortem) -> dict[str, Any]:
    """Follow or unfollow ``postmortem`` (shown on pages its reader already may read)."""
    user = context["request"].user
    following = Subscription.objects.filter(user=user, postmortem=postmortem).first()
    return {
        "postmortem": postmortem,
        "following": following,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("notifications/_ask_to_read.html", takes_context=True)
def ask_to_read_form(context: dict[str, Any], postmortem: Postmortem) -> dict[str, Any]:
    """The teams the reader may ask to read ``postmortem`` (the ones they lead; admins any)."""
    user = context["request"].user
    teams = [
        team for team in Team.objects.order_by("name") if access.can_ask_team_to_read(user, team)
    ]
    return {"postmortem": postmortem, "teams": teams, "csrf_token": context.get("csrf_token")}
