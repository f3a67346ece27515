"""A postmortem's culture panel (its awards, its nomination, its kudos), loaded beside the
document, and thanking someone from it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hansei import access
from hansei.accounts.models import User
from hansei.core import htmx
from hansei.core.http import AuthedRequest, is_htmx
from hansei.culture.awards import queries as awards
from hansei.culture.forms import KudosForm
from hansei.culture.kudos.models import KudosFor
from hansei.culture.kudos.queries import kudos_on
from hansei.culture.kudos.services import give_kudos
from hansei.postmortems.document.models import Postmortem

PANEL = "culture/_postmortem_panel.html"


def thankable_people(user: User, postmortem: Postmortem) -> QuerySet[User]:
    writers = access.thankable_for(postmortem, KudosFor.WRITING)
    reviewers = access.thankable_for(postmortem, KudosFor.REVIEW)
    return (writers | reviewers).exclude(pk=user.pk).distinct().order_by("username")


def _context(
    request: AuthedRequest, postmortem: Postmortem, form: KudosForm | None = None
) -> dict[str, Any]:
    people = thankable_people(request.user, postmortem)
    return {
        "postmortem": postmortem,
        "awards": awards.awards_of(postmortem),
        "nomination": awards.nomination_of(postmortem),
        "can_nominate": access.can_nominate(request.user, postmortem)
        and awards.takes_nominations(postmortem),
        "kudos": kudos_on(request.user, postmortem),
        "form": form or KudosForm(people=people),
        "can_thank": access.can_thank(request.user, postmortem) and people.exists(),
        "can_drill": access.can_create_drill(request.user, postmortem),
        "panel_url": reverse("culture:postmortem_panel", args=[postmortem.pk]),
    }


@login_required
def postmortem_panel(request: AuthedRequest, pk: int) -> HttpResponse:
    postmortem = access.get_postmortem_for_user(request.user, pk)
    context = _context(request, postmortem)
    if is_htmx(request):
        return render(request, PANEL, context)
    return render(request, "culture/postmortem.html", context)


@login_required
@require_POST
def thank(request: AuthedRequest, pk: int) -> HttpResponse:
    postmortem = access.get_postmortem_for_user(request.user, pk)
    form = KudosForm(request.POST, people=thankable_people(request.user, postmortem))
    outcome = htmx.attempt(
        lambda: give_kudos(
            actor=request.user,
            postmortem=postmortem,
            receiver=form.cleaned_data["receiver"],
            kind=form.cleaned_data["kind"],
            message=form.cleaned_data["message"],
            announce=form.cleaned_data["announce"],
        ),
        form=form,
    )
    back = reverse("culture:postmortem_panel", args=[postmortem.pk])
    return htmx.answer(
        request,
        outcome,
        fragment=PANEL,
        context=lambda: _context(request, postmortem, None if outcome.ok else form),
        back=back,
        page=lambda context, status: render(
            request, "culture/postmortem.html", context, status=status
        ),
        done=_("Thanks sent."),
    )
