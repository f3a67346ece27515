"""A small fixed world for the insights' tests: every timestamp known, so every figure can be
worked out by hand (the expected numbers are written in the tests, not computed).

The period is March 2025 and "today" is 10 April 2025. Rows are written straight to the
tables (a test sets up whatever world it needs), then their automatic timestamps are set.

Incidents (UTC; minutes after the start: detected / acknowledged / mitigated / resolved):

    I1 Payments SEV2 checkout          3 Mar 10:00   5 / 15 / 60 / 120       P1
    I2 Payments SEV1 checkout, ledger  5 Mar 00:00   30 / 40 / 180 / 600     P2
    I3 Payments SEV3 ledger           12 Mar 08:00   1 / 2 / 20 / 30         P3 (restricted)
    I4 Search   SEV2 search-api       20 Mar 12:00   120 / - / 240 / 1440    P4
    I5 Payments SEV3 checkout         25 Mar 09:00   - / - / - / 45          P5 (a draft)
    I6 Payments SEV2 checkout         20 Feb 10:00   (before the period)     P0

Postmortems (created, first review requested, published, due, review rounds):

    P0 Payments  20 Feb   -                    21 Feb   25 Feb   1
    P1 Payments   3 Mar 14:00   4 Mar 14:00    6 Mar 14:00   due 6 Mar (on the day)   1
    P2 Payments   6 Mar 10:00   8 Mar 10:00   20 Mar 10:00   due 10 Mar (late)        2
    P3 Payments  12 Mar 09:00  12 Mar 21:00   14 Mar 09:00   due 19 Mar, restricted   1
    P4 Search    22 Mar 12:00  25 Mar 12:00   28 Mar 12:00   due 27 Mar (late)        5
    P5 Payments  26 Mar 10:00   -              -             due 20 Apr (not yet due)
    P6 Payments  28 Mar 10:00   -              -             due 2 Apr (late), no incident

Contributing factors: P1 config ×2; P2 config, capacity and one without a category;
P3 capacity; P4 config.

Action items (postmortem, priority, created, due, status, completed):

    A1 P1 P0  4 Mar  10 Mar  done 10 Mar 23:30   fixes config on checkout; recurred in P5
    A2 P1 P1  4 Mar  20 Mar  done 22 Mar
    A3 P2 P1  7 Mar  25 Mar  in progress
    A4 P2 P2  7 Mar  30 Apr  open
    A5 P3 P0 13 Mar  15 Mar  done 15 Mar 08:00   fixes capacity on ledger
    A6 P4 P2 23 Mar  30 Mar  open
    A7 P2 P3  7 Mar  28 Mar  won't do
    A8 P0 P1 21 Feb   1 Mar  done 28 Feb

Writing check: open findings recorded at publication: P1 blame-person ×2 and
counterfactual ×1, P2 none, P3 blame-person ×1, P4 none. Dismissals: P1 blame-person
(5 Mar) and judgemental (5 Mar), P3 blame-person (13 Mar), P0 blame-person (20 Feb).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from hansei.accounts.models import Team
from hansei.action_items.models import ActionItem, Recurrence
from hansei.incidents.models import Incident, Service, Severity
from hansei.insights.models import PublicationCheck, PublicationFinding
from hansei.insights.scope import Scope
from hansei.postmortems.analysis.models import ContributingFactor, ContributingFactorCategory
from hansei.postmortems.document.models import Postmortem, Revision, Status
from hansei.postmortems.writing_check.models import LintDismissal
from hansei.reviews.models import Review

MARCH = Scope(since=date(2025, 3, 1), until=date(2025, 3, 31), today=date(2025, 4, 10))


def at(day: int, hour: int = 0, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=UTC)


@dataclass
class World:
    services: dict[str, Service] = field(default_factory=dict)
    categories: dict[str, ContributingFactorCategory] = field(default_factory=dict)
    incidents: dict[str, Incident] = field(default_factory=dict)
    postmortems: dict[str, Postmortem] = field(default_factory=dict)
    items: dict[str, ActionItem] = field(default_factory=dict)


def _incident(
    world: World,
    name: str,
    team: Team,
    level: int,
    services: list[str],
    start: datetime,
    minutes: tuple[int | None, ...],
) -> Incident:
    marks = [start + timedelta(minutes=m) if m is not None else None for m in minutes]
    incident = Incident.objects.create(
        title=name,
        team=team,
        severity=Severity.objects.get(level=level),
        started_at=start,
        detected_at=marks[0],
        acknowledged_at=marks[1],
        mitigated_at=marks[2],
        resolved_at=marks[3],
    )
    incident.services.set([world.services[s] for s in services])
    world.incidents[name] = incident
    return incident


def _postmortem(
    world: World, name: str, team: Team, owner: Any, created: datetime, due: date, **extra: Any
) -> Postmortem:
    postmortem = Postmortem.objects.create(
        title=name, team=team, owner=owner, due_date=due, **extra
    )
    Postmortem.objects.filter(pk=postmortem.pk).update(created_at=created)
    world.postmortems[name] = postmortem
    return postmortem


def _published(
    world: World,
    name: str,
    team: Team,
    owner: Any,
    created: datetime,
    published: datetime,
    due: date,
    rounds: int,
    **extra: Any,
) -> Postmortem:
    return _postmortem(
        world,
        name,
        team,
        owner,
        created,
        due,
        status=Status.PUBLISHED,
        published_at=published,
        review_round=rounds,
        **extra,
    )


def build_world(*, alice: Any, charlie: Any, rita: Any, payments: Team, search: Team) -> World:
    world = World()
    for name, slug, team in (
        ("Checkout", "checkout", payments),
        ("Ledger", "ledger", payments),
        ("Search API", "search-api", search),
    ):
        world.services[slug] = Service.objects.create(name=name, slug=slug, team=team)
    for key, name in (("config", "Config push"), ("capacity", "Capacity limit")):
        world.categories[key] = ContributingFactorCategory.objects.create(name=name, position=90)
    _incidents(world, payments, search)
    _postmortems(world, alice, charlie, payments, search)
    _reviews(world, alice, rita)
    _factors(world)
    _action_items(world, alice)
    _writing_check(world, alice)
    return world


def _incidents(world: World, payments: Team, search: Team) -> None:
    _incident(world, "I1", payments, 2, ["checkout"], at(3, 10), (5, 15, 60, 120))
    _incident(world, "I2", payments, 1, ["checkout", "ledger"], at(5), (30, 40, 180, 600))
    _incident(world, "I3", payments, 3, ["ledger"], at(12, 8), (1, 2, 20, 30))
    _incident(world, "I4", search, 2, ["search-api"], at(20, 12), (120, None, 240, 1440))
    _incident(world, "I5", payments, 3, ["checkout"], at(25, 9), (None, None, None, 45))
    _incident(world, "I6", payments, 2, ["checkout"], at(20, 10, month=2), (5, 10, 30, 60))


def _postmortems(world: World, alice: Any, charlie: Any, payments: Team, search: Team) -> None:
    _published(
        world, "P0", payments, alice, at(20, 12, month=2), at(21, 12, month=2), date(2025, 2, 25), 1
    )
    _published(world, "P1", payments, alice, at(3, 14), at(6, 14), date(2025, 3, 6), 1)
    _published(world, "P2", payments, alice, at(6, 10), at(20, 10), date(2025, 3, 10), 2)
    _published(
        world, "P3", payments, alice, at(12, 9), at(14, 9), date(2025, 3, 19), 1, restricted=True
    )
    _published(world, "P4", search, charlie, at(22, 12), at(28, 12), date(2025, 3, 27), 5)
    _postmortem(world, "P5", payments, alice, at(26, 10), date(2025, 4, 20))
    _postmortem(world, "P6", payments, alice, at(28, 10), date(2025, 4, 2))
    for incident, postmortem in (
        ("I1", "P1"),
        ("I2", "P2"),
        ("I3", "P3"),
        ("I4", "P4"),
        ("I5", "P5"),
        ("I6", "P0"),
    ):
        Incident.objects.filter(pk=world.incidents[incident].pk).update(
            postmortem=world.postmortems[postmortem]
        )


def _reviews(world: World, alice: Any, rita: Any) -> None:
    for name, requested, round_ in (
        ("P1", at(4, 14), 1),
        ("P1", at(5, 9), 1),
        ("P2", at(8, 10), 1),
        ("P2", at(15, 10), 2),
        ("P3", at(12, 21), 1),
        ("P4", at(25, 12), 1),
    ):
        reviewer = rita if requested != at(5, 9) else alice
        review = Review.objects.create(
            postmortem=world.postmortems[name], reviewer=reviewer, round=round_, requested_by=alice
        )
        Review.objects.filter(pk=review.pk).update(requested_at=requested)


def _factors(world: World) -> None:
    config, capacity = world.categories["config"], world.categories["capacity"]
    for name, category in (
        ("P1", config),
        ("P1", config),
        ("P2", config),
        ("P2", capacity),
        ("P2", None),
        ("P3", capacity),
        ("P4", config),
    ):
        postmortem = world.postmortems[name]
        factor = ContributingFactor.objects.create(
            postmortem=postmortem, category=category, description="A factor"
        )
        created = Postmortem.objects.get(pk=postmortem.pk).created_at + timedelta(hours=1)
        ContributingFactor.objects.filter(pk=factor.pk).update(created_at=created)


def _action_items(world: World, alice: Any) -> None:
    rows = (
        ("A1", "P1", "P0", at(4), date(2025, 3, 10), "done", at(10, 23, 30)),
        ("A2", "P1", "P1", at(4), date(2025, 3, 20), "done", at(22, 9)),
        ("A3", "P2", "P1", at(7), date(2025, 3, 25), "in_progress", None),
        ("A4", "P2", "P2", at(7), date(2025, 4, 30), "open", None),
        ("A5", "P3", "P0", at(13), date(2025, 3, 15), "done", at(15, 8)),
        ("A6", "P4", "P2", at(23), date(2025, 3, 30), "open", None),
        ("A7", "P2", "P3", at(7), date(2025, 3, 28), "wont_do", None),
        ("A8", "P0", "P1", at(21, month=2), date(2025, 3, 1), "done", at(28, month=2)),
    )
    for name, postmortem, priority, created, due, status, completed in rows:
        item = ActionItem.objects.create(
            postmortem=world.postmortems[postmortem],
            title=name,
            owner=alice,
            priority=priority,
            due_date=due,
            status=status,
            completed_at=completed,
        )
        ActionItem.objects.filter(pk=item.pk).update(created_at=created)
        world.items[name] = item
    world.items["A1"].addresses_factors.set([world.categories["config"]])
    world.items["A1"].addresses_services.set([world.services["checkout"]])
    world.items["A5"].addresses_factors.set([world.categories["capacity"]])
    world.items["A5"].addresses_services.set([world.services["ledger"]])
    Recurrence.objects.create(
        item=world.items["A1"],
        postmortem=world.postmortems["P5"],
        factor=world.categories["config"],
        service=world.services["checkout"],
    )


def _writing_check(world: World, alice: Any) -> None:
    published = {
        "P1": {"blame-person": 2, "counterfactual": 1},
        "P2": {},
        "P3": {"blame-person": 1},
        "P4": {},
    }
    for name, rules in published.items():
        postmortem = world.postmortems[name]
        assert postmortem.published_at is not None
        revision = Revision.objects.create(
            postmortem=postmortem, number=1, snapshot={}, published_at=postmortem.published_at
        )
        check = PublicationCheck.objects.create(
            revision=revision,
            postmortem=postmortem,
            published_at=postmortem.published_at,
            open_findings=sum(rules.values()),
        )
        for rule, count in rules.items():
            PublicationFinding.objects.create(publication=check, rule_id=rule, count=count)
    for name, rule, when in (
        ("P1", "blame-person", at(5)),
        ("P1", "judgemental", at(5, 1)),
        ("P3", "blame-person", at(13)),
        ("P0", "blame-person", at(20, month=2)),
    ):
        LintDismissal.objects.create(
            postmortem=world.postmortems[name],
            fingerprint=f"{name}-{rule}",
            rule_id=rule,
            reason="A quotation",
            dismissed_by=alice,
            created_at=when,
        )
