"""API shapes for action items."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema

from hansei.action_items.models import ActionItem
from hansei.core.schemas import PatchSchema


class ActionItemOut(Schema):
    id: int
    postmortem_id: int
    title: str
    kind: str
    owner: str | None
    priority: str
    due_date: date | None
    status: str
    wont_do_reason: str
    tracking_url: str
    is_overdue: bool
    created_at: datetime
    completed_at: datetime | None

    @staticmethod
    def resolve_owner(obj: ActionItem) -> str | None:
        return obj.owner.username if obj.owner else None

    @staticmethod
    def resolve_is_overdue(obj: ActionItem) -> bool:
        return obj.is_overdue()


class ActionItemPage(Schema):
    items: list[ActionItemOut]
    total: int
    limit: int
    offset: int


class ActionItemIn(Schema):
    title: str
    kind: str = "prevent"
    owner: str | None = Field(None, description="A username.")
    priority: str = "P2"
    due_date: date | None = None
    status: str = "open"
    wont_do_reason: str = ""
    tracking_url: str = ""


class ActionItemPatch(PatchSchema):
    """Only the fields sent change; send null to clear the owner or the due date."""

    nullable = frozenset({"due_date", "owner"})

    title: str | None = None
    kind: str | None = None
    owner: str | None = None
    priority: str | None = None
    due_date: date | None = None
    status: str | None = None
    wont_do_reason: str | None = None
    tracking_url: str | None = None
