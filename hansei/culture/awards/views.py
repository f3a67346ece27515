"""Postmortem of the month: the programs' page (/culture/), a round (/culture/awards/Y/M/),
the hall of fame, nominating, voting and, for admins, the voting window."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hansei import access
from hansei.core import htmx
from hansei.core.http import AuthedRequest
from hansei.culture.awards import queries
from hansei.culture.awards.models import AwardRound
from hansei.culture.awards.months import month_named
from hansei.culture.awards.services import (
    cast_vote,
    nominate_postmortem,
    set_voting_window,
    withdraw_vote,
)
from hansei.culture.forms import NominationForm, VotingWindowForm
from hansei.culture.kudos.queries import recent_kudos


def _month(year: int, month: int) -> date:
    found = month_named(year, month)
    if found is None:
        raise Http404
    return found


def round_url(award_round: AwardRound) -> str:
    return reverse("culture:round", args=[award_round.month.year, award_round.month.month])


@login_required
def programs(request: AuthedRequest) -> HttpResponse:
    context = {
        "rounds": queries.current_rounds(request.user),
        "winners": queries.hall_of_fame(request.user)[:3],
        "kudos": recent_kudos(request.user, limit=8),
        "can_read_leaders_view": access.can_read_leaders_view(request.user),
    }
    return render(request, "culture/programs.html", context)


def _round_context(request: AuthedRequest, award_round: AwardRound, **extra: Any) -> dict[str, Any]:
    window = VotingWindowForm(
        initial={
            "voting_opens_at": award_round.voting_opens_at,
            "voting_closes_at": award_round.voting_closes_at,
        }
    )
    return {
        "view": queries.round_view(request.user, award_round),
        "round_url": round_url(award_round),
        "can_set_window": access.can_set_voting_window(request.user),
        "window_form": extra.pop("window_form", window),
        **extra,
    }


@login_required
def award_round(request: AuthedRequest, year: int, month: int) -> HttpResponse:
    found = queries.get_round(request.user, _month(year, month))
    return render(request, "culture/round.html", _round_context(request, found))


@login_required
def hall_of_fame(request: AuthedRequest) -> HttpResponse:
    return render(
        request, "culture/hall_of_fame.html", {"winners": queries.hall_of_fame(request.user)}
    )


@login_required
def nominate(request: AuthedRequest, pk: int) -> HttpResponse:
    postmortem = access.get_postmortem_for_user(request.user, pk)
    form = NominationForm(request.POST or None)
    context = {
        "postmortem": postmortem,
        "form": form,
        "allowed": access.can_nominate(request.user, postmortem),
        "open": queries.takes_nominations(postmortem),
        "nomination": queries.nomination_of(postmortem),
    }
    if request.method != "POST":
        return render(request, "culture/nominate.html", context)
    outcome = htmx.attempt(
        lambda: nominate_postmortem(
            actor=request.user, postmortem=postmortem, reason=form.cleaned_data["reason"]
        ),
        form=form,
    )
    return htmx.answer(
        request,
        outcome,
        fragment="culture/nominate.html",
        context=lambda: context,
        back=round_url(outcome.result.round) if outcome.ok else request.path,
        page=lambda context, status: render(
            request, "culture/nominate.html", context, status=status
        ),
        done=_("Nominated. Everyone may vote for it while voting is open."),
    )


@login_required
@require_POST
def vote(request: AuthedRequest, nomination_id: int) -> HttpResponse:
    nomination = access.get_nomination_for_user(request.user, nomination_id)
    outcome = htmx.attempt(lambda: cast_vote(actor=request.user, nomination=nomination))
    return htmx.answer(
        request,
        outcome,
        fragment="culture/_round.html",
        context=lambda: {**_round_context(request, nomination.round), "error": outcome.error},
        back=round_url(nomination.round),
        done=_("Your vote is counted. You may move it until voting closes."),
    )


@login_required
@require_POST
def withdraw(request: AuthedRequest, year: int, month: int) -> HttpResponse:
    found = queries.get_round(request.user, _month(year, month))
    outcome = htmx.attempt(lambda: withdraw_vote(actor=request.user, award_round=found))
    return htmx.answer(
        request,
        outcome,
        fragment="culture/_round.html",
        context=lambda: {**_round_context(request, found), "error": outcome.error},
        back=round_url(found),
        done=_("Your vote is withdrawn."),
    )


@login_required
@require_POST
def voting_window(request: AuthedRequest, year: int, month: int) -> HttpResponse:
    found = queries.get_round(request.user, _month(year, month))
    access.require(access.can_set_voting_window(request.user))
    form = VotingWindowForm(request.POST)
    outcome = htmx.attempt(
        lambda: set_voting_window(
            actor=request.user,
            award_round=found,
            opens_at=form.cleaned_data["voting_opens_at"],
            closes_at=form.cleaned_data["voting_closes_at"],
        ),
        form=form,
    )
    return htmx.answer(
        request,
        outcome,
        fragment="culture/round.html",
        context=lambda: _round_context(request, found, window_form=form),
        back=round_url(found),
        page=lambda context, status: render(request, "culture/round.html", context, status=status),
        done=_("The voting window is changed."),
    )
