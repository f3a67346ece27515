"""API shapes for postmortems, their sections, timeline and revisions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema

from hansei import access
from hansei.accounts.models import User
from hansei.accounts.schemas import UserOut
from hansei.action_items.schemas import ActionItemOut
from hansei.core.schemas import PatchSchema
from hansei.incidents.schemas import IncidentOut
from hansei.postmortems import live_text, published
from hansei.postmortems.models import Postmortem, Revision, Status, Template, TemplateSection
from hansei.postmortems.services import publish_blockers, sections_missing_content
from hansei.reviews.schemas import MeetingNoteOut, ReviewOut


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


class TimelineEntryOut(Schema):
    id: int
    occurred_at: datetime
    text: str
    kind: str
    is_key_event: bool
    link_url: str
    source: str


class PostmortemDetailOut(PostmortemFields):
    language: str
    incidents: list[IncidentOut]
    sections: list[SectionOut]
    timeline: list[TimelineEntryOut]
    action_items: list[ActionItemOut]
    reviews: list[ReviewOut]
    meeting_notes: list[MeetingNoteOut]
    latest_revision: int | None
    revision: int | None = Field(
        None,
        description=(
            "Null: the current content. A number: readers outside an amendment being drafted "
            "get the latest published revision instead, and this is its number."
        ),
    )
    missing_sections: list[str] = Field(description="Required text sections still empty.")
    publish_blockers: list[str] = Field(description="Why it cannot be published now.")
    can_edit: bool


def postmortem_detail(user: User, postmortem: Postmortem) -> dict[str, Any]:
    """Everything the postmortem page shows, as one document."""
    live_text.ensure_text_saved(postmortem.pk)  # never a stale copy of the live text
    postmortem.refresh_from_db()
    latest = postmortem.latest_revision()
    base = PostmortemOut.from_orm(postmortem).model_dump()
    incidents = postmortem.incidents.select_related(
        "severity", "team", "commander", "postmortem_requested_by"
    ).prefetch_related("services", "responders")
    return {
        **base,
        "language": postmortem.language,
        "incidents": list(incidents.order_by("started_at")),
        "sections": list(postmortem.sections.all()),
        "timeline": list(postmortem.timeline.all()),
        "action_items": list(postmortem.action_items.select_related("owner")),
        "reviews": list(
            postmortem.reviews.select_related("reviewer", "requested_by", "postmortem")
        ),
        "meeting_notes": list(postmortem.meeting_notes.select_related("recorded_by")),
        "latest_revision": latest.number if latest else None,
        "missing_sections": [s.key for s in sections_missing_content(postmortem)],
        "publish_blockers": publish_blockers(postmortem),
        "can_edit": access.can_edit_postmortem(user, postmortem),
    }


def published_postmortem_detail(
    user: User, postmortem: Postmortem, revision: Revision
) -> dict[str, Any]:
    """The postmortem as ``revision`` published it, for readers outside an amendment being
    drafted: the same document, with nothing the draft changed."""
    base = PostmortemOut.from_orm(postmortem).model_dump()
    incidents = postmortem.incidents.filter(pk__in=published.incident_ids(revision))
    reviews = access.reviews_visible_to(user).filter(postmortem=postmortem)
    notes = access.meeting_notes_visible_to(user, postmortem)
    return {
        **base,
        "title": revision.snapshot.get("title") or postmortem.published_title,
        "status": Status.PUBLISHED,
        "is_overdue": False,
        "review_round": max((r.round for r in reviews), default=0),
        "updated_at": revision.published_at,
        "language": postmortem.language,
        "incidents": list(
            incidents.select_related(
                "severity", "team", "commander", "postmortem_requested_by"
            ).prefetch_related("services", "responders")
        ),
        "sections": published.sections(postmortem, revision),
        "timeline": published.timeline(revision),
        "action_items": list(
            access.action_items_visible_to(user)
            .filter(postmortem=postmortem)
            .select_related("owner")
        ),
        "reviews": list(reviews.select_related("reviewer", "requested_by", "postmortem")),
        "meeting_notes": list(notes.select_related("recorded_by")),
        "latest_revision": revision.number,
        "revision": revision.number,
        "missing_sections": [],
        "publish_blockers": [],
        "can_edit": access.can_edit_postmortem(user, postmortem),
    }


class PostmortemPatch(PatchSchema):
    title: str | None = None
    owner: str | None = Field(None, description="A username.")
    due_date: date | None = None
    restricted: bool | None = None


class SectionIn(Schema):
    body: str


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


class TemplateSectionOut(Schema):
    key: str
    title: str
    kind: str
    help_text: str
    required: bool
    position: int


class TemplateOut(Schema):
    id: int
    name: str
    description: str
    language: str
    is_default: bool
    sections: list[TemplateSectionOut]

    @staticmethod
    def resolve_sections(obj: Template) -> list[TemplateSection]:
        return list(obj.sections.all())


class TemplateSectionIn(Schema):
    key: str = Field("", description="A slug; made from the title when empty.")
    title: str
    kind: str = "markdown"
    help_text: str = ""
    required: bool = False


class TemplateIn(Schema):
    name: str
    language: str = "en"
    description: str = ""
    is_default: bool = False
    sections: list[TemplateSectionIn]


class StartPostmortemIn(Schema):
    title: str = ""
    owner: str | None = Field(None, description="A username; default: commander or you.")
    due_date: date | None = None
    template: int | None = Field(None, description="A template id; default: your language's.")
