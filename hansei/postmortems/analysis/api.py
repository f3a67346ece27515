"""The structured analysis over the API: impact figures, contributing factors, 5-whys chains
and the incidents a postmortem covers."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status

from hansei import access
from hansei.accounts.auth import actor_of
from hansei.incidents.schemas import IncidentOut
from hansei.postmortems.analysis import services as analysis
from hansei.postmortems.analysis.models import (
    ContributingFactorCategory,
    PostmortemImpact,
    WhyChain,
)
from hansei.postmortems.analysis.queries import suggested_user_visible_minutes
from hansei.postmortems.analysis.schemas import (
    CategoryOut,
    FactorIn,
    FactorOut,
    ImpactIn,
    ImpactOut,
    LinkIncidentIn,
    WhyChainIn,
    WhyChainOut,
    WhyIn,
)
from hansei.postmortems.document import published
from hansei.postmortems.document.models import Postmortem
from hansei.postmortems.document.schemas import SectionOut

router = Router(tags=["analysis"])


def _postmortem(request: HttpRequest, pk: int) -> Postmortem:
    return access.get_postmortem_for_user(actor_of(request), pk)


def _impact_out(postmortem: Postmortem, impact: PostmortemImpact | None) -> dict[str, Any]:
    names = list(ImpactIn.model_fields)
    values = {name: getattr(impact, name) for name in names} if impact else {}
    return {
        **values,
        "updated_at": impact.updated_at if impact else None,
        "suggested_user_visible_minutes": suggested_user_visible_minutes(postmortem),
    }


@router.get("/postmortems/{int:pk}/impact", response=ImpactOut, summary="Impact figures")
def get_impact(request: HttpRequest, pk: int) -> dict[str, Any]:
    postmortem = _postmortem(request, pk)
    revision = access.revision_shown_instead(actor_of(request), postmortem)
    if revision is not None:
        frozen = published.impact(revision) or {}
        suggested = suggested_user_visible_minutes(postmortem)
        return {**frozen, "suggested_user_visible_minutes": suggested}
    return _impact_out(postmortem, PostmortemImpact.objects.filter(postmortem=postmortem).first())


@router.put("/postmortems/{int:pk}/impact", response=ImpactOut, summary="Replace impact figures")
def put_impact(request: HttpRequest, pk: int, payload: ImpactIn) -> dict[str, Any]:
    postmortem = _postmortem(request, pk)
    data = analysis.ImpactInput(**payload.dict())
    impact = analysis.update_impact(actor=actor_of(request), postmortem=postmortem, data=data)
    return _impact_out(postmortem, impact)


@router.get(
    "/factor-categories", response=list[CategoryOut], summary="Contributing factor taxonomy"
)
def list_categories(request: HttpRequest) -> Any:
    return ContributingFactorCategory.objects.all()


@router.get(
    "/postmortems/{int:pk}/contributing-factors",
    response=list[FactorOut],
    summary="Contributing factors",
)
def list_factors(request: HttpRequest, pk: int) -> Any:
    postmortem = _postmortem(request, pk)
    revision = access.revision_shown_instead(actor_of(request), postmortem)
    if revision is not None:
        return published.contributing_factors(revision)
    return postmortem.contributing_factors.select_related("category")


@router.post(
    "/postmortems/{int:pk}/contributing-factors",
    response={201: FactorOut},
    summary="Add a contributing factor",
)
def add_factor(request: HttpRequest, pk: int, payload: FactorIn) -> Any:
    postmortem = _postmortem(request, pk)
    category = None
    if payload.category:
        name = payload.category.strip()[:200]  # no name is longer; nor may a LIKE pattern be
        category = ContributingFactorCategory.objects.filter(name__iexact=name).first()
        if category is None:
            raise ValidationError({"category": f"Unknown category “{name[:100]}”."})
    factor = analysis.add_contributing_factor(
        actor=actor_of(request),
        postmortem=postmortem,
        category=category,
        description=payload.description,
    )
    return Status(201, factor)


@router.delete(
    "/postmortems/{int:pk}/contributing-factors/{int:factor_id}",
    response={204: None},
    summary="Remove a contributing factor",
)
def remove_factor(request: HttpRequest, pk: int, factor_id: int) -> Any:
    factor = get_object_or_404(_postmortem(request, pk).contributing_factors, pk=factor_id)
    analysis.remove_contributing_factor(actor=actor_of(request), factor=factor)
    return Status(204, None)


def _chain(request: HttpRequest, pk: int, chain_id: int) -> WhyChain:
    return get_object_or_404(_postmortem(request, pk).why_chains, pk=chain_id)


@router.get("/postmortems/{int:pk}/why-chains", response=list[WhyChainOut], summary="5-whys chains")
def list_chains(request: HttpRequest, pk: int) -> Any:
    postmortem = _postmortem(request, pk)
    revision = access.revision_shown_instead(actor_of(request), postmortem)
    if revision is not None:
        return published.why_chains(revision)
    return postmortem.why_chains.all()


@router.post(
    "/postmortems/{int:pk}/why-chains",
    response={201: WhyChainOut},
    summary="Start a 5-whys chain",
)
def start_chain(request: HttpRequest, pk: int, payload: WhyChainIn) -> Any:
    chain = analysis.start_why_chain(
        actor=actor_of(request),
        postmortem=_postmortem(request, pk),
        problem=payload.problem,
        whys=payload.whys,
    )
    return Status(201, chain)


@router.put(
    "/postmortems/{int:pk}/why-chains/{int:chain_id}",
    response=WhyChainOut,
    summary="Replace a chain's problem and answers",
)
def update_chain(request: HttpRequest, pk: int, chain_id: int, payload: WhyChainIn) -> Any:
    chain = _chain(request, pk, chain_id)
    return analysis.update_why_chain(
        actor=actor_of(request), chain=chain, problem=payload.problem, whys=payload.whys
    )


@router.post(
    "/postmortems/{int:pk}/why-chains/{int:chain_id}/whys",
    response={201: WhyChainOut},
    summary="Answer “why?” once more",
)
def add_why(request: HttpRequest, pk: int, chain_id: int, payload: WhyIn) -> Any:
    chain = _chain(request, pk, chain_id)
    return Status(
        201, analysis.add_why(actor=actor_of(request), chain=chain, answer=payload.answer)
    )


@router.delete(
    "/postmortems/{int:pk}/why-chains/{int:chain_id}/whys/{int:number}",
    response=WhyChainOut,
    summary="Remove an answer (numbered from 1)",
)
def remove_why(request: HttpRequest, pk: int, chain_id: int, number: int) -> Any:
    chain = _chain(request, pk, chain_id)
    return analysis.remove_why(actor=actor_of(request), chain=chain, index=number - 1)


@router.delete(
    "/postmortems/{int:pk}/why-chains/{int:chain_id}",
    response={204: None},
    summary="Delete a chain",
)
def delete_chain(request: HttpRequest, pk: int, chain_id: int) -> Any:
    analysis.delete_why_chain(actor=actor_of(request), chain=_chain(request, pk, chain_id))
    return Status(204, None)


@router.post(
    "/postmortems/{int:pk}/why-chains/{int:chain_id}/copy-to-root-causes",
    response=SectionOut,
    summary="Append the chain as Markdown to the root causes section",
)
def copy_chain(request: HttpRequest, pk: int, chain_id: int) -> Any:
    chain = _chain(request, pk, chain_id)
    return analysis.copy_why_chain_to_root_causes(actor=actor_of(request), chain=chain)


def _incidents(postmortem: Postmortem) -> Any:
    return list(
        postmortem.incidents.select_related(
            "severity", "team", "commander", "postmortem_requested_by"
        )
        .prefetch_related("services", "responders")
        .order_by("started_at")
    )


@router.post(
    "/postmortems/{int:pk}/incidents",
    response={201: list[IncidentOut]},
    summary="Cover another incident of the same team",
)
def link_incident(request: HttpRequest, pk: int, payload: LinkIncidentIn) -> Any:
    actor = actor_of(request)
    postmortem = _postmortem(request, pk)
    incident = access.get_incident_for_user(actor, payload.incident)
    analysis.link_incident(actor=actor, postmortem=postmortem, incident=incident)
    return Status(201, _incidents(postmortem))


@router.delete(
    "/postmortems/{int:pk}/incidents/{int:incident_id}",
    response=list[IncidentOut],
    summary="Stop covering an incident (not the last one)",
)
def unlink_incident(request: HttpRequest, pk: int, incident_id: int) -> Any:
    actor = actor_of(request)
    postmortem = _postmortem(request, pk)
    incident = get_object_or_404(postmortem.incidents, pk=incident_id)
    analysis.unlink_incident(actor=actor, postmortem=postmortem, incident=incident)
    return _incidents(postmortem)
