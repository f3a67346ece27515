"""API shapes for action items."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from django.core.exceptions import ObjectDoesNotExist
from ninja import Field, Schema

from hansei.action_items.models import ActionItem, CarriedItem, Recurrence
from hansei.core.schemas import PatchSchema

MAX_ID = 2**63 - 1  # the largest id a database column holds


class TrackerIssueOut(Schema):
    kind: str = Field(description="jira_cloud, jira_server, github, gitlab or linear")
    state: str = Field(description="creating, linked or failed")
    key: str
    url: str
    remote_state: str = Field(description="The tracker's name for the issue's state.")
    synced_at: datetime | None
    last_error: str


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
    tracker: TrackerIssueOut | None = Field(None, description="Its issue in the team's tracker.")
    addresses_factors: list[str] = Field(description="Contributing factor categories it fixes.")
    addresses_services: list[str] = Field(description="Slugs of the services it fixes.")
    verification: str

    @staticmethod
    def resolve_addresses_factors(obj: ActionItem) -> list[str]:
        return [category.name for category in obj.addresses_factors.all()]

    @staticmethod
    def resolve_addresses_services(obj: ActionItem) -> list[str]:
        return [service.slug for service in obj.addresses_services.all()]

    @staticmethod
    def resolve_tracker(obj: ActionItem) -> dict[str, Any] | None:
        try:
            link = obj.tracker_link
        except ObjectDoesNotExist:
            return None
        return {
            "kind": link.kind,
            "state": link.state,
            "key": link.key,
            "url": link.url,
            "remote_state": link.remote_state,
            "synced_at": link.synced_at,
            "last_error": link.last_error,
        }

    @staticmethod
    def resolve_owner(obj: ActionItem) -> str | None:
        return obj.owner.username if obj.owner else None

    @staticmethod
    def resolve_is_overdue(obj: ActionItem) -> bool:
        return obj.is_overdue()


class ItemFilterQuery(Schema):
    """The action items page's filters, as query parameters (list and CSV export alike)."""

    owner: str = Field("", description="'me', 'nobody', a username, or '' for anyone")
    status: str = Field(
        "", description="open, in_progress, done, wont_do, 'unfinished' or 'closed'"
    )
    overdue: bool | None = None
    team: str = Field("", description="A team's slug.")
    priority: str = Field("", description="P0, P1, P2 or P3.")
    tracker: str = Field("", description="Tracker issue: none, linked, creating or failed.")
    tracker_state: str = Field("", description="The tracker's name for the issue's state.")


class ItemListQuery(ItemFilterQuery):
    owner: str = Field("me", description="'me', 'nobody', a username, or '' for anyone")


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
    addresses_factors: list[Annotated[str, Field(max_length=100)]] | None = Field(
        None, max_length=50, description="Contributing factor category names."
    )
    addresses_services: list[Annotated[str, Field(max_length=100)]] | None = Field(
        None, max_length=50, description="Service slugs."
    )
    verification: str | None = Field(None, max_length=2000)


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
    addresses_factors: list[Annotated[str, Field(max_length=100)]] | None = Field(
        None, max_length=50
    )
    addresses_services: list[Annotated[str, Field(max_length=100)]] | None = Field(
        None, max_length=50
    )
    verification: str | None = Field(None, max_length=2000)


class ActionItemBulkIn(Schema):
    """Items to change, and the change: fields left out stay as each item has them."""

    items: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(..., min_length=1, max_length=200)
    status: str | None = None
    priority: str | None = None
    owner: str | None = Field(None, description="A username.")
    due_date: date | None = None
    wont_do_reason: str | None = Field(None, max_length=1000)


class RecurrenceOut(Schema):
    item: ActionItemOut
    postmortem_id: int = Field(description="The later postmortem where it recurred.")
    factor: str
    service: str
    found_at: datetime

    @staticmethod
    def resolve_factor(obj: Recurrence) -> str:
        return obj.factor.name

    @staticmethod
    def resolve_service(obj: Recurrence) -> str:
        return obj.service.slug


class CarriedItemIn(Schema):
    item: int = Field(..., ge=1, le=MAX_ID, description="An open item of an earlier postmortem.")


class CarriedItemOut(Schema):
    item: ActionItemOut
    carried_at: datetime
    carried_by: str | None

    @staticmethod
    def resolve_carried_by(obj: CarriedItem) -> str | None:
        return obj.carried_by.username if obj.carried_by else None


class FixRecordOut(Schema):
    team: str
    kind: str
    held: int
    recurred: int
