"""``{% load local_time %}``: times in an e-mail shown in its recipient's time zone (a page
shows the viewer's through the middleware; an e-mail is written by the worker, for one person)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django import template

from hansei.accounts.models import User

register = template.Library()


@register.filter
def time_zone_of(user: User) -> ZoneInfo:
    """``user``'s time zone (the server's if they chose none or one this machine does not
    know), for ``{% timezone recipient|time_zone_of %}``."""
    return user.zone
