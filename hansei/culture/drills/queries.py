"""What a drill's pages show: to players the opening, the revealed cards and the questions;
to the game master everything, with the answer key. Cards reach a page only through
``visible_cards``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from hansei import access
from hansei.accounts.models import User
from hansei.culture.drills.models import (
    EXTRA_TIME,
    MAX_TIME,
    MIN_TIME,
    Drill,
    DrillCard,
    DrillQuestion,
    DrillStatus,
    Phase,
)


def visible_cards(user: User, drill: Drill) -> QuerySet[DrillCard]:
    """Every card for the game master; the revealed ones, in the order they happened, for
    everyone else."""
    cards = drill.cards.all()
    if access.is_game_master(user, drill):
        return cards
    return cards.exclude(revealed_at=None)


@dataclass
class Board:
    drill: Drill
    cards: list[DrillCard]  # what the viewer may see: all for the game master
    revealed: list[DrillCard]  # what the players see
    questions: list[DrillQuestion]
    players: list[User]
    is_master: bool
    is_player: bool
    can_join: bool
    phases: list[tuple[str, Any]]
    hidden: int  # cards still to reveal (a count, for everyone)
    limits: tuple[int, int]  # the time limit's bounds (minutes)
    more_time: int | None  # the time limit five minutes on, while it stays within them


def board(user: User, drill: Drill) -> Board:
    players = [p.person for p in drill.players.select_related("person")]
    is_player = any(person.pk == user.pk for person in players)
    all_cards = drill.cards.count()
    cards = list(visible_cards(user, drill))
    return Board(
        drill=drill,
        cards=cards,
        revealed=[card for card in cards if card.revealed_at],
        questions=list(drill.questions.all()),
        players=players,
        is_master=access.is_game_master(user, drill),
        is_player=is_player,
        can_join=not is_player
        and access.can_play(user, drill)
        and drill.status != DrillStatus.FINISHED,
        phases=list(Phase.choices),
        hidden=all_cards - sum(1 for card in cards if card.revealed_at),
        limits=(MIN_TIME, MAX_TIME),
        more_time=drill.time_limit + EXTRA_TIME
        if drill.time_limit + EXTRA_TIME <= MAX_TIME
        else None,
    )


def drills_for(user: User) -> list[Drill]:
    return list(
        access.drills_visible_to(user).select_related("game_master", "team", "postmortem")[:50]
    )
