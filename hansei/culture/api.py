"""The culture programs in the API: postmortem of the month (rounds, nominations, votes),
kudos and process feedback. Everything here is read through the rulebook, like the pages."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from hansei import access
from hansei.accounts.auth import actor_of
from hansei.accounts.models import User, normalize_username
from hansei.accounts.schemas import aware
from hansei.culture.awards import queries as awards
from hansei.culture.awards.models import Nomination
from hansei.culture.awards.months import month_parsed
from hansei.culture.awards.queries import RoundView
from hansei.culture.awards.services import (
    cast_vote,
    nominate_postmortem,
    set_voting_window,
    withdraw_vote,
)
from hansei.culture.feedback.queries import pending_surveys, results
from hansei.culture.feedback.services import answer_survey
from hansei.culture.kudos.models import Kudos
from hansei.culture.kudos.queries import kudos_on, kudos_received
from hansei.culture.kudos.services import give_kudos

router = Router(tags=["culture"])


class NominationOut(Schema):
    id: int
    postmortem_id: int
    title: str
    team: str
    reason: str
    nominated_by: str | None
    created_at: datetime
    votes: int | None = Field(description="Counted once the round is announced; null before.")


class RoundOut(Schema):
    month: str = Field(description="YYYY-MM")
    state: str = Field(description="nominating, voting, counting or announced")
    voting_opens_at: datetime
    voting_closes_at: datetime
    voters: int
    my_vote: int | None = Field(description="The nomination you voted for.")
    winner: int | None = Field(description="The winning nomination, once announced.")
    nominations: list[NominationOut]


class NominationIn(Schema):
    reason: str = Field(max_length=1000)


class WindowIn(Schema):
    voting_opens_at: datetime = Field(description="ISO 8601; read as UTC without a zone.")
    voting_closes_at: datetime = Field(description="ISO 8601; read as UTC without a zone.")


class KudosOut(Schema):
    id: int
    postmortem_id: int
    giver: str
    receiver: str
    kind: str = Field(description="writing or review")
    message: str
    announced: bool
    created_at: datetime


class KudosIn(Schema):
    receiver: str = Field(description="User name of the person thanked.", max_length=150)
    kind: str = Field(description="writing or review", max_length=16)
    message: str = Field(max_length=500)
    announce: bool = False


def _nomination_out(user: User, nomination: Nomination, counted: bool) -> dict[str, Any]:
    return {
        "id": nomination.pk,
        "postmortem_id": nomination.postmortem_id,
        "title": access.title_shown_to(user, nomination.postmortem),
        "team": nomination.postmortem.team.name,
        "reason": nomination.reason,
        "nominated_by": nomination.nominated_by.name if nomination.nominated_by else None,
        "created_at": nomination.created_at,
        "votes": getattr(nomination, "vote_count", 0) if counted else None,
    }


def _round_out(user: User, view: RoundView) -> dict[str, Any]:
    counted = view.state == "announced"
    return {
        "month": str(view.round),
        "state": view.state,
        "voting_opens_at": view.round.voting_opens_at,
        "voting_closes_at": view.round.voting_closes_at,
        "voters": view.voters,
        "my_vote": view.my_vote,
        "winner": view.round.winner_id if counted else None,
        "nominations": [_nomination_out(user, n, counted) for n in view.nominations],
    }


def _month(month: str) -> date:
    found = month_parsed(month)
    if found is None:
        raise Http404
    return found


def _kudos_out(kudos: Kudos) -> dict[str, Any]:
    return {
        "id": kudos.pk,
        "postmortem_id": kudos.postmortem_id,
        "giver": kudos.giver.username,
        "receiver": kudos.receiver.username,
        "kind": kudos.kind,
        "message": kudos.message,
        "announced": kudos.announced,
        "created_at": kudos.created_at,
    }


@router.get(
    "/culture/awards/rounds", response=list[RoundOut], summary="Postmortem of the month: rounds"
)
def list_rounds(request: HttpRequest) -> list[dict[str, Any]]:
    user = actor_of(request)
    rounds = access.rounds_visible_to(user).order_by("-month")[:24]
    return [_round_out(user, awards.round_view(user, r)) for r in rounds]


@router.get("/culture/awards/rounds/{month}", response=RoundOut, summary="One month's round")
def get_round(request: HttpRequest, month: str) -> dict[str, Any]:
    user = actor_of(request)
    found = awards.get_round(user, _month(month))
    return _round_out(user, awards.round_view(user, found))


@router.put(
    "/culture/awards/rounds/{month}/window", response=RoundOut, summary="Set the voting window"
)
def put_window(request: HttpRequest, month: str, payload: WindowIn) -> dict[str, Any]:
    user = actor_of(request)
    found = awards.get_round(user, _month(month))
    changed = set_voting_window(
        actor=user,
        award_round=found,
        opens_at=aware(payload.voting_opens_at),
        closes_at=aware(payload.voting_closes_at),
    )
    return _round_out(user, awards.round_view(user, changed))


@router.post(
    "/postmortems/{int:pk}/nominations",
    response={201: NominationOut},
    summary="Nominate for postmortem of the month",
)
def nominate(request: HttpRequest, pk: int, payload: NominationIn) -> Any:
    user = actor_of(request)
    postmortem = access.get_postmortem_for_user(user, pk)
    nomination = nominate_postmortem(actor=user, postmortem=postmortem, reason=payload.reason)
    return 201, _nomination_out(user, nomination, counted=False)


@router.put(
    "/culture/awards/nominations/{int:nomination_id}/vote",
    response=RoundOut,
    summary="Vote (or move your vote)",
)
def vote(request: HttpRequest, nomination_id: int) -> dict[str, Any]:
    user = actor_of(request)
    nomination = access.get_nomination_for_user(user, nomination_id)
    cast_vote(actor=user, nomination=nomination)
    return _round_out(user, awards.round_view(user, nomination.round))


@router.delete(
    "/culture/awards/rounds/{month}/vote", response={204: None}, summary="Withdraw your vote"
)
def delete_vote(request: HttpRequest, month: str) -> Any:
    user = actor_of(request)
    withdraw_vote(actor=user, award_round=awards.get_round(user, _month(month)))
    return 204, None


@router.get("/postmortems/{int:pk}/kudos", response=list[KudosOut], summary="Its kudos")
def list_kudos(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    user = actor_of(request)
    postmortem = access.get_postmortem_for_user(user, pk)
    return [_kudos_out(k) for k in kudos_on(user, postmortem)]


@router.post(
    "/postmortems/{int:pk}/kudos",
    response={201: KudosOut},
    summary="Thank someone for it",
)
def create_kudos(request: HttpRequest, pk: int, payload: KudosIn) -> Any:
    user = actor_of(request)
    postmortem = access.get_postmortem_for_user(user, pk)
    receiver = User.objects.filter(
        username=normalize_username(payload.receiver), is_active=True
    ).first()
    if receiver is None:
        raise ValidationError({"receiver": _("Nobody has this user name.")})
    kudos = give_kudos(
        actor=user,
        postmortem=postmortem,
        receiver=receiver,
        kind=payload.kind,
        message=payload.message,
        announce=payload.announce,
    )
    return 201, _kudos_out(kudos)


@router.get("/people/{username}/kudos", response=list[KudosOut], summary="Kudos received")
def person_kudos(request: HttpRequest, username: str) -> list[dict[str, Any]]:
    user = actor_of(request)
    person = User.objects.filter(username=normalize_username(username), is_active=True).first()
    if person is None:
        raise Http404
    return [_kudos_out(k) for k in kudos_received(user, person)]


class SurveyOut(Schema):
    id: int
    postmortem_id: int
    title: str
    team: str
    closes_at: datetime


class SurveyAnswerIn(Schema):
    helped: int = Field(
        ge=1, le=5, description="Did the process help? 1 not at all, 5 a great deal"
    )
    toil: int = Field(ge=1, le=5, description="How much toil? 1 very little, 5 a great deal")
    tools: int = Field(ge=1, le=5, description="Were the tools adequate? 1 not at all, 5 fully")
    change: str = Field("", max_length=2000, description="What would you change?")
    anonymous: bool = False


class SurveyAnsweredOut(Schema):
    answered: bool


class ChangeOut(Schema):
    text: str
    by: str | None = Field(description="Who wrote it; null when anonymous.")


class FeedbackGroupOut(Schema):
    team: str
    quarter: str = Field(description="YYYY-Qn, of the postmortems' first publication")
    asked: int
    answers: int
    response_rate: int = Field(description="Percent of those asked who answered.")
    helped: int | None = Field(description="Percent of 4s and 5s; null under the minimum group.")
    toil: int | None
    tools: int | None
    changes: list[ChangeOut] = Field(description="For admins and the team's leads only.")


@router.get("/me/surveys", response=list[SurveyOut], summary="Surveys asked of me, unanswered")
def my_surveys(request: HttpRequest) -> list[dict[str, Any]]:
    user = actor_of(request)
    return [
        {
            "id": s.pk,
            "postmortem_id": s.postmortem_id,
            "title": access.title_shown_to(user, s.postmortem),
            "team": s.team.name,
            "closes_at": s.closes_at,
        }
        for s in pending_surveys(user)
    ]


@router.post(
    "/culture/surveys/{int:survey_id}/answers",
    response={201: SurveyAnsweredOut},
    summary="Answer a process survey",
)
def answer(request: HttpRequest, survey_id: int, payload: SurveyAnswerIn) -> Any:
    user = actor_of(request)
    survey = access.get_survey_for_user(user, survey_id)
    answer_survey(actor=user, survey=survey, **payload.dict())
    return 201, {"answered": True}


@router.get(
    "/culture/feedback", response=list[FeedbackGroupOut], summary="Process feedback by team"
)
def feedback_results(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "team": g.team,
            "quarter": g.quarter,
            "asked": g.asked,
            "answers": g.answers,
            "response_rate": g.response_rate,
            "helped": g.helped,
            "toil": g.toil,
            "tools": g.tools,
            "changes": [{"text": text, "by": by} for text, by in g.changes],
        }
        for g in results(actor_of(request))
    ]
