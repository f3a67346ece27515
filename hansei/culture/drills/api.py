"""Wheel of Misfortune drills in the API: a drill as its reader may see it (the game master
gets the cards still hidden and the answer key; players never do), joining, and the game
master's part: start, clock, phase, reveal, finish, debrief, and corrections (the opening,
the cards, the questions)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from hansei import access
from hansei.accounts.auth import actor_of
from hansei.accounts.models import User
from hansei.culture.drills import queries
from hansei.culture.drills.models import Drill
from hansei.culture.drills.services import (
    finish_drill,
    join_drill,
    remove_card,
    remove_question,
    reveal_card,
    save_card,
    save_debrief,
    save_opening,
    save_question,
    set_clock,
    set_phase,
    start_drill,
)

router = Router(tags=["culture"])


class DrillCardOut(Schema):
    id: int
    phase: str
    offset_minutes: int | None
    text: str
    revealed: bool
    reveals: str | None = Field(description="What reveals it: for the game master only.")


class DrillQuestionOut(Schema):
    id: int
    phase: str
    text: str


class DrillAnswerOut(Schema):
    title: str
    body: str = Field(description="Markdown.")


class DrillOut(Schema):
    id: int
    postmortem_id: int
    title: str
    status: str = Field(description="planned, running or finished")
    phase: str = Field(description="detection, diagnosis or mitigation")
    game_master: str
    started_at: datetime | None
    time_limit: int = Field(description="Minutes.")
    paused: bool = Field(description="Whether the game master has paused the clock.")
    seconds_left: int | None = Field(
        description="What the timer shows: negative once over; it stands still while paused."
    )
    ends_at: datetime | None = Field(
        description="When the timer runs out; while paused, when it would if resumed now."
    )
    opening: str | None = Field(description="Null for players until the drill starts.")
    cards: list[DrillCardOut] = Field(description="Players get the revealed cards only.")
    hidden: int = Field(description="How many cards are still hidden.")
    questions: list[DrillQuestionOut] = Field(description="The questions per phase.")
    players: list[str]
    answer_key: list[DrillAnswerOut] | None = Field(description="The game master's only.")
    debrief: str


class RevealIn(Schema):
    revealed: bool = True


class DrillOpeningIn(Schema):
    opening: str


class DrillCardIn(Schema):
    phase: str = Field(description="detection, diagnosis or mitigation")
    offset_minutes: int | None = Field(
        None, description="Minutes from the opening (negative before it); null when unknown."
    )
    text: str = Field(description="What the players learn.")
    reveals: str = Field(description="What the players must do for it to be revealed.")


class DrillClockIn(Schema):
    paused: bool | None = Field(
        None, description="true pauses the clock, false starts it again (running drills)."
    )
    time_limit: int | None = Field(None, description="Minutes, 10 to 240 (until finished).")


class DrillPhaseIn(Schema):
    phase: str = Field(description="detection, diagnosis or mitigation")


class DrillDebriefIn(Schema):
    debrief: str = Field(description="Markdown; anyone who may read the drill reads it.")


class DrillQuestionIn(Schema):
    phase: str = Field(description="detection, diagnosis or mitigation")
    text: str


def _drill_out(user: User, drill: Drill) -> dict[str, Any]:
    board = queries.board(user, drill)
    master = board.is_master
    return {
        "id": drill.pk,
        "postmortem_id": drill.postmortem_id,
        "title": drill.title,
        "status": drill.status,
        "phase": drill.phase,
        "game_master": drill.game_master.username,
        "started_at": drill.started_at,
        "time_limit": drill.time_limit,
        "paused": drill.paused_at is not None,
        "seconds_left": drill.seconds_left,
        "ends_at": drill.ends_at,
        "opening": drill.opening if master or drill.started_at else None,
        "cards": [
            {
                "id": card.pk,
                "phase": card.phase,
                "offset_minutes": card.offset_minutes,
                "text": card.text,
                "revealed": card.revealed_at is not None,
                "reveals": card.reveals if master else None,
            }
            for card in board.cards
        ],
        "hidden": board.hidden,
        "questions": [{"id": q.pk, "phase": q.phase, "text": q.text} for q in board.questions],
        "players": [person.username for person in board.players],
        "answer_key": drill.answer_key if master else None,
        "debrief": drill.debrief,
    }


@router.get("/culture/drills/{int:drill_id}", response=DrillOut, summary="A drill, as you see it")
def get_drill(request: HttpRequest, drill_id: int) -> dict[str, Any]:
    user = actor_of(request)
    return _drill_out(user, access.get_drill_for_user(user, drill_id))


@router.post(
    "/culture/drills/{int:drill_id}/players", response={201: DrillOut}, summary="Join as a player"
)
def post_player(request: HttpRequest, drill_id: int) -> Any:
    user = actor_of(request)
    drill = access.get_drill_for_user(user, drill_id)
    join_drill(actor=user, drill=drill)
    return 201, _drill_out(user, drill)


@router.post(
    "/culture/drills/{int:drill_id}/start", response=DrillOut, summary="Start it (game master)"
)
def post_start(request: HttpRequest, drill_id: int) -> dict[str, Any]:
    user = actor_of(request)
    drill = start_drill(actor=user, drill=access.get_drill_for_user(user, drill_id))
    return _drill_out(user, drill)


@router.put(
    "/culture/drills/{int:drill_id}/clock",
    response=DrillOut,
    summary="Pause or resume the clock, change the time limit (game master)",
)
def put_clock(request: HttpRequest, drill_id: int, payload: DrillClockIn) -> dict[str, Any]:
    user = actor_of(request)
    drill = access.get_drill_for_user(user, drill_id)
    return _drill_out(user, set_clock(actor=user, drill=drill, **payload.dict()))


@router.put(
    "/culture/drills/{int:drill_id}/phase",
    response=DrillOut,
    summary="Move to another phase (game master, while it runs)",
)
def put_phase(request: HttpRequest, drill_id: int, payload: DrillPhaseIn) -> dict[str, Any]:
    user = actor_of(request)
    drill = access.get_drill_for_user(user, drill_id)
    return _drill_out(user, set_phase(actor=user, drill=drill, phase=payload.phase))


@router.post(
    "/culture/drills/{int:drill_id}/finish", response=DrillOut, summary="Finish it (game master)"
)
def post_finish(request: HttpRequest, drill_id: int) -> dict[str, Any]:
    user = actor_of(request)
    drill = finish_drill(actor=user, drill=access.get_drill_for_user(user, drill_id))
    return _drill_out(user, drill)


@router.put(
    "/culture/drills/{int:drill_id}/debrief",
    response=DrillOut,
    summary="Keep the debrief notes (game master, once started)",
)
def put_debrief(request: HttpRequest, drill_id: int, payload: DrillDebriefIn) -> dict[str, Any]:
    user = actor_of(request)
    drill = access.get_drill_for_user(user, drill_id)
    return _drill_out(user, save_debrief(actor=user, drill=drill, debrief=payload.debrief))


@router.put(
    "/culture/drills/cards/{int:card_id}/revealed",
    response=DrillOut,
    summary="Reveal a card, or hide it again (game master)",
)
def put_revealed(request: HttpRequest, card_id: int, payload: RevealIn) -> dict[str, Any]:
    user = actor_of(request)
    card = access.get_drill_card_for_user(user, card_id)
    reveal_card(actor=user, card=card, revealed=payload.revealed)
    return _drill_out(user, card.drill)


@router.put(
    "/culture/drills/{int:drill_id}/opening",
    response=DrillOut,
    summary="Correct the opening (game master, until it is finished)",
)
def put_opening(request: HttpRequest, drill_id: int, payload: DrillOpeningIn) -> dict[str, Any]:
    user = actor_of(request)
    drill = save_opening(
        actor=user, drill=access.get_drill_for_user(user, drill_id), opening=payload.opening
    )
    return _drill_out(user, drill)


@router.post(
    "/culture/drills/{int:drill_id}/cards",
    response={201: DrillOut},
    summary="Add a card (game master, until it is finished)",
)
def post_card(request: HttpRequest, drill_id: int, payload: DrillCardIn) -> Any:
    user = actor_of(request)
    drill = access.get_drill_for_user(user, drill_id)
    save_card(actor=user, drill=drill, **payload.dict())
    return 201, _drill_out(user, drill)


@router.put(
    "/culture/drills/cards/{int:card_id}",
    response=DrillOut,
    summary="Correct a card (game master, until it is finished)",
)
def put_card(request: HttpRequest, card_id: int, payload: DrillCardIn) -> dict[str, Any]:
    user = actor_of(request)
    card = access.get_drill_card_for_user(user, card_id)
    save_card(actor=user, drill=card.drill, card=card, **payload.dict())
    return _drill_out(user, card.drill)


@router.delete(
    "/culture/drills/cards/{int:card_id}",
    response={204: None},
    summary="Take a card off (game master; one stays)",
)
def delete_card(request: HttpRequest, card_id: int) -> Any:
    user = actor_of(request)
    remove_card(actor=user, card=access.get_drill_card_for_user(user, card_id))
    return 204, None


@router.post(
    "/culture/drills/{int:drill_id}/questions",
    response={201: DrillOut},
    summary="Add a question (game master, until it is finished)",
)
def post_question(request: HttpRequest, drill_id: int, payload: DrillQuestionIn) -> Any:
    user = actor_of(request)
    drill = access.get_drill_for_user(user, drill_id)
    save_question(actor=user, drill=drill, **payload.dict())
    return 201, _drill_out(user, drill)


@router.put(
    "/culture/drills/questions/{int:question_id}",
    response=DrillOut,
    summary="Change a question (game master, until it is finished)",
)
def put_question(request: HttpRequest, question_id: int, payload: DrillQuestionIn) -> Any:
    user = actor_of(request)
    question = access.get_drill_question_for_user(user, question_id)
    save_question(actor=user, drill=question.drill, question=question, **payload.dict())
    return _drill_out(user, question.drill)


@router.delete(
    "/culture/drills/questions/{int:question_id}",
    response={204: None},
    summary="Take a question off (game master, until it is finished)",
)
def delete_question(request: HttpRequest, question_id: int) -> Any:
    user = actor_of(request)
    remove_question(actor=user, question=access.get_drill_question_for_user(user, question_id))
    return 204, None
