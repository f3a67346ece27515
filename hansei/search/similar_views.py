"""Similar incidents, as a page and as the panel that postmortem, incident and review pages
load beside their content; carrying an unfinished item of one into the draft."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hansei import access
from hansei.action_items.services import carry_over_item
from hansei.core import htmx
from hansei.core.http import AuthedRequest, is_htmx
from hansei.postmortems.document.models import Postmortem
from hansei.search.similar import (
    Profile,
    profile_of_incident,
    profile_of_postmortem,
    similar_postmortems,
)

PANEL = "search/_similar.html"


def _context(request: AuthedRequest, profile: Profile, url: str) -> dict[str, Any]:
    into = profile.postmortem
    return {
        "similar": similar_postmortems(user=request.user, profile=profile),
        "into": into,
        "can_carry": into is not None and access.can_change_draft(request.user, into),
        "panel_url": url,
    }


def _show(request: AuthedRequest, context: dict[str, Any], subject: Any) -> HttpResponse:
    if is_htmx(request):
        return render(request, PANEL, context)
    return render(request, "search/similar.html", {**context, "subject": subject})


@login_required
def similar_to_postmortem(request: AuthedRequest, pk: int) -> HttpResponse:
    postmortem = access.get_postmortem_for_user(request.user, pk)
    url = reverse("search:similar_postmortem", args=[postmortem.pk])
    context = _context(request, profile_of_postmortem(postmortem), url)
    return _show(request, context, postmortem)


@login_required
def similar_to_incident(request: AuthedRequest, pk: int) -> HttpResponse:
    incident = access.get_incident_for_user(request.user, pk)
    url = reverse("search:similar_incident", args=[incident.pk])
    context = _context(request, profile_of_incident(incident), url)
    return _show(request, context, incident)


@login_required
@require_POST
def carry_similar_item(request: AuthedRequest, pk: int, item_id: int) -> HttpResponse:
    """Carry an unfinished item of a similar postmortem into this draft (linked)."""
    postmortem: Postmortem = access.get_postmortem_for_user(request.user, pk)
    item = access.get_action_item_for_user(request.user, item_id)
    outcome = htmx.attempt(lambda: carry_over_item(actor=request.user, item=item, into=postmortem))
    url = reverse("search:similar_postmortem", args=[postmortem.pk])
    return htmx.answer(
        request,
        outcome,
        fragment=PANEL,
        context=lambda: {
            **_context(request, profile_of_postmortem(postmortem), url),
            "error": outcome.error,
        },
        back=url,
        done=_("Carried over: “%(title)s” is now tracked here too.") % {"title": item.title},
    )
