"""Follow-up actions: created while drafting, tracked to done long after publication."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hansei import access
from hansei.accounts.models import User
from hansei.action_items.events import (
    ACTION_ITEM_ADDED,
    ACTION_ITEM_ASSIGNED,
    ACTION_ITEM_CARRIED,
    ACTION_ITEM_CLOSED,
    ACTION_ITEM_DELETED,
    ACTION_ITEM_UPDATED,
)
from hansei.action_items.models import (
    ActionItem,
    ActionKind,
    ActionStatus,
    CarriedItem,
    Priority,
)
from hansei.core import events
from hansei.core.errors import InvalidState
from hansei.incidents.models import PostmortemPolicy, Service
from hansei.postmortems.analysis.models import ContributingFactorCategory
from hansei.postmortems.document.guard import lock_editable_postmortem
from hansei.postmortems.document.models import Postmortem

# The column's size: longer links would fail on PostgreSQL (and be kept whole on SQLite).
MAX_TRACKING_URL = ActionItem._meta.get_field("tracking_url").max_length or 500


@dataclass
class ActionItemInput:
    title: str
    kind: str = ActionKind.PREVENT
    owner: User | None = None
    priority: str = Priority.P2
    due_date: date | None = None
    status: str = ActionStatus.OPEN
    wont_do_reason: str = ""
    tracking_url: str = ""
    # What the fix addresses and how to verify it; None leaves them as they are.
    factors: list[ContributingFactorCategory] | None = None
    services: list[Service] | None = None
    verification: str | None = None


def _validate(data: ActionItemInput, *, previous_due: date | None = None) -> None:
    errors: dict[str, str] = {}
    if not data.title.strip():
        errors["title"] = _("Say what will be done.")
    elif len(data.title) > 300:
        errors["title"] = _("At most 300 characters.")
    if data.kind not in ActionKind.values:
        errors["kind"] = _("Unknown type.")
    if data.priority not in Priority.values:
        errors["priority"] = _("Priority must be P0, P1, P2 or P3.")
    if data.status not in ActionStatus.values:
        errors["status"] = _("Unknown status.")
    if data.status == ActionStatus.WONT_DO and not data.wont_do_reason.strip():
        errors["wont_do_reason"] = _("Say why it won't be done.")
    if len(data.wont_do_reason) > 1000:
        errors["wont_do_reason"] = _("At most 1,000 characters.")
    changed_due = data.due_date is not None and data.due_date != previous_due
    if changed_due and data.due_date < timezone.localdate():  # type: ignore[operator]
        errors["due_date"] = _("The due date cannot be in the past.")
    tracking_url = data.tracking_url.strip()
    if len(tracking_url) > MAX_TRACKING_URL:
        errors["tracking_url"] = _("At most %(n)s characters.") % {"n": MAX_TRACKING_URL}
    elif tracking_url:
        try:
            URLValidator(schemes=["http", "https"])(tracking_url)
        except ValidationError:
            errors["tracking_url"] = _("Enter a full http(s) link to the tracking issue.")
    if data.verification is not None and len(data.verification) > 2000:
        errors["verification"] = _("At most 2,000 characters.")
    if data.owner is not None and not data.owner.is_active:
        errors["owner"] = _("The owner must be an active user.")
    if errors:
        raise ValidationError(errors)


def _apply(item: ActionItem, data: ActionItemInput, *, actor: User | None) -> None:
    """Save ``data`` into ``item`` and announce what changed: added or updated, and whether
    it got a new owner or was closed."""
    added = item.pk is None
    was_closed = item.is_closed if item.pk else False
    previous_owner = item.owner_id
    item.title = data.title.strip()
    item.kind = data.kind
    item.owner = data.owner
    item.priority = data.priority
    item.due_date = data.due_date
    item.status = data.status
    item.wont_do_reason = data.wont_do_reason.strip() if data.status == ActionStatus.WONT_DO else ""
    item.tracking_url = data.tracking_url.strip()
    if data.verification is not None:
        item.verification = data.verification.strip()
    if item.is_closed and not was_closed:
        item.completed_at = timezone.now()
    elif not item.is_closed:
        item.completed_at = None
    item.save()
    if data.factors is not None:
        item.addresses_factors.set(data.factors)
    if data.services is not None:
        item.addresses_services.set(data.services)
    ids = {
        "actor_id": actor.pk if actor else None,
        "postmortem_id": item.postmortem_id,
        "object_id": item.pk,
    }
    events.emit(ACTION_ITEM_ADDED if added else ACTION_ITEM_UPDATED, **ids)
    if item.owner_id is not None and item.owner_id != previous_owner:
        events.emit(ACTION_ITEM_ASSIGNED, **ids)
    if item.is_closed and not was_closed:
        events.emit(ACTION_ITEM_CLOSED, **ids)


@transaction.atomic
def add_action_item(*, actor: User, postmortem: Postmortem, data: ActionItemInput) -> ActionItem:
    postmortem = lock_editable_postmortem(actor=actor, postmortem_id=postmortem.pk)
    if data.due_date is None:  # the policy's deadline for its priority
        due = PostmortemPolicy.current().action_due_date(data.priority, timezone.localdate())
        data = replace(data, due_date=due)
    _validate(data)
    item = ActionItem(postmortem=postmortem, created_by=actor)
    _apply(item, data, actor=actor)
    return item


@transaction.atomic
def update_action_item(*, actor: User, item: ActionItem, data: ActionItemInput) -> ActionItem:
    """Tracking (status, owner, due date, link) continues after publication; so do edits."""
    access.require(access.can_update_action_item(actor, item))
    _validate(data, previous_due=item.due_date)
    _apply(item, data, actor=actor)
    return item


@transaction.atomic
def delete_action_item(*, actor: User, item: ActionItem) -> None:
    postmortem = lock_editable_postmortem(actor=actor, postmortem_id=item.postmortem_id)
    # During an amendment, items already in a published revision stay: they are tracked.
    latest = postmortem.latest_revision()
    if latest is not None and item.created_at <= latest.published_at:
        raise InvalidState(_("Published action items are kept: mark it won't do, with a reason."))
    item_id = item.pk
    item.delete()
    events.emit(
        ACTION_ITEM_DELETED, actor_id=actor.pk, postmortem_id=postmortem.pk, object_id=item_id
    )


@dataclass(frozen=True)
class TrackerUpdate:
    """What an item's tracker issue says changed; a field left None did not change. The
    tracker is the source, so there is no actor and no "not in the past" rule for due dates
    (the issue may have been due yesterday)."""

    tracker: str  # its name, for the reason of a won't-do
    title: str | None = None
    status: str | None = None
    due_date: date | None = None
    clear_due_date: bool = False
    owner: User | None = None


@transaction.atomic
def apply_tracker_update(*, item: ActionItem, update: TrackerUpdate) -> ActionItem:
    """Change ``item`` as its tracker issue changed, and announce it like any change."""
    title = " ".join((update.title or "").split())[:300]
    data = ActionItemInput(
        title=title or item.title,
        kind=item.kind,
        owner=update.owner if update.owner is not None and update.owner.is_active else item.owner,
        priority=item.priority,
        due_date=None if update.clear_due_date else (update.due_date or item.due_date),
        status=update.status if update.status in ActionStatus.values else item.status,
        wont_do_reason=item.wont_do_reason,
        tracking_url=item.tracking_url,
    )
    if data.status == ActionStatus.WONT_DO and not data.wont_do_reason.strip():
        data = replace(
            data,
            wont_do_reason=_("Closed as won't do in %(tracker)s.") % {"tracker": update.tracker},
        )
    _apply(item, data, actor=None)
    return item


@dataclass(frozen=True)
class BulkChange:
    """One change made to several items; None leaves each item's value as it is."""

    status: str | None = None
    priority: str | None = None
    owner: User | None = None
    due_date: date | None = None
    wont_do_reason: str = ""


def _as_input(item: ActionItem) -> ActionItemInput:
    return ActionItemInput(
        title=item.title,
        kind=item.kind,
        owner=item.owner,
        priority=item.priority,
        due_date=item.due_date,
        status=item.status,
        wont_do_reason=item.wont_do_reason,
        tracking_url=item.tracking_url,
    )


@transaction.atomic
def bulk_update_action_items(
    *, actor: User, items: list[ActionItem], change: BulkChange
) -> list[ActionItem]:
    """Apply ``change`` to every item, or to none: each is checked (who may update it, and
    the result) before any is saved. A refusal names the items it is about."""
    locked = {
        item.pk: item
        for item in ActionItem.objects.select_for_update(of=("self",))
        .select_related("postmortem", "owner")
        .filter(pk__in=[item.pk for item in items])
    }
    for item in items:
        access.require(access.can_update_action_item(actor, locked.get(item.pk, item)))
    planned: list[tuple[ActionItem, ActionItemInput]] = []
    problems: list[str] = []
    for item in (locked[pk] for pk in sorted(locked)):
        data = _as_input(item)
        data = replace(
            data,
            status=change.status or data.status,
            priority=change.priority or data.priority,
            owner=change.owner or data.owner,
            due_date=change.due_date or data.due_date,
        )
        if change.status == ActionStatus.WONT_DO and change.wont_do_reason.strip():
            data = replace(data, wont_do_reason=change.wont_do_reason)
        try:
            _validate(data, previous_due=item.due_date)
        except ValidationError as error:
            problems.append(f"“{item.title[:60]}”: {' '.join(error.messages)}")
            continue
        planned.append((item, data))
    if problems:
        raise ValidationError(problems)
    for item, data in planned:
        _apply(item, data, actor=actor)
    return [item for item, _data in planned]


@transaction.atomic
def carry_over_item(*, actor: User, item: ActionItem, into: Postmortem) -> CarriedItem:
    """Track an earlier postmortem's open item in ``into`` too: linked, not copied. An item
    closed as "won't do" may be carried too: the new incident reopens the question."""
    into = lock_editable_postmortem(actor=actor, postmortem_id=into.pk)
    if item.postmortem_id == into.pk:
        raise InvalidState(_("This item is already one of this postmortem's."))
    if item.status == ActionStatus.DONE:
        raise InvalidState(
            _("A done item is not carried over: if its fix did not hold, it shows as a recurrence.")
        )
    carried, created = CarriedItem.objects.get_or_create(
        item=item, postmortem=into, defaults={"carried_by": actor}
    )
    if not created:
        raise InvalidState(_("This item is already carried into this postmortem."))
    events.emit(ACTION_ITEM_CARRIED, actor_id=actor.pk, postmortem_id=into.pk, object_id=item.pk)
    return carried


@transaction.atomic
def drop_carried_item(*, actor: User, item: ActionItem, postmortem: Postmortem) -> None:
    """No longer track ``item`` in ``postmortem`` (it stays in its own)."""
    postmortem = lock_editable_postmortem(actor=actor, postmortem_id=postmortem.pk)
    deleted, _rows = CarriedItem.objects.filter(item=item, postmortem=postmortem).delete()
    if not deleted:
        raise InvalidState(_("This item is not carried into this postmortem."))
    events.emit(
        ACTION_ITEM_CARRIED, actor_id=actor.pk, postmortem_id=postmortem.pk, object_id=item.pk
    )
