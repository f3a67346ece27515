"""What the postmortem page shows, assembled once for the full page and its fragments."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from hansei.accounts import access
from hansei.action_items.forms import ActionItemForm
from hansei.core.http import AuthedRequest
from hansei.incidents.models import PostmortemPolicy
from hansei.postmortems.forms import PublishForm, TimelineEntryForm
from hansei.postmortems.models import Postmortem, SectionKind, Status
from hansei.postmortems.services import publish_blockers, sections_missing_content
from hansei.reviews.forms import MeetingNoteForm
from hansei.reviews.models import Decision, Review

STEPS = (Status.DRAFT, Status.IN_REVIEW, Status.APPROVED, Status.PUBLISHED)


def is_htmx(request: AuthedRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def status_steps(postmortem: Postmortem) -> list[dict[str, Any]]:
    current = STEPS.index(Status(postmortem.status))
    return [
        {"label": step.label, "done": i < current, "current": i == current}
        for i, step in enumerate(STEPS)
    ]


def timeline_context(
    request: AuthedRequest, postmortem: Postmortem, **extra: Any
) -> dict[str, Any]:
    entries = list(postmortem.timeline.all())
    show_all = request.GET.get("timeline") == "all" or extra.pop("show_all", False)
    return {
        "postmortem": postmortem,
        "entries": entries if show_all else [e for e in entries if e.is_key_event],
        "entry_count": len(entries),
        "key_count": sum(1 for e in entries if e.is_key_event),
        "show_all": show_all,
        "editing": postmortem.is_editable and access.can_edit_postmortem(request.user, postmortem),
        "timeline_form": extra.pop("timeline_form", None)
        or TimelineEntryForm(initial={"occurred_at": timezone.localtime().replace(second=0)}),
        **extra,
    }


def action_items_context(
    request: AuthedRequest, postmortem: Postmortem, **extra: Any
) -> dict[str, Any]:
    return {
        "postmortem": postmortem,
        "items": list(postmortem.action_items.select_related("owner")),
        "editing": postmortem.is_editable and access.can_edit_postmortem(request.user, postmortem),
        "action_form": extra.pop("action_form", None) or ActionItemForm(),
        "today": timezone.localdate(),
        **extra,
    }


def detail_context(
    request: AuthedRequest,
    postmortem: Postmortem,
    overrides: dict[str, tuple[str, str]] | None = None,
) -> dict[str, Any]:
    """``overrides`` maps a section key to (unsaved body, error) to show after a failed save."""
    user = request.user
    can_edit = access.can_edit_postmortem(user, postmortem)
    sections = list(postmortem.sections.all())
    for section in sections:
        body, error = (overrides or {}).get(section.key, (None, ""))
        if body is not None:
            section.body = body
        section.error = error  # type: ignore[attr-defined]
    reviews = list(postmortem.reviews.select_related("reviewer").order_by("-round", "id"))
    current = [r for r in reviews if r.round == postmortem.review_round]
    changes_requested = [r for r in current if r.decision == Decision.CHANGES_REQUESTED]
    incidents = list(postmortem.incidents.select_related("severity").prefetch_related("services"))
    my_review = next((r for r in current if r.reviewer_id == user.pk), None)
    return {
        "postmortem": postmortem,
        "sections": sections,
        "incidents": incidents,
        "incident": incidents[0] if incidents else None,
        "can_edit": can_edit,
        "editing": can_edit and postmortem.is_editable,
        "steps": status_steps(postmortem),
        "current_reviews": current,
        "past_reviews": [r for r in reviews if r.round != postmortem.review_round],
        "changes_requested": changes_requested if postmortem.status == Status.DRAFT else [],
        "my_review": my_review if my_review and my_review.decision == Decision.PENDING else None,
        "policy": PostmortemPolicy.current(),
        "missing": sections_missing_content(postmortem),
        "publish_blockers": publish_blockers(postmortem),
        "publish_form": PublishForm(),
        "meeting_notes": list(postmortem.meeting_notes.select_related("recorded_by")),
        "meeting_form": MeetingNoteForm(initial={"held_on": timezone.localdate()}),
        "latest_revision": postmortem.latest_revision(),
        "timeline": timeline_context(request, postmortem),
        "actions": action_items_context(request, postmortem),
        "kinds": SectionKind,
        "pending_reviews": Review.objects.filter(
            postmortem=postmortem, round=postmortem.review_round, decision=Decision.PENDING
        ).count(),
    }
