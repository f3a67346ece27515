"""Action items: added while drafting, tracked to done long after publication."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from ninja import Query, Router, Status

from hansei import access
from hansei.accounts.auth import actor_of
from hansei.accounts.models import Team, User
from hansei.accounts.schemas import user_named
from hansei.action_items import services
from hansei.action_items.export import csv_lines
from hansei.action_items.models import (
    ActionItem,
    ActionItemQuerySet,
    CarriedItem,
    Priority,
    Recurrence,
)
from hansei.action_items.queries import (
    NOBODY,
    STATUS_CHOICES,
    TRACKER_CHOICES,
    ItemFilter,
    Nobody,
    fixes_by_team_and_kind,
)
from hansei.action_items.schemas import (
    ActionItemBulkIn,
    ActionItemIn,
    ActionItemOut,
    ActionItemPage,
    ActionItemPatch,
    CarriedItemIn,
    CarriedItemOut,
    FixRecordOut,
    ItemFilterQuery,
    ItemListQuery,
    RecurrenceOut,
)
from hansei.core.pagination import api_page, offset_param
from hansei.incidents.models import Service
from hansei.postmortems.analysis.models import ContributingFactorCategory

router = Router(tags=["action items"])


def _named(model: Any, field: str, names: list[str] | None, key: str) -> list[Any] | None:
    """Rows by name (categories) or slug (services); a 400 naming the unknown ones."""
    if names is None:
        return None
    wanted = list(dict.fromkeys(n.strip() for n in names))
    found = {getattr(row, key): row for row in model.objects.filter(**{f"{key}__in": wanted})}
    unknown = [name for name in wanted if name not in found]
    if unknown:
        raise ValidationError({field: f"Unknown: {', '.join(unknown[:10])}."})
    return [found[name] for name in wanted]


def _item_input(values: dict[str, Any]) -> services.ActionItemInput:
    values = dict(values)
    values["factors"] = _named(
        ContributingFactorCategory,
        "addresses_factors",
        values.pop("addresses_factors", None),
        "name",
    )
    values["services"] = _named(
        Service, "addresses_services", values.pop("addresses_services", None), "slug"
    )
    nulls = [name for name in ("title", "kind", "priority", "status") if values[name] is None]
    if nulls:
        raise ValidationError({name: "This field cannot be null." for name in nulls})
    values["owner"] = user_named(values["owner"], field="owner") if values["owner"] else None
    values["wont_do_reason"] = values["wont_do_reason"] or ""
    values["tracking_url"] = values["tracking_url"] or ""
    return services.ActionItemInput(**values)


# The same, for rows that embed an item.
ITEM_PARTS = ("item", "item__owner", "item__tracker_link")
ITEM_LISTS = ("item__addresses_factors", "item__addresses_services")


def _with_parts(items: ActionItemQuerySet) -> ActionItemQuerySet:
    """What ActionItemOut shows of each item, fetched with the page, not once per item."""
    return items.select_related("owner", "tracker_link").prefetch_related(
        "addresses_factors", "addresses_services"
    )


def _filter(actor: User, query: ItemFilterQuery) -> ItemFilter:
    """The API's query parameters as the page's filter; a 400 naming a bad one."""
    owner, status, team, priority = query.owner, query.status, query.team, query.priority
    tracker, tracker_state = query.tracker, query.tracker_state
    errors: dict[str, str] = {}
    who: User | Nobody | None = None
    if owner == "me":
        who = actor
    elif owner == "nobody":
        who = NOBODY
    elif owner:
        who = user_named(owner, field="owner")
    team_id = None
    if team:
        found = Team.objects.filter(slug=team).first()
        if found is None:
            errors["team"] = "Unknown team."
        else:
            team_id = found.pk
    if status and status not in STATUS_CHOICES:
        errors["status"] = "Unknown status."
    if priority and priority not in Priority.values:
        errors["priority"] = "Priority must be P0, P1, P2 or P3."
    if tracker and tracker not in TRACKER_CHOICES:
        errors["tracker"] = f"One of: {', '.join(TRACKER_CHOICES)}."
    if len(tracker_state) > 100:
        errors["tracker_state"] = "At most 100 characters."
    if errors:
        raise ValidationError(errors)
    return ItemFilter(
        team=team_id,
        owner=who,
        priority=priority,
        status=status,
        overdue=query.overdue,
        tracker=tracker,
        tracker_state=tracker_state,
    )


@router.get("/action-items", response=ActionItemPage, summary="Action items (yours by default)")
def list_action_items(
    request: HttpRequest,
    filters: Query[ItemListQuery],
    limit: int = Query(50, ge=1, le=200),
    offset: int = offset_param(),
) -> dict[str, Any]:
    actor = actor_of(request)
    found = _filter(actor, filters)
    items = found.apply(access.action_items_visible_to(actor), timezone.localdate())
    items = _with_parts(items.select_related("postmortem"))
    return api_page(items.order_by("due_date", "priority", "id"), limit=limit, offset=offset)


@router.post(
    "/action-items/bulk",
    response=list[ActionItemOut],
    summary="Change several action items at once (all or none)",
)
def bulk_update(request: HttpRequest, payload: ActionItemBulkIn) -> Any:
    actor = actor_of(request)
    visible = access.action_items_visible_to(actor)
    found = {i.pk: i for i in visible.filter(pk__in=payload.items).select_related("postmortem")}
    if set(payload.items) - set(found):
        raise Http404  # an item the person may not see: as if it did not exist
    if not any(v is not None for v in (payload.status, payload.priority, payload.owner,
                                        payload.due_date)):  # fmt: skip
        raise ValidationError(
            {"__all__": "Send at least one of status, priority, owner, due_date."}
        )
    change = services.BulkChange(
        status=payload.status,
        priority=payload.priority,
        owner=user_named(payload.owner, field="owner") if payload.owner else None,
        due_date=payload.due_date,
        wont_do_reason=payload.wont_do_reason or "",
    )
    items = [found[pk] for pk in dict.fromkeys(payload.items)]
    services.bulk_update_action_items(actor=actor, items=items, change=change)
    return _with_parts(visible.filter(pk__in=payload.items))


@router.get(
    "/action-items/export.csv",
    summary="Action items as CSV (the same filters as the list)",
    response={200: str},
    openapi_extra={"responses": {200: {"content": {"text/csv": {}}}}},
)
def export_action_items(request: HttpRequest, filters: Query[ItemFilterQuery]) -> HttpResponseBase:
    actor = actor_of(request)
    found = _filter(actor, filters)
    items = found.apply(access.action_items_visible_to(actor), timezone.localdate())
    rows = items.select_related("postmortem", "postmortem__team", "owner", "tracker_link")
    return StreamingHttpResponse(
        csv_lines(rows.order_by("priority", "due_date", "id").iterator(500), actor),
        content_type="text/csv; charset=utf-8",
    )


@router.get(
    "/postmortems/{int:pk}/action-items",
    response=list[ActionItemOut],
    summary="A postmortem's action items",
)
def postmortem_action_items(request: HttpRequest, pk: int) -> Any:
    actor = actor_of(request)
    postmortem = access.get_postmortem_for_user(actor, pk)
    return _with_parts(access.action_items_visible_to(actor).filter(postmortem=postmortem))


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
        "verification": None,
    }
    data = _item_input({**current, **payload.dict(exclude_unset=True)})
    return services.update_action_item(actor=actor, item=item, data=data)


@router.delete("/action-items/{int:item_id}", response={204: None}, summary="Delete a draft's item")
def delete_action_item(request: HttpRequest, item_id: int) -> Any:
    actor = actor_of(request)
    item = access.get_action_item_for_user(actor, item_id)
    services.delete_action_item(actor=actor, item=item)
    return Status(204, None)


@router.get(
    "/action-items/fixes",
    response=list[FixRecordOut],
    summary="Did the fixes hold? Done fixes held or recurred, per team and type",
)
def fixes_held(request: HttpRequest) -> Any:
    records = fixes_by_team_and_kind(access.action_items_visible_to(actor_of(request)))
    return [vars(record) for record in records]


@router.get(
    "/action-items/{int:item_id}/recurrences",
    response=list[RecurrenceOut],
    summary="Where an item's fix did not hold (later postmortems you may read)",
)
def item_recurrences(request: HttpRequest, item_id: int) -> Any:
    actor = actor_of(request)
    item = access.get_action_item_for_user(actor, item_id)
    return (
        item.recurrences.filter(postmortem__in=access.postmortems_visible_to(actor))
        .select_related(*ITEM_PARTS, "factor", "service")
        .prefetch_related(*ITEM_LISTS)
    )


@router.get(
    "/postmortems/{int:pk}/recurrences",
    response=list[RecurrenceOut],
    summary="Fixes of earlier postmortems that did not hold here",
)
def postmortem_recurrences(request: HttpRequest, pk: int) -> Any:
    actor = actor_of(request)
    postmortem = access.get_postmortem_for_user(actor, pk)
    return (
        Recurrence.objects.filter(
            postmortem=postmortem, item__in=access.action_items_visible_to(actor)
        )
        .select_related(*ITEM_PARTS, "factor", "service")
        .prefetch_related(*ITEM_LISTS)
    )


@router.get(
    "/postmortems/{int:pk}/carried-items",
    response=list[CarriedItemOut],
    summary="Open items of earlier postmortems carried into this one",
)
def carried_items(request: HttpRequest, pk: int) -> Any:
    actor = actor_of(request)
    postmortem = access.get_postmortem_for_user(actor, pk)
    return (
        CarriedItem.objects.filter(
            postmortem=postmortem, item__in=access.action_items_visible_to(actor)
        )
        .select_related(*ITEM_PARTS, "carried_by")
        .prefetch_related(*ITEM_LISTS)
    )


@router.post(
    "/postmortems/{int:pk}/carried-items",
    response={201: CarriedItemOut},
    summary="Carry an open item of an earlier postmortem into this draft (linked, not copied)",
)
def carry_item(request: HttpRequest, pk: int, payload: CarriedItemIn) -> Any:
    actor = actor_of(request)
    postmortem = access.get_postmortem_for_user(actor, pk)
    item = access.get_action_item_for_user(actor, payload.item)
    return Status(201, services.carry_over_item(actor=actor, item=item, into=postmortem))


@router.delete(
    "/postmortems/{int:pk}/carried-items/{int:item_id}",
    response={204: None},
    summary="Stop carrying an item in this draft",
)
def drop_carried_item(request: HttpRequest, pk: int, item_id: int) -> Any:
    actor = actor_of(request)
    postmortem = access.get_postmortem_for_user(actor, pk)
    item = access.get_action_item_for_user(actor, item_id)
    services.drop_carried_item(actor=actor, item=item, postmortem=postmortem)
    return Status(204, None)
