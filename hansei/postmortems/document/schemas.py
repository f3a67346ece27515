"""API shapes for postmortems, their sections, timeline and revisions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema

from hansei import access
from hansei.accounts.schemas import UserOut
from hansei.core.schemas import PatchSchema
from hansei.postmortems.document.models import Postmortem, Revision


class PostmortemFields(Schema):
    id: int
    title: str
    team: str
    owner: UserOut
    status: str
    restricted: bool
    due_date: date
    is_overdue: bool
    review_round: int
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime


class PostmortemOut(PostmortemFields):
    @staticmethod
    def resolve_team(obj: Postmortem) -> str:
        return obj.team.slug

    @staticmethod
    def resolve_title(obj: Postmortem, context: Any) -> str:
        request = (context or {}).get("request")
        user = getattr(request, "auth", None) if request is not None else None
        return access.title_shown_to(user, obj) if user is not None else obj.title

    @staticmethod
    def resolve_is_overdue(obj: Postmortem) -> bool:
        return obj.is_overdue()


class PostmortemPage(Schema):
    items: list[PostmortemOut]
    total: int
    limit: int
    offset: int


class SectionOut(Schema):
    key: str
    title: str
    help_text: str
    kind: str
    required: bool
    position: int
    body: str
    updated_at: datetime


class PostmortemPatch(PatchSchema):
    title: str | None = None
    owner: str | None = Field(None, description="A username.")
    due_date: date | None = None
    restricted: bool | None = None


class SectionIn(Schema):
    body: str


class PublishIn(Schema):
    change_note: str = Field("", description="Required for an amendment: what changed.")


class RevisionOut(Schema):
    number: int
    change_note: str
    is_amendment: bool
    published_by: str | None
    published_at: datetime

    @staticmethod
    def resolve_published_by(obj: Revision) -> str | None:
        return obj.published_by.username if obj.published_by else None


class RevisionDetailOut(RevisionOut):
    snapshot: dict[str, Any]


class StartPostmortemIn(Schema):
    title: str = ""
    owner: str | None = Field(None, description="A username; default: commander or you.")
    due_date: date | None = None
    template: int | None = Field(None, description="A template id; default: your language's.")
