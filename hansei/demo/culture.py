"""The demo's culture programs, replayed after the stories on the same simulated clock:
postmortems nominated in the days after publication, the votes of every month whose window
has opened, the announcement of every month whose window has closed, kudos between writers
and reviewers, and answers to the process surveys the publications opened."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from hansei.culture.awards.models import AwardRound
from hansei.culture.awards.months import default_window, month_of
from hansei.culture.awards.services import announce_due_rounds, cast_vote, nominate_postmortem
from hansei.culture.feedback.models import Survey
from hansei.culture.feedback.services import answer_survey
from hansei.culture.kudos.models import KudosFor
from hansei.culture.kudos.services import give_kudos
from hansei.demo.clock import SimulatedClock
from hansei.postmortems.document.models import Postmortem
from hansei.reviews.models import Review

NOMINATORS = ("emma", "omar", "yuki", "lucas")
REASONS = (
    "The timeline shows exactly when the signal was there and nobody was looking: "
    "every team with dashboards should read it.",
    "Trigger and root causes are kept apart, and the action items fix the class of failure, "
    "not just this instance.",
    "Honest about where we got lucky. The five whys go past the first easy answer.",
)
VOTERS = ("emma", "lucas", "omar", "priya", "yuki", "daniel", "grace", "tomas")
THANKS = {
    KudosFor.WRITING: "Clear, blameless and easy to follow: thank you for writing it up.",
    KudosFor.REVIEW: "Your questions in the review made the root cause much deeper.",
}


def play_culture(*, clock: SimulatedClock, people: dict[str, Any]) -> None:
    months: dict[date, list[Postmortem]] = defaultdict(list)
    for postmortem in (
        Postmortem.objects.published().filter(restricted=False).order_by("published_at")
    ):
        assert postmortem.published_at is not None
        months[month_of(postmortem.published_at)].append(postmortem)
    for month, published in sorted(months.items()):
        _nominate(clock, people, published)
        _vote(clock, people, month)
    _thank(clock, people, [p for published in months.values() for p in published])
    _answer_surveys(clock)


def _nominate(clock: SimulatedClock, people: dict[str, Any], published: list[Postmortem]) -> None:
    for number, postmortem in enumerate(published[:3]):
        assert postmortem.published_at is not None
        clock.set(postmortem.published_at + timedelta(days=2))
        nominate_postmortem(
            actor=people[NOMINATORS[number % len(NOMINATORS)]],
            postmortem=postmortem,
            reason=REASONS[number],
        )


def _vote(clock: SimulatedClock, people: dict[str, Any], month: date) -> None:
    opens, closes = default_window(month)
    award_round = AwardRound.objects.filter(month=month).first()
    if award_round is None or opens >= clock.real_now:
        return
    nominations = list(award_round.nominations.order_by("pk"))
    for number, username in enumerate(VOTERS[:-2]):
        clock.set(opens + timedelta(hours=10 + number))
        # Most votes go to the first nomination, a few elsewhere: a real contest.
        choice = nominations[0] if number % 3 else nominations[-1]
        cast_vote(actor=people[username], nomination=choice)
    clock.set(closes + timedelta(minutes=10))
    announce_due_rounds(clock.now())


def _thank(clock: SimulatedClock, people: dict[str, Any], published: list[Postmortem]) -> None:
    for postmortem in published[::2]:
        assert postmortem.published_at is not None
        review = Review.objects.filter(postmortem=postmortem).order_by("pk").first()
        if review is None:
            continue
        clock.set(postmortem.published_at + timedelta(hours=5))
        give_kudos(
            actor=review.reviewer,
            postmortem=postmortem,
            receiver=postmortem.owner,
            kind=KudosFor.WRITING,
            message=THANKS[KudosFor.WRITING],
            announce=True,
        )
        give_kudos(
            actor=postmortem.owner,
            postmortem=postmortem,
            receiver=review.reviewer,
            kind=KudosFor.REVIEW,
            message=THANKS[KudosFor.REVIEW],
        )


# What people said of the process: marks (helped, toil, tools) and what they would change.
ANSWERS = (
    (4, 2, 4, "Start the timeline from the incident channel automatically."),
    (5, 3, 4, ""),
    (3, 4, 2, "The review checklist took longer than the review itself."),
    (4, 3, 5, "A shorter template for SEV3s."),
)


def _answer_surveys(clock: SimulatedClock) -> None:
    """Most of those asked answer, in the days after publication, every other one
    anonymously; the last person asked of each survey has not answered yet."""
    for survey in Survey.objects.order_by("pk"):
        invitations = list(survey.invitations.select_related("user").order_by("user_id"))
        clock.set(survey.opened_at + timedelta(days=1))
        for number, invitation in enumerate(invitations[:-1]):
            helped, toil, tools, change = ANSWERS[(survey.pk + number) % len(ANSWERS)]
            answer_survey(
                actor=invitation.user,
                survey=survey,
                helped=helped,
                toil=toil,
                tools=tools,
                change=change,
                anonymous=number % 2 == 1,
            )
