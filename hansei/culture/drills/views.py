"""Wheel of Misfortune: the drills' page and the wheel (/culture/drills/), writing a drill
from a postmortem, the players' board and the game master's, and the game master's buttons.
Both boards are fetched again whenever the drill changes (``drills.js``)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hansei import access
from hansei.core import htmx
from hansei.core.http import AuthedRequest
from hansei.culture.drills import queries, services
from hansei.culture.drills.models import Drill, DrillCard, DrillQuestion, DrillStatus
from hansei.culture.forms import (
    CardForm,
    ClockForm,
    DebriefForm,
    DrillForm,
    OpeningForm,
    QuestionForm,
    WheelForm,
)


def _drill_url(drill: Drill) -> str:
    return reverse("culture:drill", args=[drill.pk])


def _master_url(drill: Drill) -> str:
    return reverse("culture:drill_master", args=[drill.pk])


@login_required
def drills(request: AuthedRequest) -> HttpResponse:
    wheel = WheelForm(request.GET or None)
    picked = None
    if request.GET and wheel.is_valid():
        picked = services.spin_the_wheel(actor=request.user, **wheel.cleaned_data)
    context = {
        "drills": queries.drills_for(request.user),
        "wheel": wheel,
        "spun": bool(request.GET) and wheel.is_valid(),
        "picked": picked,
    }
    return render(request, "culture/drills/drills.html", context)


@login_required
def new_drill(request: AuthedRequest, pk: int) -> HttpResponse:
    postmortem = access.get_postmortem_for_user(request.user, pk)
    access.require(access.can_create_drill(request.user, postmortem))
    form = DrillForm(request.POST or None, postmortem=postmortem)
    context = {"form": form, "postmortem": postmortem}
    template = "culture/drills/new.html"
    if request.method != "POST":
        return render(request, template, context)
    outcome = htmx.attempt(
        lambda: services.create_drill(
            actor=request.user, postmortem=postmortem, **form.cleaned_data
        ),
        form=form,
    )
    return htmx.answer(
        request,
        outcome,
        fragment=template,
        context=lambda: context,
        back=_master_url(outcome.result) if outcome.ok else request.path,
        page=lambda context, status: render(request, template, context, status=status),
        done=_("The drill is written. Check the cards, then start it with the players."),
    )


def _board_context(request: AuthedRequest, drill: Drill, **extra: Any) -> dict[str, Any]:
    return {"board": queries.board(request.user, drill), **extra}


@login_required
def drill(request: AuthedRequest, pk: int) -> HttpResponse:
    found = access.get_drill_for_user(request.user, pk)
    return render(request, "culture/drills/drill.html", _board_context(request, found))


@login_required
def board(request: AuthedRequest, pk: int) -> HttpResponse:
    """The players' board alone, for the page to swap in when the drill changes."""
    found = access.get_drill_for_user(request.user, pk)
    response = render(request, "culture/drills/_board.html", _board_context(request, found))
    response["Cache-Control"] = "no-store"
    return response


@login_required
def master(request: AuthedRequest, pk: int) -> HttpResponse:
    found = access.get_drill_for_user(request.user, pk)
    access.require(access.is_game_master(request.user, found))
    context = _board_context(
        request, found, debrief_form=DebriefForm(initial={"debrief": found.debrief})
    )
    return render(request, "culture/drills/master.html", context)


@login_required
def master_board(request: AuthedRequest, pk: int) -> HttpResponse:
    found = access.get_drill_for_user(request.user, pk)
    access.require(access.is_game_master(request.user, found))
    response = render(request, "culture/drills/_master_board.html", _board_context(request, found))
    response["Cache-Control"] = "no-store"
    return response


def _answer(
    request: AuthedRequest, found: Drill, outcome: htmx.Outcome, done: str = ""
) -> HttpResponse:
    return htmx.answer(
        request,
        outcome,
        fragment="culture/drills/_master_board.html",
        context=lambda: _board_context(request, found),
        back=_master_url(found),
        done=done,
    )


@login_required
@require_POST
def join(request: AuthedRequest, pk: int) -> HttpResponse:
    found = access.get_drill_for_user(request.user, pk)
    outcome = htmx.attempt(lambda: services.join_drill(actor=request.user, drill=found))
    if not outcome.ok:
        return htmx.answer(
            request,
            outcome,
            fragment="culture/drills/_board.html",
            context=lambda: _board_context(request, found),
            back=_drill_url(found),
        )
    return redirect(_drill_url(found))


@login_required
@require_POST
def start(request: AuthedRequest, pk: int) -> HttpResponse:
    found = access.get_drill_for_user(request.user, pk)
    outcome = htmx.attempt(lambda: services.start_drill(actor=request.user, drill=found))
    return _answer(request, found, outcome, _("The drill is running: the players see the opening."))


@login_required
@require_POST
def phase(request: AuthedRequest, pk: int) -> HttpResponse:
    found = access.get_drill_for_user(request.user, pk)
    chosen = request.POST.get("phase", "")
    outcome = htmx.attempt(
        lambda: services.set_phase(actor=request.user, drill=found, phase=chosen)
    )
    return _answer(request, found, outcome)


@login_required
@require_POST
def clock(request: AuthedRequest, pk: int) -> HttpResponse:
    found = access.get_drill_for_user(request.user, pk)
    access.require(access.is_game_master(request.user, found))
    form = ClockForm(request.POST)
    outcome = htmx.attempt(
        lambda: services.set_clock(actor=request.user, drill=found, **form.cleaned_data),
        form=form,
    )
    return _answer(request, found, outcome)


@login_required
@require_POST
def reveal(request: AuthedRequest, pk: int) -> HttpResponse:
    card = access.get_drill_card_for_user(request.user, pk)
    shown = request.POST.get("revealed", "1") == "1"
    outcome = htmx.attempt(
        lambda: services.reveal_card(actor=request.user, card=card, revealed=shown)
    )
    return _answer(request, card.drill, outcome)


@login_required
@require_POST
def finish(request: AuthedRequest, pk: int) -> HttpResponse:
    found = access.get_drill_for_user(request.user, pk)
    outcome = htmx.attempt(lambda: services.finish_drill(actor=request.user, drill=found))
    return _answer(request, found, outcome, _("The drill is over: keep the debrief notes."))


@login_required
@require_POST
def debrief(request: AuthedRequest, pk: int) -> HttpResponse:
    found = access.get_drill_for_user(request.user, pk)
    # Before the form: refused input shows the game master's page, answer key and all.
    access.require(access.is_game_master(request.user, found))
    form = DebriefForm(request.POST)
    outcome = htmx.attempt(
        lambda: services.save_debrief(actor=request.user, drill=found, **form.cleaned_data),
        form=form,
    )
    return htmx.answer(
        request,
        outcome,
        fragment="culture/drills/master.html",
        context=lambda: _board_context(request, found, debrief_form=form),
        back=_master_url(found) + "#debrief",
        page=lambda context, status: render(
            request, "culture/drills/master.html", context, status=status
        ),
        done=_("The debrief notes are kept with the drill."),
    )


# --- correcting the drill (the game master, until it is finished) ---------------------------

EDIT_TEMPLATE = "culture/drills/edit.html"


def _card_form(card: DrillCard, data: Any = None) -> CardForm:
    initial = {
        "phase": card.phase,
        "offset_minutes": card.offset_minutes,
        "text": card.text,
        "reveals": card.reveals,
    }
    return CardForm(data, prefix=f"card-{card.pk}", initial=initial)


def _question_form(question: DrillQuestion, data: Any = None) -> QuestionForm:
    initial = {"phase": question.phase, "text": question.text}
    return QuestionForm(data, prefix=f"question-{question.pk}", initial=initial)


EditForm = CardForm | OpeningForm | QuestionForm


def _edit_context(drill: Drill, *, bound: EditForm | None = None) -> dict[str, Any]:
    """Every form of the page, ``bound`` (the one just sent back with errors) in its place."""
    cards = list(drill.cards.all())
    questions = list(drill.questions.all())
    forms: dict[str, EditForm] = {
        "opening": OpeningForm(prefix="opening", initial={"opening": drill.opening}),
        "new": CardForm(prefix="new", initial={"phase": drill.phase}),
        "ask": QuestionForm(prefix="ask", initial={"phase": drill.phase}),
        **{f"card-{card.pk}": _card_form(card) for card in cards},
        **{f"question-{question.pk}": _question_form(question) for question in questions},
    }
    if bound is not None:
        forms[str(bound.prefix)] = bound
    return {
        "drill": drill,
        "opening_form": forms["opening"],
        "cards": [(card, forms[f"card-{card.pk}"]) for card in cards],
        "new_form": forms["new"],
        "questions": [(q, forms[f"question-{q.pk}"]) for q in questions],
        "ask_form": forms["ask"],
        "editable": drill.status != DrillStatus.FINISHED,
    }


def _edited(
    request: AuthedRequest,
    drill: Drill,
    form: EditForm,
    save: Callable[..., Any],
    *,
    anchor: str,
    done: str,
) -> HttpResponse:
    """``save(**form.cleaned_data)``: back to the saved part of the page (``anchor``, with
    ``{pk}`` for the row saved), or the page with the form's errors in place."""
    outcome = htmx.attempt(lambda: save(**form.cleaned_data), form=form)
    at = anchor.format(pk=outcome.result.pk) if outcome.ok else ""
    return htmx.answer(
        request,
        outcome,
        fragment=EDIT_TEMPLATE,
        context=lambda: _edit_context(drill, bound=form),
        back=reverse("culture:edit_drill", args=[drill.pk]) + at,
        page=lambda context, status: render(request, EDIT_TEMPLATE, context, status=status),
        done=done,
    )


def _removed(
    request: AuthedRequest, drill: Drill, remove: Callable[[], None], *, anchor: str, done: str
) -> HttpResponse:
    outcome = htmx.attempt(remove)
    return htmx.answer(
        request,
        outcome,
        fragment=EDIT_TEMPLATE,
        context=lambda: _edit_context(drill),
        back=reverse("culture:edit_drill", args=[drill.pk]) + anchor,
        done=done,
    )


@login_required
def edit(request: AuthedRequest, pk: int) -> HttpResponse:
    found = access.get_drill_for_user(request.user, pk)
    access.require(access.is_game_master(request.user, found))
    return render(request, EDIT_TEMPLATE, _edit_context(found))


@login_required
@require_POST
def opening(request: AuthedRequest, pk: int) -> HttpResponse:
    found = access.get_drill_for_user(request.user, pk)
    access.require(access.is_game_master(request.user, found))
    form = OpeningForm(request.POST, prefix="opening")
    save = partial(services.save_opening, actor=request.user, drill=found)
    return _edited(request, found, form, save, anchor="#opening", done=_("The opening is saved."))


@login_required
@require_POST
def add_card(request: AuthedRequest, pk: int) -> HttpResponse:
    found = access.get_drill_for_user(request.user, pk)
    access.require(access.is_game_master(request.user, found))
    form = CardForm(request.POST, prefix="new")
    save = partial(services.save_card, actor=request.user, drill=found)
    return _edited(request, found, form, save, anchor="#card-{pk}", done=_("The card is added."))


@login_required
@require_POST
def edit_card(request: AuthedRequest, pk: int) -> HttpResponse:
    card = access.get_drill_card_for_user(request.user, pk)
    access.require(access.is_game_master(request.user, card.drill))
    form = _card_form(card, request.POST)
    save = partial(services.save_card, actor=request.user, drill=card.drill, card=card)
    done = _("The card is saved.")
    return _edited(request, card.drill, form, save, anchor="#card-{pk}", done=done)


@login_required
@require_POST
def remove_card(request: AuthedRequest, pk: int) -> HttpResponse:
    card = access.get_drill_card_for_user(request.user, pk)
    access.require(access.is_game_master(request.user, card.drill))
    remove = partial(services.remove_card, actor=request.user, card=card)
    done = _("The card is taken off.")
    return _removed(request, card.drill, remove, anchor="#cards", done=done)


@login_required
@require_POST
def add_question(request: AuthedRequest, pk: int) -> HttpResponse:
    found = access.get_drill_for_user(request.user, pk)
    access.require(access.is_game_master(request.user, found))
    form = QuestionForm(request.POST, prefix="ask")
    save = partial(services.save_question, actor=request.user, drill=found)
    done = _("The question is added.")
    return _edited(request, found, form, save, anchor="#question-{pk}", done=done)


@login_required
@require_POST
def edit_question(request: AuthedRequest, pk: int) -> HttpResponse:
    question = access.get_drill_question_for_user(request.user, pk)
    drill = question.drill
    access.require(access.is_game_master(request.user, drill))
    form = _question_form(question, request.POST)
    save = partial(services.save_question, actor=request.user, drill=drill, question=question)
    done = _("The question is saved.")
    return _edited(request, drill, form, save, anchor="#question-{pk}", done=done)


@login_required
@require_POST
def remove_question(request: AuthedRequest, pk: int) -> HttpResponse:
    question = access.get_drill_question_for_user(request.user, pk)
    access.require(access.is_game_master(request.user, question.drill))
    remove = partial(services.remove_question, actor=request.user, question=question)
    done = _("The question is taken off.")
    return _removed(request, question.drill, remove, anchor="#questions", done=done)
