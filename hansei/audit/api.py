"""The audit log over the API (admins): entries as a page, or all matching as JSON lines."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema

from hansei import access
from hansei.accounts.auth import actor_of
from hansei.audit.queries import AuditFilter, as_record, events_matching, json_lines
from hansei.audit.services import note_audit_export
from hansei.core.pagination import api_page, offset_param

router = Router(tags=["audit"])


class AuditEventOut(Schema):
    id: int
    at: datetime
    action: str
    actor: str | None
    actor_id: int | None
    target_type: str
    target_id: str
    target_name: str
    changes: dict[str, Any]
    detail: str
    via: str
    ip: str | None
    user_agent: str


class AuditPage(Schema):
    items: list[AuditEventOut]
    total: int
    limit: int
    offset: int


class AuditFilterIn(Schema):
    action: str = Query("", description='An action ("user.role_changed") or a group ("user").')
    actor: str = Query("", description="The user name of who did it.")
    target_type: str = Query("", description="postmortem, user, team, apitoken...")
    target_id: str = ""
    since: date | None = None
    until: date | None = Query(None, description="Inclusive.")
    text: str = Query("", description="In the target's name or the detail.")

    def to_filter(self) -> AuditFilter:
        return AuditFilter(**self.dict())


def _require_reader(request: HttpRequest) -> None:
    actor = actor_of(request)
    access.require(access.can_read_audit_log(actor), "Only admins read the audit log.")


@router.get("/audit-events", response=AuditPage, summary="The audit log (admins), newest first")
def list_audit_events(
    request: HttpRequest,
    filters: Query[AuditFilterIn],
    limit: int = Query(50, ge=1, le=500),
    offset: int = offset_param(),
) -> dict[str, Any]:
    _require_reader(request)
    events = events_matching(filters.to_filter())
    return api_page(events, limit=limit, offset=offset, each=as_record)


@router.get(
    "/audit-events/export",
    response={200: str},
    summary="Every matching entry, oldest first, as JSON lines (for a SIEM)",
    openapi_extra={
        "responses": {
            200: {
                "description": "One JSON object per line, as in /audit-events.",
                "content": {"application/x-ndjson": {"schema": {"type": "string"}}},
            }
        }
    },
)
def export_audit_events(request: HttpRequest, filters: Query[AuditFilterIn]) -> Any:
    _require_reader(request)
    found = filters.to_filter()
    note_audit_export(actor=actor_of(request), found=found)
    response = StreamingHttpResponse(
        json_lines(events_matching(found)), content_type="application/x-ndjson; charset=utf-8"
    )
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="hansei-audit-{stamp}.jsonl"'
    return response
