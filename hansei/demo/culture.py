"""The demo's culture programs, replayed after the stories on the same simulated clock:
postmortems nominated in the days after publication, the votes of every month whose window
has opened, the announcement of every month whose window has closed, kudos between writers
and reviewers, answers to the process surveys the publications opened, and the reading club:
two lists, a session held a month ago and one next week; a Wheel of Misfortune drill played
last week and one the wheel picked for next."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from django.db.models import Count

from hansei.culture.awards.models import AwardRound
from hansei.culture.awards.months import default_window, month_of
from hansei.culture.awards.services import announce_due_rounds, cast_vote, nominate_postmortem
from hansei.culture.drills import services as drills
from hansei.culture.feedback.models import Survey
from hansei.culture.feedback.services import answer_survey
from hansei.culture.kudos.models import KudosFor
from hansei.culture.kudos.services import give_kudos
from hansei.culture.reading import services as reading
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
    _read_together(clock, people, [p for published in months.values() for p in published])
    _drill(clock, people)


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


# Public postmortems every SRE team reads sooner or later (title, address, why).
CLASSICS = (
    (
        "Amazon S3 service disruption, US-EAST-1 (February 2017)",
        "https://aws.amazon.com/message/41926/",
        "A playbook command with a typo removed more capacity than intended; the restart "
        "took hours because the subsystems had not been restarted at that scale in years.",
    ),
    (
        "GitLab.com database outage (January 2017)",
        "https://about.gitlab.com/blog/2017/02/10/postmortem-of-database-outage-of-january-31/",
        "Five backup mechanisms, none of them working: read it for what was never tested.",
    ),
    (
        "Cloudflare outage on July 2, 2019",
        "https://blog.cloudflare.com/details-of-the-cloudflare-outage-on-july-2-2019/",
        "One regular expression, deployed everywhere at once: a lesson in staged rollouts.",
    ),
)
COMMENTS = (
    ("lucas", "Before we meet: which of our own runbooks has a command this dangerous?"),
    ("yuki", "S3 の件、再起動に時間がかかった理由が一番の学びでした。私たちの DB も同じでは？"),
    ("daniel", "Our failover has not been exercised at full size either. Worth a drill."),
)
NOTES = """**What we took away**

- Tools that remove capacity should refuse to go below a safe minimum (S3 added exactly that).
- Restarting at full scale is a behaviour of its own: we have never timed ours.
- One of our own postmortems had the same shape: a safe-looking change, applied everywhere at once.

**Follow-ups**

- Omar: a minimum-capacity guard on the scale-down script.
- Daniel: propose a Wheel of Misfortune drill on a cold database restart.
"""


def _read_together(clock: SimulatedClock, people: dict[str, Any], published: list[Any]) -> None:
    """Priya keeps the club's lists; Omar facilitated last month's session, Priya runs the
    next one."""
    real_now = clock.real_now
    clock.set(real_now - timedelta(days=45))
    classics = reading.create_list(
        actor=people["priya"],
        title="Outages everyone should know",
        description="Public postmortems from other companies that changed how the industry works.",
    )
    outside = [
        reading.add_reading(
            actor=people["priya"], reading_list=classics, link=url, title=title, note=why
        )
        for title, url, why in CLASSICS
    ]
    ours = reading.create_list(
        actor=people["priya"],
        title="Our own, worth rereading",
        description="Our postmortems with lessons beyond the team that wrote them.",
    )
    rereads = [
        reading.add_reading(actor=people["omar"], reading_list=ours, link=str(p.pk))
        for p in [p for p in published if not p.restricted][:2]
    ]
    held_at = (real_now - timedelta(days=30)).replace(hour=6, minute=0, second=0, microsecond=0)
    clock.set(held_at - timedelta(days=7))
    held = reading.schedule_session(
        actor=people["omar"],
        title="Restarting at scale: Amazon S3, 2017",
        starts_at=held_at,
        duration=60,
        location="Room Hakone / https://meet.example.com/reading-club",
        facilitator=people["omar"],
        readings=[outside[0], *rereads[:1]],
    )
    for username in ("lucas", "yuki", "daniel", "priya", "emma"):
        reading.set_going(actor=people[username], session=held, going=True)
    for username, body in COMMENTS:
        reading.add_comment(actor=people[username], session=held, body=body)
    clock.set(held_at + timedelta(minutes=75))
    reading.save_notes(actor=people["omar"], session=held, notes=NOTES)
    there = [people[name] for name in ("omar", "lucas", "yuki", "daniel", "priya")]
    reading.record_attendance(actor=people["omar"], session=held, people=there)
    clock.set(real_now - timedelta(days=2))
    upcoming = reading.schedule_session(
        actor=people["priya"],
        title="Backups nobody tested: GitLab 2017",
        starts_at=(real_now + timedelta(days=5)).replace(hour=6, minute=0, second=0, microsecond=0),
        duration=45,
        location="Room Hakone / https://meet.example.com/reading-club",
        facilitator=people["priya"],
        readings=[outside[1], outside[2]],
    )
    for username in ("omar", "grace", "lucas"):
        reading.set_going(actor=people[username], session=upcoming, going=True)
    reading.add_comment(
        actor=people["grace"],
        session=upcoming,
        body="When did we last restore a backup end to end? I will bring what I find.",
    )


DEBRIEF = """**What the players found quickly:** the error rate alert and the dashboards.

**What took long:** nobody thought of the recent change until the third card; the deploy log
is not linked from the alert.

**To change:** link recent deploys from the checkout alert; add this scenario to on-call
onboarding.
"""


def _drill(clock: SimulatedClock, people: dict[str, Any]) -> None:
    """Daniel ran a drill of the demo's richest public postmortem last week for Lucas and
    Yuki; the wheel picked the next one, which Priya will run."""
    real_now = clock.real_now
    clock.set(real_now - timedelta(days=8))
    richest = (
        Postmortem.objects.published()
        .filter(restricted=False)
        .annotate(entries=Count("timeline"))
        .order_by("-entries", "pk")
        .first()
    )
    if richest is None:
        return
    drill = drills.create_drill(
        actor=people["omar"], postmortem=richest, game_master=people["daniel"]
    )
    for username in ("lucas", "yuki"):
        drills.join_drill(actor=people[username], drill=drill)
    clock.set(real_now - timedelta(days=7))
    drills.start_drill(actor=people["daniel"], drill=drill)
    cards = list(drill.cards.all())
    for number, card in enumerate(cards[:-1]):
        clock.set(real_now - timedelta(days=7) + timedelta(minutes=4 * (number + 1)))
        if card.phase != drill.phase:
            drill = drills.set_phase(actor=people["daniel"], drill=drill, phase=card.phase)
        drills.reveal_card(actor=people["daniel"], card=card)
    clock.set(real_now - timedelta(days=7) + timedelta(minutes=45))
    drills.finish_drill(actor=people["daniel"], drill=drill)
    drills.save_debrief(actor=people["daniel"], drill=drill, debrief=DEBRIEF)
    clock.set(real_now - timedelta(days=1))
    picked = drills.spin_the_wheel(actor=people["priya"], rng=random.Random(3))
    if picked is not None and picked.pk != richest.pk:
        drills.create_drill(actor=people["priya"], postmortem=picked, game_master=people["priya"])
