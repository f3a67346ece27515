"""The structured analysis on the postmortem page: impact figures, contributing factors,
5-whys chains and the incidents it covers. htmx swaps one card; without JavaScript the forms
post and come back to the page (400 with the errors when the input is refused)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hansei import access
from hansei.core import htmx
from hansei.core.http import AuthedRequest, is_htmx
from hansei.postmortems.analysis import services
from hansei.postmortems.analysis.context import (
    factors_context,
    impact_context,
    incidents_context,
    why_chains_context,
)
from hansei.postmortems.analysis.forms import (
    ContributingFactorForm,
    ImpactForm,
    LinkIncidentForm,
    WhyAnswerForm,
    WhyChainForm,
)
from hansei.postmortems.analysis.models import WhyChain
from hansei.postmortems.analysis.queries import linkable_incidents
from hansei.postmortems.document.models import Postmortem
from hansei.postmortems.page import page_showing

Builder = Callable[..., dict[str, Any]]
# part (its key in detail_context and its name in the partial): (partial, context, anchor)
PARTS: dict[str, tuple[str, Builder, str]] = {
    "impact": ("postmortems/analysis/_impact_figures.html", impact_context, "impact-figures"),
    "factors": ("postmortems/analysis/_contributing_factors.html", factors_context, "factors"),
    "whys": ("postmortems/analysis/_why_chains.html", why_chains_context, "why-chains"),
    "linked": ("postmortems/analysis/_incidents_card.html", incidents_context, "incidents"),
}


def _respond(
    request: AuthedRequest,
    postmortem: Postmortem,
    part: str,
    outcome: htmx.Outcome,
    *,
    done: str = "",
    **extra: Any,
) -> HttpResponse:
    """The part's card (htmx), or the page: with the part's errors in place after a refusal."""
    template, build, anchor = PARTS[part]
    return htmx.answer(
        request,
        outcome,
        fragment=template,
        context=lambda: {part: build(request, postmortem, **extra)},
        back=reverse("postmortems:detail", args=[postmortem.pk]) + f"#{anchor}",
        page=page_showing(request, postmortem),
        done=done,
    )


@login_required
@require_POST
def impact_save(request: AuthedRequest, pk: int) -> HttpResponse:
    postmortem = access.get_postmortem_for_user(request.user, pk)
    form = ImpactForm(request.POST)
    outcome = htmx.attempt(
        lambda: services.update_impact(
            actor=request.user, postmortem=postmortem, data=form.impact_input()
        ),
        form=form,
    )
    ok = outcome.ok
    return _respond(
        request, postmortem, "impact", outcome, impact_form=None if ok else form, saved=ok
    )


@login_required
@require_POST
def factor_add(request: AuthedRequest, pk: int) -> HttpResponse:
    postmortem = access.get_postmortem_for_user(request.user, pk)
    form = ContributingFactorForm(request.POST)
    outcome = htmx.attempt(
        lambda: services.add_contributing_factor(
            actor=request.user, postmortem=postmortem, **form.cleaned_data
        ),
        form=form,
    )
    return _respond(
        request, postmortem, "factors", outcome, factor_form=None if outcome.ok else form
    )


@login_required
@require_POST
def factor_delete(request: AuthedRequest, pk: int, factor_id: int) -> HttpResponse:
    postmortem = access.get_postmortem_for_user(request.user, pk)
    factor = get_object_or_404(postmortem.contributing_factors, pk=factor_id)
    outcome = htmx.attempt(
        lambda: services.remove_contributing_factor(actor=request.user, factor=factor)
    )
    return _respond(request, postmortem, "factors", outcome, error=outcome.error)


@login_required
@require_POST
def chain_start(request: AuthedRequest, pk: int) -> HttpResponse:
    postmortem = access.get_postmortem_for_user(request.user, pk)
    form = WhyChainForm(request.POST)
    outcome = htmx.attempt(
        lambda: services.start_why_chain(
            actor=request.user, postmortem=postmortem, problem=form.cleaned_data["problem"]
        ),
        form=form,
    )
    return _respond(request, postmortem, "whys", outcome, chain_form=None if outcome.ok else form)


def _chain(request: AuthedRequest, pk: int, chain_id: int) -> tuple[Postmortem, WhyChain]:
    postmortem = access.get_postmortem_for_user(request.user, pk)
    return postmortem, get_object_or_404(postmortem.why_chains, pk=chain_id)


@login_required
@require_POST
def why_add(request: AuthedRequest, pk: int, chain_id: int) -> HttpResponse:
    postmortem, chain = _chain(request, pk, chain_id)
    form = WhyAnswerForm(request.POST)
    outcome = htmx.attempt(
        lambda: services.add_why(
            actor=request.user, chain=chain, answer=form.cleaned_data["answer"]
        ),
        form=form,
    )
    extra: dict[str, Any] = {} if outcome.ok else {"failed_chain": chain.pk, "failed_form": form}
    return _respond(request, postmortem, "whys", outcome, **extra)


@login_required
@require_POST
def chain_edit(request: AuthedRequest, pk: int, chain_id: int) -> HttpResponse:
    postmortem, chain = _chain(request, pk, chain_id)
    problem, whys = request.POST.get("problem", ""), request.POST.getlist("why")
    outcome = htmx.attempt(
        lambda: services.update_why_chain(
            actor=request.user, chain=chain, problem=problem, whys=whys
        )
    )
    extra: dict[str, Any] = {} if outcome.ok else {"failed_chain": chain.pk, "error": outcome.error}
    return _respond(request, postmortem, "whys", outcome, **extra)


@login_required
@require_POST
def why_remove(request: AuthedRequest, pk: int, chain_id: int, index: int) -> HttpResponse:
    postmortem, chain = _chain(request, pk, chain_id)
    outcome = htmx.attempt(
        lambda: services.remove_why(actor=request.user, chain=chain, index=index)
    )
    return _respond(request, postmortem, "whys", outcome, error=outcome.error)


@login_required
@require_POST
def chain_delete(request: AuthedRequest, pk: int, chain_id: int) -> HttpResponse:
    postmortem, chain = _chain(request, pk, chain_id)
    outcome = htmx.attempt(lambda: services.delete_why_chain(actor=request.user, chain=chain))
    return _respond(request, postmortem, "whys", outcome, error=outcome.error)


@login_required
@require_POST
def chain_copy(request: AuthedRequest, pk: int, chain_id: int) -> HttpResponse:
    """Copy into root causes. htmx gets the refreshed section, and the chains card out of band."""
    postmortem, chain = _chain(request, pk, chain_id)
    copied: list[Any] = []
    outcome = htmx.attempt(
        lambda: copied.append(
            services.copy_why_chain_to_root_causes(actor=request.user, chain=chain)
        )
    )
    if not outcome.ok or not is_htmx(request):
        done = _("The chain was copied into the root causes.")
        response = _respond(request, postmortem, "whys", outcome, done=done, error=outcome.error)
        if not outcome.ok and is_htmx(request):
            response["HX-Retarget"] = "#why-chains"
            response["HX-Reswap"] = "outerHTML"
        return response
    section = copied[0]
    chains = why_chains_context(request, postmortem, oob=True, copied=chain.pk)
    html = render_to_string(
        "postmortems/_section_editor.html",
        {"postmortem": postmortem, "section": section, "saved": True},
        request=request,
    ) + render_to_string("postmortems/analysis/_why_chains.html", {"whys": chains}, request=request)
    return HttpResponse(html)


@login_required
@require_POST
def incident_link(request: AuthedRequest, pk: int) -> HttpResponse:
    postmortem = access.get_postmortem_for_user(request.user, pk)
    candidates = linkable_incidents(request.user, postmortem)
    form = LinkIncidentForm(request.POST, candidates=candidates)
    outcome = htmx.attempt(
        lambda: services.link_incident(
            actor=request.user,
            postmortem=postmortem,
            incident=access.get_incident_for_user(request.user, form.cleaned_data["incident"]),
        ),
        form=form,
    )
    return _respond(
        request,
        postmortem,
        "linked",
        outcome,
        done=_("The incident is now covered by this postmortem."),
        link_form=None if outcome.ok else form,
    )


@login_required
@require_POST
def incident_unlink(request: AuthedRequest, pk: int, incident_id: int) -> HttpResponse:
    postmortem = access.get_postmortem_for_user(request.user, pk)
    incident = get_object_or_404(postmortem.incidents, pk=incident_id)
    outcome = htmx.attempt(
        lambda: services.unlink_incident(
            actor=request.user, postmortem=postmortem, incident=incident
        )
    )
    return _respond(request, postmortem, "linked", outcome, error=outcome.error)
