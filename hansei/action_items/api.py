"""Action items: added while drafting, tracked to done long after publication."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Status

from hansei import access
from hansei.accounts.auth import actor_of
from hansei.accounts.schemas import user_named
from hansei.action_items import services
from hansei.action_items.models import ActionItem, ActionStatus
from hansei.action_items.schemas import (
    ActionItemIn,
    ActionItemOut,
    ActionItemPage,
    ActionItemPatch,
)
from hansei.core.pagination import api_page, offset_param

router = Router(tags=["action items"])


def _item_input(values: dict[str, Any]) -> services.ActionItemInput:
    values = dict(values)
    nulls = [name for name in ("title", "kind", "priority", "status") if values[name] is None]
    if nulls:
        raise ValidationError({name: "This field cannot be null." for name in nulls})
    values["owner"] = user_named(values["owner"], field="owner") if values["owner"] else None
    values["wont_do_reason"] = values["wont_do_reason"] or ""
    values["tracking_url"] = values["tracking_url"] or ""
    return services.ActionItemInput(**values)


@router.get("/action-items", response=ActionItemPage, summary="Action items (yours by default)")
def list_action_items(
    request: HttpRequest,
    owner: str = Query("me", description="'me', a username, or '' for every visible item"),
    status: str = Query("", description="open, in_progress, done, wont_do or 'unfinished'"),
    overdue: bool | None = None,
    limit: int = Query(50, ge=1, le=200),
    offset: int = offset_param(),
) -> dict[str, Any]:
    actor = actor_of(request)
    items = access.action_items_visible_to(actor).select_related("owner", "postmortem")
    if owner == "me":
        items = items.filter(owner=actor)
    elif owner:
        items = items.filter(owner=user_named(owner, field="owner"))
    if status == "unfinished":
        items = items.unfinished()
    elif status in ActionStatus.values:
        items = items.filter(status=status)
    elif status:
        raise ValidationError({"status": "Unknown status."})
    if overdue is not None:
        late = items.overdue().values("pk")
        items = items.filter(pk__in=late) if overdue else items.exclude(pk__in=late)
    return api_page(items.order_by("due_date", "priority", "id"), limit=limit, offset=offset)


@router.get(
    "/postmortems/{int:pk}/action-items",
    response=list[ActionItemOut],
    summary="A postmortem's action items",
)
def postmortem_action_items(request: HttpRequest, pk: int) -> Any:
    actor = actor_of(request)
    postmortem = access.get_postmortem_for_user(actor, pk)
    items = access.action_items_visible_to(actor).filter(postmortem=postmortem)
    return items.select_related("owner")


@router.post(
    "/postmortems/{int:pk}/action-items",
    response={201: ActionItemOut},
    summary="Add an action item",
)
def add_action_item(request: HttpRequest, pk: int, payload: ActionItemIn) -> Any:
    actor = actor_of(request)
    postmortem = access.get_postmortem_for_user(actor, pk)
    data = _item_input(payload.dict())
    return Status(201, services.add_action_item(actor=actor, postmortem=postmortem, data=data))


@router.get("/action-items/{int:item_id}", response=ActionItemOut, summary="An action item")
def get_action_item(request: HttpRequest, item_id: int) -> ActionItem:
    return access.get_action_item_for_user(actor_of(request), item_id)


@router.patch(
    "/action-items/{int:item_id}",
    response=ActionItemOut,
    summary="Change an action item (status, owner, due date...)",
)
def update_action_item(request: HttpRequest, item_id: int, payload: ActionItemPatch) -> Any:
    actor = actor_of(request)
    item = access.get_action_item_for_user(actor, item_id)
    current = {
        "title": item.title,
        "kind": item.kind,
        "owner": item.owner.username if item.owner else None,
        "priority": item.priority,
        "due_date": item.due_date,
        "status": item.status,
        "wont_do_reason": item.wont_do_reason,
        "tracking_url": item.tracking_url,
    }
    data = _item_input({**current, **payload.dict(exclude_unset=True)})
    return services.update_action_item(actor=actor, item=item, data=data)


@router.delete("/action-items/{int:item_id}", response={204: None}, summary="Delete a draft's item")
def delete_action_item(request: HttpRequest, item_id: int) -> Any:
    actor = actor_of(request)
    item = access.get_action_item_for_user(actor, item_id)
    services.delete_action_item(actor=actor, item=item)
    return Status(204, None)
