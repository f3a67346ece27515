"""Whose notifications are whose, and only about what they may still read."""

from __future__ import annotations

from django.db.models import Q

from hansei.access.action_items import action_items_visible_to
from hansei.access.base import can_administer, get_or_404, is_signed_in
from hansei.access.postmortems import postmortems_visible_to
from hansei.access.trackers import is_lead_of
from hansei.accounts.models import Team, User
from hansei.notifications.models import Notification, NotificationQuerySet


def notifications_visible_to(user: User) -> NotificationQuerySet:
    """``user``'s notifications about what they may still read: the postmortem, or the
    action item it is about (its owner sees it without reading the postmortem)."""
    if not is_signed_in(user):
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user).filter(
        Q(postmortem__isnull=True)
        | Q(postmortem__in=postmortems_visible_to(user).values("pk"))
        | Q(action_item__in=action_items_visible_to(user).values("pk"))
    )


def get_notification_for_user(user: User, pk: int | str) -> Notification:
    notification: Notification = get_or_404(notifications_visible_to(user), pk)
    return notification


def can_ask_team_to_read(user: User, team: Team) -> bool:
    """Asks a team to read a published postmortem (and so reminds its members): its leads,
    and admins."""
    return can_administer(user) or (is_signed_in(user) and is_lead_of(user, team))
