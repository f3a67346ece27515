"""What the analysis cards on the postmortem page show: impact in numbers, contributing
factors, 5-whys chains and the linked incidents."""

from __future__ import annotations

from typing import Any

from hansei import access
from hansei.core.http import AuthedRequest
from hansei.postmortems.analysis.forms import (
    ContributingFactorForm,
    ImpactForm,
    LinkIncidentForm,
    WhyAnswerForm,
    WhyChainForm,
)
from hansei.postmortems.analysis.models import ContributingFactor, PostmortemImpact
from hansei.postmortems.analysis.queries import (
    impact_figures,
    linkable_incidents,
    root_cause_section,
    suggested_user_visible_minutes,
)
from hansei.postmortems.analysis.services import MAX_WHYS
from hansei.postmortems.document.models import Postmortem


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
