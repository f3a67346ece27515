"""The postmortem page: what it shows, composed from every feature's part (the timeline,
the analysis cards, the writing-check panel) once for the full page and its fragments. The
apps above postmortems add theirs through template tags (see ``document/templates``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render

from hansei import access
from hansei.core import htmx
from hansei.core.http import AuthedRequest
from hansei.postmortems.analysis.context import (
    factors_context,
    impact_context,
    incidents_context,
    why_chains_context,
)
from hansei.postmortems.analysis.queries import ROOT_CAUSE_KEYS
from hansei.postmortems.document.forms import PublishForm
from hansei.postmortems.document.models import Postmortem, Status
from hansei.postmortems.document.queries import publish_blockers
from hansei.postmortems.template_library.models import SectionKind
from hansei.postmortems.timeline.context import timeline_context
from hansei.postmortems.writing_check.context import lint_panel_context

IMPACT_KEYS = ("impact", "eikyou")
STEPS = (Status.DRAFT, Status.IN_REVIEW, Status.APPROVED, Status.PUBLISHED)


def status_steps(postmortem: Postmortem) -> list[dict[str, Any]]:
    current = STEPS.index(Status(postmortem.status))
    return [
        {"label": step.label, "done": i < current, "current": i == current}
        for i, step in enumerate(STEPS)
    ]


def analysis_anchors(sections: list[Any]) -> dict[str, str]:
    """Which section each structured part is shown with (templates differ in their keys)."""
    keys = [s.key for s in sections]
    impact = next((s.key for s in sections if s.kind == SectionKind.IMPACT), "")
    impact = impact or next((k for k in IMPACT_KEYS if k in keys), "")
    root = next((k for k in ROOT_CAUSE_KEYS if k in keys), "")
    trigger = "trigger" if "trigger" in keys else ""
    # The "keep them apart" note goes before whichever of the two comes first.
    first = next((k for k in keys if k and k in (root, trigger)), "")
    return {"impact": impact, "root": root, "trigger": trigger, "distinction": first}


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
    incidents = list(postmortem.incidents.select_related("severity").prefetch_related("services"))
    return {
        "postmortem": postmortem,
        "sections": sections,
        "incidents": incidents,
        "incident": incidents[0] if incidents else None,
        "can_edit": can_edit,
        "editing": access.can_change_draft(user, postmortem),
        "steps": status_steps(postmortem),
        "publish_blockers": publish_blockers(postmortem),
        "publish_form": PublishForm(),
        "latest_revision": postmortem.latest_revision(),
        "timeline": timeline_context(request, postmortem),
        "impact": impact_context(request, postmortem),
        "factors": factors_context(request, postmortem),
        "whys": why_chains_context(request, postmortem),
        "linked": incidents_context(request, postmortem),
        "anchors": analysis_anchors(sections),
        "kinds": SectionKind,
        "lint_panel": lint_panel_context(request, postmortem),
    }


def page_showing(request: AuthedRequest, postmortem: Postmortem) -> htmx.Page:
    """For ``htmx.answer``: the postmortem page with a refused part in place (its context,
    holding the form and its errors, replaces the part's in the page)."""

    def render_page(part: dict[str, Any], status: int) -> HttpResponse:
        context = detail_context(request, postmortem)
        context.update(part)
        return render(request, "postmortems/detail.html", context, status=status)

    return render_page
