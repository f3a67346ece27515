from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from hansei.core.models import AuditEvent
from hansei.culture.awards import queries
from hansei.culture.awards.models import AwardRound, Vote
from hansei.culture.awards.months import default_window, month_of
from hansei.culture.awards.services import (
    announce_due_rounds,
    cast_vote,
    nominate_postmortem,
    set_voting_window,
    withdraw_vote,
)
from hansei.notifications.models import Notification, NotificationKind

pytestmark = pytest.mark.django_db


def open_voting(award_round: AwardRound, ada: Any) -> AwardRound:
    now = timezone.now()
    return set_voting_window(
        actor=ada,
        award_round=award_round,
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(hours=1),
    )


def close_voting(award_round: AwardRound, ada: Any) -> AwardRound:
    now = timezone.now()
    return set_voting_window(
        actor=ada,
        award_round=award_round,
        opens_at=now - timedelta(hours=2),
        closes_at=now - timedelta(minutes=1),
    )


# --- nominating -------------------------------------------------------------------------------


def test_a_nomination_goes_to_the_round_of_the_month_it_was_published(
    publish: Any, bob: Any
) -> None:
    postmortem = publish()

    nomination = nominate_postmortem(actor=bob, postmortem=postmortem, reason="A model timeline.")

    month = month_of(postmortem.published_at)
    assert nomination.round.month == month
    opens, closes = default_window(month)
    assert (nomination.round.voting_opens_at, nomination.round.voting_closes_at) == (opens, closes)
    assert opens.date().day == 1 and opens > postmortem.published_at
    assert nomination.nominated_by == bob and nomination.reason == "A model timeline."


def test_only_a_published_postmortem_everyone_may_read_is_nominated(
    publish: Any, make_postmortem: Any, alice: Any, bob: Any
) -> None:
    with pytest.raises(PermissionDenied):
        nominate_postmortem(actor=alice, postmortem=make_postmortem(), reason="Not yet.")
    restricted = publish("Leaked keys", restricted=True)
    with pytest.raises(PermissionDenied):
        nominate_postmortem(actor=alice, postmortem=restricted, reason="Its team reads it.")
    assert not AwardRound.objects.exists()


def test_a_postmortem_is_nominated_once_per_round_with_a_reason(publish: Any, bob: Any) -> None:
    postmortem = publish()
    for reason in ("", "   ", "x" * 1001):
        with pytest.raises(ValidationError):
            nominate_postmortem(actor=bob, postmortem=postmortem, reason=reason)
    nominate_postmortem(actor=bob, postmortem=postmortem, reason="First.")

    with pytest.raises(ValidationError, match="already nominated"):
        nominate_postmortem(actor=bob, postmortem=postmortem, reason="Again.")
    assert postmortem.award_nominations.count() == 1


def test_nominations_close_with_voting(publish: Any, bob: Any, ada: Any) -> None:
    first = publish()
    nomination = nominate_postmortem(actor=bob, postmortem=first, reason="Clear.")
    close_voting(nomination.round, ada)

    with pytest.raises(ValidationError, match="closed"):
        nominate_postmortem(actor=bob, postmortem=publish("Second"), reason="Late.")


# --- voting -----------------------------------------------------------------------------------


def test_nobody_votes_before_the_window_opens(publish: Any, bob: Any) -> None:
    nomination = nominate_postmortem(actor=bob, postmortem=publish(), reason="Clear.")

    with pytest.raises(ValidationError, match="not open"):
        cast_vote(actor=bob, nomination=nomination)
    assert not Vote.objects.exists()


def test_each_person_votes_once_and_may_move_the_vote(
    publish: Any, alice: Any, bob: Any, ada: Any
) -> None:
    one = nominate_postmortem(actor=bob, postmortem=publish("One"), reason="Clear.")
    two = nominate_postmortem(actor=alice, postmortem=publish("Two"), reason="Deep.")
    open_voting(one.round, ada)

    cast_vote(actor=bob, nomination=one)
    cast_vote(actor=bob, nomination=one)
    cast_vote(actor=bob, nomination=two)

    assert list(Vote.objects.values_list("voter", "nomination")) == [(bob.pk, two.pk)]
    # The database itself refuses a second vote in the same round.
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(round=one.round, nomination=one, voter=bob)

    withdraw_vote(actor=bob, award_round=one.round)
    assert not Vote.objects.exists()


def test_votes_are_counted_in_the_open_only_once_announced(
    publish: Any, alice: Any, bob: Any, ada: Any
) -> None:
    nomination = nominate_postmortem(actor=bob, postmortem=publish(), reason="Clear.")
    award_round = open_voting(nomination.round, ada)
    cast_vote(actor=alice, nomination=nomination)

    view = queries.round_view(bob, award_round)
    assert (view.state, view.voters, view.counts, view.my_vote) == ("voting", 1, {}, None)
    assert queries.round_view(alice, award_round).my_vote == nomination.pk

    close_voting(nomination.round, ada)
    announce_due_rounds()

    announced = queries.round_view(bob, AwardRound.objects.get())
    assert announced.state == "announced" and announced.counts == {nomination.pk: 1}


# --- the voting window ------------------------------------------------------------------------


def test_only_admins_set_the_window_and_it_is_audited(publish: Any, bob: Any, ada: Any) -> None:
    award_round = nominate_postmortem(actor=bob, postmortem=publish(), reason="Clear.").round
    now = timezone.now()
    with pytest.raises(PermissionDenied):
        set_voting_window(actor=bob, award_round=award_round, opens_at=now, closes_at=now)
    with pytest.raises(ValidationError):
        set_voting_window(
            actor=ada, award_round=award_round, opens_at=now, closes_at=now - timedelta(days=1)
        )

    open_voting(award_round, ada)

    [entry] = AuditEvent.objects.filter(action="award.window_changed")
    assert entry.actor == ada and set(entry.changes) == {"voting_opens_at", "voting_closes_at"}


# --- announcing -------------------------------------------------------------------------------


def test_the_winner_is_announced_once_to_everyone(
    publish: Any, alice: Any, bob: Any, charlie: Any, rita: Any, ada: Any
) -> None:
    one = nominate_postmortem(actor=bob, postmortem=publish("One"), reason="Clear.")
    two = nominate_postmortem(actor=alice, postmortem=publish("Two"), reason="Deep.")
    open_voting(one.round, ada)
    for voter in (bob, charlie):
        cast_vote(actor=voter, nomination=two)
    cast_vote(actor=alice, nomination=one)
    close_voting(one.round, ada)

    assert announce_due_rounds() == 1
    assert announce_due_rounds() == 0

    award_round = AwardRound.objects.get()
    assert award_round.winner == two and award_round.announced_at is not None
    told = Notification.objects.filter(kind=NotificationKind.AWARD)
    assert sorted(told.values_list("recipient__username", flat=True)) == sorted(
        ["alice", "bob", "charlie", "rita", "ada"]
    )
    assert "“Two” is the postmortem of the month" in told.get(recipient=charlie).text
    assert queries.awards_of(two.postmortem) == [award_round]
    assert [n.pk for n in queries.hall_of_fame(charlie)] == [two.pk]


def test_a_tie_goes_to_the_earliest_nomination(
    publish: Any, alice: Any, bob: Any, ada: Any
) -> None:
    first = nominate_postmortem(actor=bob, postmortem=publish("First"), reason="Clear.")
    second = nominate_postmortem(actor=bob, postmortem=publish("Second"), reason="Deep.")
    open_voting(first.round, ada)
    cast_vote(actor=alice, nomination=second)
    cast_vote(actor=bob, nomination=first)
    close_voting(first.round, ada)

    announce_due_rounds()

    assert AwardRound.objects.get().winner == first


def test_a_round_without_votes_has_no_winner_and_tells_nobody(
    publish: Any, bob: Any, ada: Any
) -> None:
    nomination = nominate_postmortem(actor=bob, postmortem=publish(), reason="Clear.")
    close_voting(nomination.round, ada)

    announce_due_rounds()

    award_round = AwardRound.objects.get()
    assert award_round.announced_at is not None and award_round.winner is None
    assert not Notification.objects.filter(kind=NotificationKind.AWARD).exists()


def test_a_postmortem_restricted_since_it_was_nominated_cannot_win(
    publish: Any, alice: Any, bob: Any, charlie: Any, ada: Any
) -> None:
    from hansei.postmortems.document.models import Postmortem

    hidden = nominate_postmortem(actor=bob, postmortem=publish("Hidden"), reason="Clear.")
    shown = nominate_postmortem(actor=bob, postmortem=publish("Shown"), reason="Deep.")
    open_voting(hidden.round, ada)
    cast_vote(actor=alice, nomination=hidden)
    cast_vote(actor=bob, nomination=hidden)
    cast_vote(actor=charlie, nomination=shown)
    Postmortem.objects.filter(pk=hidden.postmortem_id).update(restricted=True)
    close_voting(hidden.round, ada)

    announce_due_rounds()

    assert AwardRound.objects.get().winner == shown
    # Charlie, outside its team, never sees the restricted nomination.
    view = queries.round_view(charlie, AwardRound.objects.get())
    assert [n.pk for n in view.nominations] == [shown.pk]
