"""Who sees and updates an action item: its postmortem's readers, and its owner."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from hansei.access.base import get_or_404, is_signed_in
from hansei.access.postmortems import (
    can_edit_postmortem,
    live_content_readers,
    of_readable_postmortems,
    readers_of_postmortem,
)
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


def readers_of_action_item(item: ActionItem) -> QuerySet[User]:
    """The active people who may see ``item``: the table-level form of
    ``action_items_visible_to``. An item a drafted amendment added is for the amendment's
    readers; its owner sees it anyway."""
    postmortem = item.postmortem
    published = postmortem.latest_revision()
    added_by_draft = postmortem.is_amendment and (
        published is None or item.created_at > published.published_at
    )
    readers = (live_content_readers if added_by_draft else readers_of_postmortem)(postmortem)
    owner = User.objects.filter(pk=item.owner_id or 0, is_active=True)
    return User.objects.filter(Q(pk__in=readers.values("pk")) | Q(pk__in=owner.values("pk")))


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
