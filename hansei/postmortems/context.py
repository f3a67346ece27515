"""What the postmortem page shows, assembled once for the full page and its fragments."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from hansei import access
from hansei.core.http import AuthedRequest
from hansei.postmortems.analysis_forms import (
    ContributingFactorForm,
    ImpactForm,
    LinkIncidentForm,
    WhyAnswerForm,
    WhyChainForm,
)
from hansei.postmortems.analysis_services import (
    MAX_WHYS,
    ROOT_CAUSE_KEYS,
    impact_figures,
    linkable_incidents,
    root_cause_section,
    suggested_user_visible_minutes,
)
from hansei.postmortems.forms import PublishForm, TimelineEntryForm
from hansei.postmortems.lint_context import lint_panel_context
from hansei.postmortems.models import (
    ContributingFactor,
    Postmortem,
    PostmortemImpact,
    SectionKind,
    Status,
)
from hansei.postmortems.services import publish_blockers

IMPACT_KEYS = ("impact", "eikyou")
STEPS = (Status.DRAFT, Status.IN_REVIEW, Status.APPROVED, Status.PUBLISHED)


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
        "editing": access.can_change_draft(request.user, postmortem),
        "timeline_form": extra.pop("timeline_form", None)
        or TimelineEntryForm(initial={"occurred_at": timezone.localtime().replace(second=0)}),
        **extra,
    }


def impact_context(request: AuthedRequest, postmortem: Postmortem, **extra: Any) -> dict[str, Any]:
    impact = PostmortemImpact.objects.filter(postmortem=postmortem).first()
    suggested = suggested_user_visible_minutes(postmortem)
    return {
        "postmortem": postmortem,
        "impact": impact,
        "figures": impact_figures(impact),
        "suggested_minutes": suggested,
        "editing": access.can_change_draft(request.user, postmortem),
        "impact_form": extra.pop("impact_form", None) or ImpactForm.for_impact(impact, suggested),
        **extra,
    }


def factors_context(request: AuthedRequest, postmortem: Postmortem, **extra: Any) -> dict[str, Any]:
    factors = list(postmortem.contributing_factors.select_related("category"))
    groups: dict[Any, list[ContributingFactor]] = {}
    for factor in sorted(factors, key=_category_order):
        groups.setdefault(factor.category, []).append(factor)
    return {
        "postmortem": postmortem,
        "groups": list(groups.items()),
        "count": len(factors),
        "editing": access.can_change_draft(request.user, postmortem),
        "factor_form": extra.pop("factor_form", None) or ContributingFactorForm(),
        **extra,
    }


def _category_order(factor: ContributingFactor) -> tuple[int, int, str, int]:
    category = factor.category
    if category is None:  # "Other" comes last
        return (1, 0, "", factor.pk)
    return (0, category.position, category.name, factor.pk)


def why_chains_context(
    request: AuthedRequest, postmortem: Postmortem, **extra: Any
) -> dict[str, Any]:
    root = root_cause_section(postmortem)
    return {
        "postmortem": postmortem,
        "chains": list(postmortem.why_chains.all()),
        "max_whys": MAX_WHYS,
        "root_section": root,
        "editing": access.can_change_draft(request.user, postmortem),
        "chain_form": extra.pop("chain_form", None) or WhyChainForm(),
        "answer_form": WhyAnswerForm(),
        **extra,
    }


def incidents_context(
    request: AuthedRequest, postmortem: Postmortem, **extra: Any
) -> dict[str, Any]:
    incidents = list(
        postmortem.incidents.select_related("severity")
        .prefetch_related("services")
        .order_by("started_at")
    )
    editing = access.can_change_draft(request.user, postmortem)
    candidates = linkable_incidents(request.user, postmortem) if editing else None
    return {
        "postmortem": postmortem,
        "incidents": incidents,
        "editing": editing,
        "link_form": extra.pop("link_form", None)
        or (LinkIncidentForm(candidates=candidates) if editing else None),
        **extra,
    }


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
