"""Wheel of Misfortune drills. Rules, one per line:

* a drill is written from a published postmortem its creator may read, for a game master
  who may read it too; the incident's commander and responders are invited to run it;
* only the game master starts it, moves it from phase to phase, reveals (or hides again) a
  card, finishes it, and keeps the debrief notes (which anyone may read afterwards);
* the game master pauses the clock while it runs (the time paused is given back) and changes
  the time limit until it is finished;
* until it is finished the game master corrects the opening, the cards (a name the writing
  missed, a clue too plain) and the questions, adds them and takes them off; cards stay in
  the order of their phase, then their time, questions in the order of their phase;
* anyone who may read the postmortem joins as a player, but never the game master (who holds
  the answer key);
* every change is told to the drill's open pages, without content: they fetch it again
  through the rulebook, so a player's page never receives an unrevealed card;
* the wheel picks a published postmortem with a timeline at random, each team as likely as
  any other, and within a team each service, so the busiest team does not fill every drill.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hansei import access
from hansei.accounts.models import Team, User
from hansei.core.errors import InvalidState
from hansei.culture.drills.live import drill_changed_on_commit
from hansei.culture.drills.models import (
    MAX_TIME,
    MIN_TIME,
    Drill,
    DrillCard,
    DrillPlayer,
    DrillQuestion,
    DrillStatus,
    Phase,
)
from hansei.culture.drills.scenario import write_scenario
from hansei.culture.text import required_text
from hansei.incidents.models import Incident, Service
from hansei.notifications import kinds
from hansei.notifications.dispatch import Message, send
from hansei.notifications.models import NotificationKind
from hansei.notifications.reasons import RESPONDED
from hansei.postmortems.document.models import Postmortem
from hansei.postmortems.timeline.models import TimelineKind

MAX_DEBRIEF = 20000
MAX_OPENING, MAX_CARD, MAX_REVEALS, MAX_QUESTION = 5000, 2000, 500, 500
MAX_OFFSET = 7 * 24 * 60  # minutes either side of the opening
MIN_TIMELINE = 2  # a drill needs an opening and at least one card
RECENT = 180  # days: the wheel passes over what was drilled since, while it has a choice
# Timeline entries people wrote (not the incident's milestones Hansei writes in).
WRITTEN = ~Q(timeline__kind=TimelineKind.MILESTONE) | Q(timeline__source="")


@transaction.atomic
def create_drill(
    *, actor: User, postmortem: Postmortem, game_master: User, time_limit: int = 45
) -> Drill:
    access.require(access.can_create_drill(actor, postmortem))
    if not game_master.is_active or not access.can_view_postmortem(game_master, postmortem):
        raise ValidationError({"game_master": _("Choose someone who may read the postmortem.")})
    _time_limit(time_limit)
    revision = postmortem.latest_revision()
    scenario = write_scenario(postmortem, revision) if revision is not None else None
    if revision is None or scenario is None or not scenario.cards:
        raise ValidationError(_("A drill needs a published timeline of two entries or more."))
    drill = Drill.objects.create(
        postmortem=postmortem,
        revision=revision,
        team=postmortem.team,
        title=scenario.title[:200],
        game_master=game_master,
        language=postmortem.language or "en",
        opening=scenario.opening[:5000],
        answer_key=scenario.answer_key,
        time_limit=time_limit,
        created_by=actor,
        created_at=timezone.now(),  # called here: the demo's clock is its own
    )
    DrillCard.objects.bulk_create(
        DrillCard(
            drill=drill,
            position=number,
            phase=card.phase,
            offset_minutes=card.offset_minutes,
            text=card.text[:2000],
            reveals=card.reveals[:500],
        )
        for number, card in enumerate(scenario.cards)
    )
    DrillQuestion.objects.bulk_create(
        DrillQuestion(drill=drill, phase=phase, position=number, text=text)
        for number, (phase, text) in enumerate(scenario.questions)
    )
    _invite_responders(drill, actor)
    return drill


def _invite_responders(drill: Drill, actor: User) -> list[User]:
    """Those who responded know the story best: they are asked to help run it."""
    incidents = Incident.objects.filter(postmortem=drill.postmortem)
    people = User.objects.filter(is_active=True).filter(
        pk__in=[
            *incidents.exclude(commander=None).values_list("commander", flat=True),
            *incidents.values_list("responders", flat=True),
        ]
    )
    message = Message(
        kind=NotificationKind.DRILL,
        postmortem=drill.postmortem,
        actor=actor,
        key=f"drill:{drill.pk}",
        text=kinds.DRILL_TEXT,
        url=reverse("culture:drill", args=[drill.pk]),
        email="drill",
        ids={"drill": drill.pk},
    )
    return send(message, [(person, RESPONDED) for person in people.order_by("pk")])


def _locked(drill: Drill, actor: User) -> Drill:
    found = Drill.objects.select_for_update().get(pk=drill.pk)
    access.require(access.is_game_master(actor, found))
    return found


@transaction.atomic
def start_drill(*, actor: User, drill: Drill) -> Drill:
    drill = _locked(drill, actor)
    if drill.status != DrillStatus.PLANNED:
        raise InvalidState(_("This drill has started already."))
    drill.status = DrillStatus.RUNNING
    drill.started_at = timezone.now()
    drill.save(update_fields=["status", "started_at"])
    drill_changed_on_commit(drill.pk)
    return drill


@transaction.atomic
def set_phase(*, actor: User, drill: Drill, phase: str) -> Drill:
    drill = _locked(drill, actor)
    if phase not in Phase.values:
        raise ValidationError({"phase": _("Detection, diagnosis or mitigation.")})
    if drill.status != DrillStatus.RUNNING:
        raise InvalidState(_("The drill is not running."))
    drill.phase = phase
    drill.save(update_fields=["phase"])
    drill_changed_on_commit(drill.pk)
    return drill


def _time_limit(value: Any) -> int:
    if type(value) is not int or not MIN_TIME <= value <= MAX_TIME:
        raise ValidationError(
            {
                "time_limit": _("Between %(low)s and %(high)s minutes.")
                % {"low": MIN_TIME, "high": MAX_TIME}
            }
        )
    return value


def _resumed(drill: Drill) -> list[str]:
    """Starts the clock again: the time it stood still is added to the pauses."""
    if drill.paused_at is None:
        return []
    drill.paused_seconds += max(0, int((timezone.now() - drill.paused_at).total_seconds()))
    drill.paused_at = None
    return ["paused_at", "paused_seconds"]


@transaction.atomic
def set_clock(
    *, actor: User, drill: Drill, paused: bool | None = None, time_limit: int | None = None
) -> Drill:
    """Pause or resume the clock of a running drill; change its time limit (minutes) until it
    is finished. None leaves that part as it is."""
    drill = _locked(drill, actor)
    if drill.status == DrillStatus.FINISHED:
        raise InvalidState(_("The drill is over: it stays as it was played."))
    fields = []
    if time_limit is not None:
        drill.time_limit = _time_limit(time_limit)
        fields.append("time_limit")
    if paused is not None:
        if drill.status != DrillStatus.RUNNING:
            raise InvalidState(_("The clock runs once the drill has started."))
        if paused and drill.paused_at is None:
            drill.paused_at = timezone.now()
            fields.append("paused_at")
        elif not paused:
            fields += _resumed(drill)
    if fields:
        drill.save(update_fields=fields)
        drill_changed_on_commit(drill.pk)
    return drill


@transaction.atomic
def reveal_card(*, actor: User, card: DrillCard, revealed: bool = True) -> DrillCard:
    drill = _locked(card.drill, actor)
    if drill.status != DrillStatus.RUNNING:
        raise InvalidState(_("The drill is not running."))
    card = DrillCard.objects.select_for_update().get(pk=card.pk)
    card.revealed_at = (card.revealed_at or timezone.now()) if revealed else None
    card.save(update_fields=["revealed_at"])
    drill_changed_on_commit(drill.pk)
    return card


def _editable(drill: Drill, actor: User) -> Drill:
    found = _locked(drill, actor)
    if found.status == DrillStatus.FINISHED:
        raise InvalidState(_("The drill is over: it stays as it was played."))
    return found


@transaction.atomic
def save_opening(*, actor: User, drill: Drill, opening: str) -> Drill:
    drill = _editable(drill, actor)
    drill.opening = required_text(
        opening,
        field="opening",
        limit=MAX_OPENING,
        missing=_("Write what the players see first."),
    )
    drill.save(update_fields=["opening"])
    drill_changed_on_commit(drill.pk)
    return drill


@transaction.atomic
def save_card(
    *,
    actor: User,
    drill: Drill,
    card: DrillCard | None = None,
    phase: str,
    offset_minutes: int | None,
    text: str,
    reveals: str,
) -> DrillCard:
    """Change ``card`` of ``drill``, or add a card to it when ``card`` is None."""
    drill = _editable(drill, actor)
    if card is not None and card.drill_id != drill.pk:
        raise ValidationError(_("That card belongs to another drill."))
    _phase_of(phase)
    if offset_minutes is not None and (
        type(offset_minutes) is not int or abs(offset_minutes) > MAX_OFFSET
    ):
        raise ValidationError(
            {"offset_minutes": _("At most %(n)s minutes either way.") % {"n": MAX_OFFSET}}
        )
    fields = {
        "phase": phase,
        "offset_minutes": offset_minutes,
        "text": required_text(
            text, field="text", limit=MAX_CARD, missing=_("Write what the players learn.")
        ),
        "reveals": required_text(
            reveals,
            field="reveals",
            limit=MAX_REVEALS,
            missing=_("Say what the players must do to see it."),
        ),
    }
    return _put(drill, drill.cards, card, fields, _story_order)


@transaction.atomic
def remove_card(*, actor: User, card: DrillCard) -> None:
    drill = _editable(card.drill, actor)
    if drill.cards.count() <= 1:
        raise InvalidState(_("A drill keeps at least one card."))
    DrillCard.objects.filter(pk=card.pk).delete()  # a gap in the numbers orders the same
    drill_changed_on_commit(drill.pk)


def _phase_of(value: str) -> str:
    if value not in Phase.values:
        raise ValidationError({"phase": _("Choose the phase it belongs to.")})
    return value


@transaction.atomic
def save_question(
    *, actor: User, drill: Drill, question: DrillQuestion | None = None, phase: str, text: str
) -> DrillQuestion:
    """Change ``question`` of ``drill``, or add one when ``question`` is None."""
    drill = _editable(drill, actor)
    if question is not None and question.drill_id != drill.pk:
        raise ValidationError(_("That question belongs to another drill."))
    fields = {
        "phase": _phase_of(phase),
        "text": required_text(
            text, field="text", limit=MAX_QUESTION, missing=_("Write the question.")
        ),
    }
    return _put(drill, drill.questions, question, fields, _phase_order)


@transaction.atomic
def remove_question(*, actor: User, question: DrillQuestion) -> None:
    drill = _editable(question.drill, actor)
    DrillQuestion.objects.filter(pk=question.pk).delete()
    drill_changed_on_commit(drill.pk)


def _story_order(card: DrillCard) -> tuple[int, bool, int, int]:
    """By phase, then time (cards without one last in their phase)."""
    at = card.offset_minutes
    return (Phase.values.index(card.phase), at is None, at or 0, card.position)


def _phase_order(question: DrillQuestion) -> tuple[int, int]:
    return (Phase.values.index(question.phase), question.position)


def _put(
    drill: Drill, rows: Any, row: Any | None, fields: dict[str, Any], order: Callable[[Any], Any]
) -> Any:
    """``row`` of ``rows`` (a drill's cards or questions) given ``fields``, or a new one last
    when it is None; then all of them numbered 1, 2, 3… in ``order``; the pages told."""
    if row is None:
        last = rows.order_by("-position").values_list("position", flat=True).first()
        row = rows.create(position=(last or 0) + 1, **fields)
    else:
        rows.filter(pk=row.pk).update(**fields)
    ordered = sorted(rows.all(), key=order)
    if [each.position for each in ordered] != list(range(1, len(ordered) + 1)):
        # Out of the way first: a card's position is unique within its drill.
        top = max(each.position for each in ordered) + 1
        for shift in (top, 0):
            for number, each in enumerate(ordered, start=1):
                each.position = shift + number
            rows.model.objects.bulk_update(ordered, ["position"])
    drill_changed_on_commit(drill.pk)
    row.refresh_from_db()
    return row


@transaction.atomic
def finish_drill(*, actor: User, drill: Drill) -> Drill:
    drill = _locked(drill, actor)
    if drill.status != DrillStatus.RUNNING:
        raise InvalidState(_("The drill is not running."))
    resumed = _resumed(drill)  # a clock paused at the end stops where it stood
    drill.status = DrillStatus.FINISHED
    drill.finished_at = timezone.now()
    drill.save(update_fields=["status", "finished_at", *resumed])
    drill_changed_on_commit(drill.pk)
    return drill


@transaction.atomic
def save_debrief(*, actor: User, drill: Drill, debrief: str) -> Drill:
    drill = _locked(drill, actor)
    if drill.status == DrillStatus.PLANNED:
        raise InvalidState(_("The debrief follows the drill: start it first."))
    text = (debrief or "").strip()
    if len(text) > MAX_DEBRIEF:
        raise ValidationError({"debrief": _("At most %(n)s characters.") % {"n": MAX_DEBRIEF}})
    drill.debrief, drill.debrief_by, drill.debrief_at = text, actor, timezone.now()
    drill.save(update_fields=["debrief", "debrief_by", "debrief_at"])
    drill_changed_on_commit(drill.pk)
    return drill


@transaction.atomic
def join_drill(*, actor: User, drill: Drill) -> DrillPlayer:
    access.require(access.can_play(actor, drill))
    if drill.status == DrillStatus.FINISHED:
        raise InvalidState(_("This drill is over."))
    try:
        with transaction.atomic():
            player = DrillPlayer.objects.create(drill=drill, person=actor, joined_at=timezone.now())
    except IntegrityError:
        return DrillPlayer.objects.get(drill=drill, person=actor)
    drill_changed_on_commit(drill.pk)
    return player


def spin_the_wheel(
    *,
    actor: User,
    team: Team | None = None,
    service: Service | None = None,
    rng: random.Random | None = None,
) -> Postmortem | None:
    """A published postmortem ``actor`` may read, with a timeline to play, at random: each
    team equally likely, and within a team each service (``team`` or ``service`` narrow it
    down); within a service, one not drilled in the last ``RECENT`` days when there is one.
    None when there is none."""
    candidates = (
        access.postmortems_visible_to(actor)
        .filter(published_at__isnull=False)
        .annotate(entries=Count("timeline", filter=WRITTEN, distinct=True))
        .filter(entries__gte=MIN_TIMELINE)
    )
    if team is not None:
        candidates = candidates.filter(team=team)
    if service is not None:
        candidates = candidates.filter(incidents__services=service)
    by_team: dict[int, dict[int | None, list[int]]] = defaultdict(lambda: defaultdict(list))
    rows = candidates.values_list("pk", "team_id", "incidents__services").order_by("pk")
    seen: set[int] = set()
    for pk, team_id, service_id in rows:
        if pk in seen:
            continue  # a postmortem of several services counts once, under its first
        seen.add(pk)
        by_team[team_id][service_id].append(pk)
    if not by_team:
        return None
    pick = rng or random.SystemRandom()
    services = by_team[pick.choice(sorted(by_team))]
    bucket = services[pick.choice(sorted(services, key=lambda s: (s is None, s or 0)))]
    drilled = set(
        Drill.objects.filter(
            postmortem__in=bucket, created_at__gte=timezone.now() - timedelta(days=RECENT)
        ).values_list("postmortem_id", flat=True)
    )
    return Postmortem.objects.get(
        pk=pick.choice([pk for pk in bucket if pk not in drilled] or bucket)
    )
