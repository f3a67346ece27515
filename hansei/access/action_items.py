"""Who sees and updates an action item: its postmortem's readers, and its owner."""

from __future__ import annotations

from django.db.models import Q

from hansei.access.base import get_or_404, is_signed_in
from hansei.access.postmortems import can_edit_postmortem, of_readable_postmortems
from hansei.accounts.models import User
from hansei.action_items.models import ActionItem, ActionItemQuerySet


def action_items_visible_to(user: User) -> ActionItemQuerySet:
    """Items of the postmortems ``user`` may read, and the items they own. While an amendment
    is drafted, readers outside it see the items that were published (tracked live), not the
    ones the draft added."""
    if not is_signed_in(user):
        return ActionItem.objects.none()
    items = ActionItem.objects.all()
    if user.is_admin:
        return items
    return items.filter(of_readable_postmortems(user, since="created_at") | Q(owner=user))


def get_action_item_for_user(user: User, item_id: int | str) -> ActionItem:
    """The action item if ``user`` may see it; 404 otherwise."""
    qs = action_items_visible_to(user).select_related("owner", "postmortem")
    item: ActionItem = get_or_404(qs, item_id)
    return item


def can_update_action_item(user: User, item: ActionItem) -> bool:
    """The postmortem's writers, and the item's own owner, keep an item up to date."""
    return can_edit_postmortem(user, item.postmortem) or (
        is_signed_in(user) and item.owner_id == user.pk
    )
