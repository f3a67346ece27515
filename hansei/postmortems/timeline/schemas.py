"""API shapes for timeline entries."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from hansei.core.schemas import PatchSchema


class TimelineEntryOut(Schema):
    id: int
    occurred_at: datetime
    text: str
    kind: str
    is_key_event: bool
    link_url: str
    source: str


class TimelineEntryIn(Schema):
    """A timeline entry. Times are ISO 8601; without a zone they are UTC."""

    occurred_at: datetime
    text: str
    kind: str = "event"
    is_key_event: bool = False
    link_url: str = Field("", description="A graph, log or page (http or https).")


class TimelineEntryPatch(PatchSchema):
    occurred_at: datetime | None = None
    text: str | None = None
    kind: str | None = None
    is_key_event: bool | None = None
    link_url: str | None = None
