"""Postmortem of the month: nominate, vote, set the voting window, announce the winner.

Rules, one per line:

* a round is for the postmortems first published in its month (in the server's time zone);
* its voting window opens, unless an admin moves it, on the first day of the next month and
  lasts ``months.VOTING_DAYS`` days; nominations are taken until voting closes;
* a postmortem is nominated once per round, with a reason; only a published postmortem that
  everyone may read (the winner is announced to the whole organisation);
* each person has one vote per round (the database refuses a second row) and may move it
  while the window is open;
* after the window, the worker announces the round once: the nomination with most votes,
  the earliest nominated first among equals; a round without votes has no winner; a
  nomination whose postmortem was restricted since cannot win.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hansei import access
from hansei.accounts.models import User
from hansei.core.audit import change, record
from hansei.culture.announcements import announce_award
from hansei.culture.awards.models import AwardRound, Nomination, Vote
from hansei.culture.awards.months import default_window, month_of
from hansei.culture.text import required_text
from hansei.postmortems.document.models import Postmortem

MAX_REASON = 1000


def round_for(month: date) -> AwardRound:
    """The month's round, made with the default window the first time it is needed."""
    opens, closes = default_window(month)
    award_round, _created = AwardRound.objects.get_or_create(
        month=month, defaults={"voting_opens_at": opens, "voting_closes_at": closes}
    )
    return award_round


@transaction.atomic
def nominate_postmortem(*, actor: User, postmortem: Postmortem, reason: str) -> Nomination:
    access.require(
        access.can_nominate(actor, postmortem),
        _("Only a published postmortem everyone may read can be nominated."),
    )
    text = required_text(
        reason, field="reason", limit=MAX_REASON, missing=_("Say why it deserves it.")
    )
    assert postmortem.published_at is not None  # can_nominate
    award_round = AwardRound.objects.select_for_update().get(
        pk=round_for(month_of(postmortem.published_at)).pk
    )
    if not award_round.takes_nominations():
        raise ValidationError(
            _("Nominations for %(month)s are closed.") % {"month": str(award_round)}
        )
    if award_round.nominations.filter(postmortem=postmortem).exists():
        raise ValidationError(
            _("This postmortem is already nominated for %(month)s.") % {"month": str(award_round)}
        )
    return Nomination.objects.create(
        round=award_round,
        postmortem=postmortem,
        nominated_by=actor,
        reason=text,
        created_at=timezone.now(),  # called here: the demo replays history on its own clock
    )


@transaction.atomic
def cast_vote(*, actor: User, nomination: Nomination) -> Vote:
    """Vote for ``nomination``, or move this round's vote to it."""
    access.require(access.can_vote(actor))
    award_round = AwardRound.objects.select_for_update().get(pk=nomination.round_id)
    if not award_round.is_voting_open():
        raise ValidationError(_("Voting for %(month)s is not open.") % {"month": str(award_round)})
    vote, _created = Vote.objects.update_or_create(
        round=award_round,
        voter=actor,
        defaults={"nomination": nomination, "cast_at": timezone.now()},
    )
    return vote


@transaction.atomic
def withdraw_vote(*, actor: User, award_round: AwardRound) -> None:
    access.require(access.can_vote(actor))
    locked = AwardRound.objects.select_for_update().get(pk=award_round.pk)
    if not locked.is_voting_open():
        raise ValidationError(_("Voting for %(month)s is not open.") % {"month": str(locked)})
    Vote.objects.filter(round=locked, voter=actor).delete()


@transaction.atomic
def set_voting_window(
    *, actor: User, award_round: AwardRound, opens_at: datetime, closes_at: datetime
) -> AwardRound:
    access.require(access.can_set_voting_window(actor))
    locked = AwardRound.objects.select_for_update().get(pk=award_round.pk)
    if locked.announced_at is not None:
        raise ValidationError(_("This round is already announced."))
    if any(timezone.is_naive(moment) for moment in (opens_at, closes_at)):
        raise ValidationError(_("Give the times with their time zone."))
    if opens_at >= closes_at:
        raise ValidationError({"voting_closes_at": _("Voting must close after it opens.")})
    if closes_at > timezone.now() + timedelta(days=366):
        raise ValidationError({"voting_closes_at": _("Close voting within a year.")})
    changes = {
        "voting_opens_at": change(locked.voting_opens_at, opens_at),
        "voting_closes_at": change(locked.voting_closes_at, closes_at),
    }
    locked.voting_opens_at, locked.voting_closes_at = opens_at, closes_at
    locked.save(update_fields=["voting_opens_at", "voting_closes_at"])
    record("award.window_changed", actor=actor, target=locked, changes=changes)
    return locked


def winner_of(award_round: AwardRound) -> Nomination | None:
    """Most votes, then the earliest nominated; never one restricted since it was nominated."""
    counted = (
        award_round.nominations.filter(postmortem__restricted=False)
        .annotate(count=Count("votes"))
        .filter(count__gt=0)
        .order_by("-count", "created_at", "pk")
    )
    return counted.first()


def announce_due_rounds(now: datetime | None = None) -> int:
    """Announce every round whose window has closed (the worker, every few minutes; a round is
    announced once, whichever worker gets it). How many were announced."""
    now = now or timezone.now()
    announced = 0
    for pk in AwardRound.objects.due_for_announcement(now).values_list("pk", flat=True):
        announced += _announce(pk, now)
    return announced


@transaction.atomic
def _announce(pk: int, now: datetime) -> int:
    award_round = (
        AwardRound.objects.select_for_update(skip_locked=True)
        .filter(Q(pk=pk) & Q(announced_at__isnull=True))
        .first()
    )
    if award_round is None:
        return 0
    award_round.winner = winner_of(award_round)
    award_round.announced_at = now
    award_round.save(update_fields=["winner", "announced_at"])
    if award_round.winner is not None:
        announce_award(award_round.winner)
    return 1
