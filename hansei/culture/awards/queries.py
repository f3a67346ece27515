"""Postmortem of the month as a reader sees it: the rounds, their nominations and votes.

Votes are counted in the open only once a round is announced (a running tally sways the
vote); until then a round shows how many have voted and, to each person, their own vote."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count
from django.http import Http404
from django.utils import timezone

from hansei import access
from hansei.accounts.models import User
from hansei.culture.awards.models import AwardRound, Nomination, Vote
from hansei.culture.awards.months import default_window, month_of
from hansei.postmortems.document.models import Postmortem


@dataclass
class RoundView:
    round: AwardRound
    nominations: Sequence[Nomination]
    voters: int
    my_vote: int | None  # the nomination voted for
    state: str  # "nominating", "voting", "counting", "announced"
    counts: dict[int, int] = field(default_factory=dict)  # once announced

    @property
    def winner(self) -> Nomination | None:
        winner_id = self.round.winner_id
        return next((n for n in self.nominations if n.pk == winner_id), None)


def state_of(award_round: AwardRound, now: datetime) -> str:
    if award_round.announced_at is not None:
        return "announced"
    if now < award_round.voting_opens_at:
        return "nominating"
    if now < award_round.voting_closes_at:
        return "voting"
    return "counting"


def round_view(user: User, award_round: AwardRound, now: datetime | None = None) -> RoundView:
    now = now or timezone.now()
    nominations = list(
        access.nominations_visible_to(user)
        .filter(round=award_round)
        .select_related("postmortem__team", "nominated_by")
        .annotate(vote_count=Count("votes"))
        .order_by("created_at", "pk")
    )
    state = state_of(award_round, now)
    mine = Vote.objects.filter(round=award_round, voter=user).values_list("nomination", flat=True)
    counts = {n.pk: n.vote_count for n in nominations} if state == "announced" else {}
    if state == "announced":
        nominations.sort(key=lambda n: (-n.vote_count, n.created_at, n.pk))
    return RoundView(
        round=award_round,
        nominations=nominations,
        voters=Vote.objects.filter(round=award_round).count(),
        my_vote=mine.first(),
        state=state,
        counts=counts,
    )


def current_rounds(user: User, now: datetime | None = None) -> list[RoundView]:
    """Rounds not announced yet, newest month first."""
    rounds = access.rounds_visible_to(user).filter(announced_at__isnull=True)
    return [round_view(user, r, now) for r in rounds.order_by("-month")]


def get_round(user: User, month: date) -> AwardRound:
    award_round = access.rounds_visible_to(user).filter(month=month).first()
    if award_round is None:
        raise Http404
    return award_round


def hall_of_fame(user: User) -> list[Nomination]:
    """Every month's winner the reader may read, newest first."""
    winners = AwardRound.objects.won().values("winner")
    return list(
        access.nominations_visible_to(user)
        .filter(pk__in=winners)
        .select_related("round", "postmortem__team", "postmortem__owner", "nominated_by")
        .annotate(vote_count=Count("votes"))
        .order_by("-round__month")
    )


def awards_of(postmortem: Postmortem) -> list[AwardRound]:
    """The months it won (its badge)."""
    return list(AwardRound.objects.filter(winner__postmortem=postmortem).order_by("month"))


def nomination_of(postmortem: Postmortem) -> Nomination | None:
    """Its nomination in a round still taking nominations or votes."""
    return (
        Nomination.objects.filter(postmortem=postmortem, round__announced_at__isnull=True)
        .select_related("round")
        .first()
    )


def takes_nominations(postmortem: Postmortem, now: datetime | None = None) -> bool:
    """Whether its month's round still takes nominations (before the round exists: whether
    its default window has not closed yet)."""
    if postmortem.published_at is None:
        return False
    now = now or timezone.now()
    month = month_of(postmortem.published_at)
    award_round = AwardRound.objects.filter(month=month).first()
    if award_round is None:
        return now < default_window(month)[1]
    return award_round.takes_nominations(now)
