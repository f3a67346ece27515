"""The structured analysis on the postmortem page: impact figures, contributing factors,
5-whys chains and the incidents it covers. htmx swaps one card; without JavaScript the forms
post and come back to the page (400 with the errors when the input is refused)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hansei import access
from hansei.core.errors import InvalidState
from hansei.core.forms import apply_service_error, service_error_text
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
from hansei.postmortems.document.models import Postmortem
from hansei.postmortems.page import detail_context

Builder = Callable[..., dict[str, Any]]
# part: (partial template, context builder, name in the partial, key in detail_context, anchor)
PARTS: dict[str, tuple[str, Builder, str, str]] = {
    "impact": ("postmortems/analysis/_impact_figures.html", impact_context, "im", "impact-figures"),
    "factors": (
        "postmortems/analysis/_contributing_factors.html",
        factors_context,
        "cf",
        "factors",
    ),
    "whys": ("postmortems/analysis/_why_chains.html", why_chains_context, "wc", "why-chains"),
    "linked": ("postmortems/analysis/_incidents_card.html", incidents_context, "li", "incidents"),
}


def _respond(
    request: AuthedRequest, postmortem: Postmortem, part: str, ok: bool, **extra: Any
) -> HttpResponse:
    """The part's card (htmx) or the page: 200 when it worked, 400 with the errors if not."""
    template, build, name, anchor = PARTS[part]
    status = 200 if ok else 400
    if is_htmx(request):
        return render(request, template, {name: build(request, postmortem, **extra)}, status=status)
    if ok:
        return redirect(reverse("postmortems:detail", args=[postmortem.pk]) + f"#{anchor}")
    context = detail_context(request, postmortem)
    context[part] = build(request, postmortem, **extra)
    return render(request, "postmortems/detail.html", context, status=status)


def _attempt(form: Form | None, action: Callable[[], Any]) -> str:
    """Run a service call; its refusal goes on ``form`` (or is returned as a message)."""
    try:
        action()
    except (ValidationError, InvalidState) as error:
        if form is None:
            return service_error_text(error)
        apply_service_error(form, error)
    return ""


@login_required
@require_POST
def impact_save(request: AuthedRequest, pk: int) -> HttpResponse:
    postmortem = access.get_postmortem_for_user(request.user, pk)
    form = ImpactForm(request.POST)
    if form.is_valid():
        _attempt(
            form,
            lambda: services.update_impact(
                actor=request.user, postmortem=postmortem, data=form.impact_input()
            ),
        )
    ok = not form.errors
    return _respond(request, postmortem, "impact", ok, impact_form=None if ok else form, saved=ok)


@login_required
@require_POST
def factor_add(request: AuthedRequest, pk: int) -> HttpResponse:
    postmortem = access.get_postmortem_for_user(request.user, pk)
    form = ContributingFactorForm(request.POST)
    if form.is_valid():
        _attempt(
            form,
            lambda: services.add_contributing_factor(
                actor=request.user, postmortem=postmortem, **form.cleaned_data
            ),
        )
    ok = not form.errors
    return _respond(request, postmortem, "factors", ok, factor_form=None if ok else form)


@login_required
@require_POST
def factor_delete(request: AuthedRequest, pk: int, factor_id: int) -> HttpResponse:
    postmortem = access.get_postmortem_for_user(request.user, pk)
    factor = get_object_or_404(postmortem.contributing_factors, pk=factor_id)
    error = _attempt(
        None, lambda: services.remove_contributing_factor(actor=request.user, factor=factor)
    )
    return _respond(request, postmortem, "factors", not error, error=error)


@login_required
@require_POST
def chain_start(request: AuthedRequest, pk: int) -> HttpResponse:
    postmortem = access.get_postmortem_for_user(request.user, pk)
    form = WhyChainForm(request.POST)
    if form.is_valid():
        _attempt(
            form,
            lambda: services.start_why_chain(
                actor=request.user, postmortem=postmortem, problem=form.cleaned_data["problem"]
            ),
        )
    ok = not form.errors
    return _respond(request, postmortem, "whys", ok, chain_form=None if ok else form)


def _chain(request: AuthedRequest, pk: int, chain_id: int) -> tuple[Postmortem, WhyChain]:
    postmortem = access.get_postmortem_for_user(request.user, pk)
    return postmortem, get_object_or_404(postmortem.why_chains, pk=chain_id)


@login_required
@require_POST
def why_add(request: AuthedRequest, pk: int, chain_id: int) -> HttpResponse:
    postmortem, chain = _chain(request, pk, chain_id)
    form = WhyAnswerForm(request.POST)
    if form.is_valid():
        answer = form.cleaned_data["answer"]
        _attempt(form, lambda: services.add_why(actor=request.user, chain=chain, answer=answer))
    ok = not form.errors
    extra = {} if ok else {"failed_chain": chain.pk, "failed_form": form}
    return _respond(request, postmortem, "whys", ok, **extra)


@login_required
@require_POST
def chain_edit(request: AuthedRequest, pk: int, chain_id: int) -> HttpResponse:
    postmortem, chain = _chain(request, pk, chain_id)
    problem, whys = request.POST.get("problem", ""), request.POST.getlist("why")
    error = _attempt(
        None,
        lambda: services.update_why_chain(
            actor=request.user, chain=chain, problem=problem, whys=whys
        ),
    )
    extra = {"failed_chain": chain.pk, "error": error} if error else {}
    return _respond(request, postmortem, "whys", not error, **extra)


@login_required
@require_POST
def why_remove(request: AuthedRequest, pk: int, chain_id: int, index: int) -> HttpResponse:
    postmortem, chain = _chain(request, pk, chain_id)
    error = _attempt(
        None, lambda: services.remove_why(actor=request.user, chain=chain, index=index)
    )
    return _respond(request, postmortem, "whys", not error, error=error)


@login_required
@require_POST
def chain_delete(request: AuthedRequest, pk: int, chain_id: int) -> HttpResponse:
    postmortem, chain = _chain(request, pk, chain_id)
    error = _attempt(None, lambda: services.delete_why_chain(actor=request.user, chain=chain))
    return _respond(request, postmortem, "whys", not error, error=error)


@login_required
@require_POST
def chain_copy(request: AuthedRequest, pk: int, chain_id: int) -> HttpResponse:
    """Copy into root causes. htmx gets the refreshed section, and the chains card out of band."""
    postmortem, chain = _chain(request, pk, chain_id)
    copied: list[Any] = []
    error = _attempt(
        None,
        lambda: copied.append(
            services.copy_why_chain_to_root_causes(actor=request.user, chain=chain)
        ),
    )
    if error or not is_htmx(request):
        response = _respond(request, postmortem, "whys", not error, error=error)
        if error and is_htmx(request):
            response["HX-Retarget"] = "#why-chains"
            response["HX-Reswap"] = "outerHTML"
        elif not error:
            messages.success(request, _("The chain was copied into the root causes."))
        return response
    section = copied[0]
    chains = why_chains_context(request, postmortem, oob=True, copied=chain.pk)
    html = render_to_string(
        "postmortems/_section_editor.html",
        {"postmortem": postmortem, "section": section, "saved": True},
        request=request,
    ) + render_to_string("postmortems/analysis/_why_chains.html", {"wc": chains}, request=request)
    return HttpResponse(html)


@login_required
@require_POST
def incident_link(request: AuthedRequest, pk: int) -> HttpResponse:
    postmortem = access.get_postmortem_for_user(request.user, pk)
    candidates = services.linkable_incidents(request.user, postmortem)
    form = LinkIncidentForm(request.POST, candidates=candidates)
    if form.is_valid():
        incident = access.get_incident_for_user(request.user, form.cleaned_data["incident"])
        _attempt(
            form,
            lambda: services.link_incident(
                actor=request.user, postmortem=postmortem, incident=incident
            ),
        )
    ok = not form.errors
    if ok and not is_htmx(request):
        messages.success(request, _("The incident is now covered by this postmortem."))
    return _respond(request, postmortem, "linked", ok, link_form=None if ok else form)


@login_required
@require_POST
def incident_unlink(request: AuthedRequest, pk: int, incident_id: int) -> HttpResponse:
    postmortem = access.get_postmortem_for_user(request.user, pk)
    incident = get_object_or_404(postmortem.incidents, pk=incident_id)
    error = _attempt(
        None,
        lambda: services.unlink_incident(
            actor=request.user, postmortem=postmortem, incident=incident
        ),
    )
    return _respond(request, postmortem, "linked", not error, error=error)
