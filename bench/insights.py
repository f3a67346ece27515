"""Insights speed: each dashboard figure against the raw queries it stands on.

    .venv/bin/python bench/insights.py [--postmortems 10000] [--rounds 5]
    HANSEI_DATABASE_URL=postgres://postgres@127.0.0.1:5432/hansei_bench_insights \
        .venv/bin/python bench/insights.py --postmortems 100000

It builds a throwaway database (SQLite in a temporary directory, or the PostgreSQL database
named by HANSEI_DATABASE_URL, dropped and created again) with ``--postmortems`` postmortems over
two years, written with ``bulk_create``: one incident each (and a tenth more without one) on
one or two of 20 services, reviews, contributing factors, two action items each (some fixes,
some recurring), publications with their writing-check findings, dismissals. 85% are
published, one in seven restricted to its team.

Then, for the last 365 days (the widest preset period) and a member of one of the five
teams (so the visibility rules do real work), it times:

* the reference: for each figure, one raw SQL statement over the same tables and period
  without visibility rules or filters: a count (or counts per group) of the rows the figure
  reads, or, where the figure computes percentiles in Python, the same durations it fetches;
* Hansei: the figure's function (``hansei.insights.queries``), and the whole dashboard as
  the page computes it (every figure, its table and its SVG chart).

It prints the medians in milliseconds and the ratio Hansei / reference.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from timing import median_ms  # bench/timing.py (run as python bench/insights.py)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BATCH = 2000
DAYS = 730
RULES = ("blame-person", "counterfactual", "human-error", "judgemental", "section-thin")


def _setup(postmortems: int) -> None:
    if not os.environ.get("HANSEI_DATABASE_URL"):
        os.environ["HANSEI_DATA_DIR"] = tempfile.mkdtemp(prefix="hansei-bench-insights-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hansei.settings")
    os.environ["HANSEI_LOG_LEVEL"] = "WARNING"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        _recreate_database(connection)
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    _build(postmortems)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"built in {time.perf_counter() - started:.0f} s")


def _recreate_database(connection: Any) -> None:
    """The database HANSEI_DATABASE_URL names, dropped and created empty."""
    name = connection.settings_dict["NAME"]
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')


def _stamped_by_hand() -> None:
    """Let bulk_create keep the times given (setup only: the history needs past dates)."""
    from hansei.action_items.models import ActionItem
    from hansei.postmortems.analysis.models import ContributingFactor
    from hansei.postmortems.document.models import Postmortem
    from hansei.reviews.models import Review

    for model, name in (
        (Postmortem, "created_at"),
        (ActionItem, "created_at"),
        (Review, "requested_at"),
        (ContributingFactor, "created_at"),
    ):
        model._meta.get_field(name).auto_now_add = False  # type: ignore[union-attr]


def _world() -> dict[str, Any]:
    from hansei.accounts.models import Membership, Team, User
    from hansei.incidents.models import Service, Severity
    from hansei.postmortems.analysis.models import ContributingFactorCategory

    teams = [Team.objects.create(name=f"Team {i}", slug=f"team-{i}") for i in range(5)]
    reader = User.objects.create_user("reader", role="member")
    Membership.objects.create(user=reader, team=teams[0])
    writer = User.objects.create_user("writer", role="member")  # owns and reviews everything
    Membership.objects.create(user=writer, team=teams[0])
    services = [
        Service.objects.create(name=f"Service {i}", slug=f"service-{i}", team=teams[i % 5])
        for i in range(20)
    ]
    return {
        "teams": teams,
        "owner": writer,
        "services": services,
        "severities": list(Severity.objects.all()),
        "categories": list(ContributingFactorCategory.objects.all()),
    }


def _build(count: int) -> None:
    from django.db import transaction

    _stamped_by_hand()
    rng = random.Random(42)
    world = _world()
    now = datetime.now().astimezone()
    for first in range(0, count, BATCH):
        with transaction.atomic():
            _batch(rng, world, now, min(BATCH, count - first))
        print(f"  {first + BATCH:>7} / {count}", end="\r", flush=True)
    print()


def _batch(rng: random.Random, world: dict[str, Any], now: datetime, size: int) -> None:
    from hansei.postmortems.document.models import Postmortem, Status

    rows = []
    for _ in range(size):
        start = now - timedelta(minutes=rng.randrange(DAYS * 24 * 60))
        resolved = start + timedelta(minutes=rng.randrange(10, 3 * 24 * 60))
        created = min(resolved + timedelta(minutes=rng.randrange(30, 4 * 24 * 60)), now)
        published = created + timedelta(hours=rng.randrange(24, 30 * 24))
        public = rng.random() < 0.85 and published < now
        team = rng.randrange(5)
        postmortem = Postmortem(
            title="A postmortem",
            team=world["teams"][team],
            owner=world["owner"],
            due_date=(created + timedelta(days=7)).date(),
            status=Status.PUBLISHED if public else Status.DRAFT,
            published_at=published if public else None,
            restricted=rng.random() < 1 / 7,
            review_round=rng.choice((1, 1, 1, 2, 2, 3)) if public else 0,
            created_at=created,
        )
        rows.append((postmortem, team, start, resolved))
    Postmortem.objects.bulk_create([row[0] for row in rows])
    _incidents(rng, world, rows)
    _reviews_and_factors(rng, world, rows)
    _action_items(rng, world, rows, now)
    _publications(rng, rows)


def _incidents(rng: random.Random, world: dict[str, Any], rows: list[Any]) -> None:
    from hansei.incidents.models import Incident

    incidents = []
    for postmortem, team, start, resolved in rows:
        for with_postmortem in (True, False) if rng.random() < 0.1 else (True,):
            detected = start + timedelta(minutes=rng.randrange(0, 90))
            incidents.append(
                Incident(
                    title="An incident",
                    team=world["teams"][team],
                    severity=rng.choice(world["severities"]),
                    started_at=start,
                    detected_at=detected,
                    acknowledged_at=detected + timedelta(minutes=rng.randrange(0, 30)),
                    mitigated_at=start + (resolved - start) * rng.random(),
                    resolved_at=resolved,
                    postmortem=postmortem if with_postmortem else None,
                )
            )
    Incident.objects.bulk_create(incidents)
    through = Incident.services.through
    links = []
    for incident in incidents:
        for service in rng.sample(world["services"], rng.choice((1, 1, 2))):
            links.append(through(incident_id=incident.pk, service_id=service.pk))
    through.objects.bulk_create(links)


def _reviews_and_factors(rng: random.Random, world: dict[str, Any], rows: list[Any]) -> None:
    from hansei.postmortems.analysis.models import ContributingFactor
    from hansei.reviews.models import Review

    reviews, factors = [], []
    for postmortem, _team, _start, _resolved in rows:
        for round_ in range(1, max(postmortem.review_round, 1) + 1):
            requested = postmortem.created_at + timedelta(hours=rng.randrange(2, 24 * 6))
            reviews.append(
                Review(
                    postmortem=postmortem,
                    reviewer=world["owner"],
                    round=round_,
                    requested_at=requested,
                )
            )
        for category in rng.sample(world["categories"], rng.choice((1, 2, 2, 3))):
            factors.append(
                ContributingFactor(
                    postmortem=postmortem,
                    category=category,
                    description="A factor",
                    created_at=postmortem.created_at + timedelta(hours=2),
                )
            )
    Review.objects.bulk_create(reviews)
    ContributingFactor.objects.bulk_create(factors)


def _action_items(
    rng: random.Random, world: dict[str, Any], rows: list[Any], now: datetime
) -> None:
    from hansei.action_items.models import ActionItem, Recurrence

    items = []
    for postmortem, _team, _start, _resolved in rows:
        for _ in range(2):
            status = rng.choices(("done", "open", "in_progress", "wont_do"), (50, 30, 15, 5))[0]
            done = postmortem.created_at + timedelta(days=rng.randrange(1, 70))
            items.append(
                ActionItem(
                    postmortem=postmortem,
                    title="An action",
                    priority=rng.choice(("P0", "P1", "P2", "P3")),
                    due_date=(postmortem.created_at + timedelta(days=rng.randrange(7, 60))).date(),
                    status=status,
                    completed_at=min(done, now) if status == "done" else None,
                    created_at=postmortem.created_at,
                )
            )
    ActionItem.objects.bulk_create(items)
    factors, services, recurrences = [], [], []
    by_factor, by_service = (
        ActionItem.addresses_factors.through,
        ActionItem.addresses_services.through,
    )
    fixes = [item for item in items if item.status == "done" and rng.random() < 0.3]
    for item in fixes:
        category = rng.choice(world["categories"])
        service = rng.choice(world["services"])
        factors.append(by_factor(actionitem_id=item.pk, contributingfactorcategory_id=category.pk))
        services.append(by_service(actionitem_id=item.pk, service_id=service.pk))
        if rng.random() < 0.15:
            later = rng.choice(rows)[0]
            recurrences.append(
                Recurrence(item=item, postmortem=later, factor=category, service=service)
            )
    by_factor.objects.bulk_create(factors)
    by_service.objects.bulk_create(services)
    Recurrence.objects.bulk_create(recurrences, ignore_conflicts=True)


def _publications(rng: random.Random, rows: list[Any]) -> None:
    from hansei.insights.models import PublicationCheck, PublicationFinding
    from hansei.postmortems.document.models import Revision
    from hansei.postmortems.writing_check.models import LintDismissal

    published = [row[0] for row in rows if row[0].published_at is not None]
    revisions = Revision.objects.bulk_create(
        Revision(postmortem=p, number=1, snapshot={}, published_at=p.published_at)
        for p in published
    )
    checks = []
    findings: list[list[tuple[str, int]]] = []
    for revision in revisions:
        rules = [
            (rule, rng.randrange(1, 4)) for rule in rng.sample(RULES, rng.choice((0, 0, 1, 2)))
        ]
        findings.append(rules)
        checks.append(
            PublicationCheck(
                revision=revision,
                postmortem=revision.postmortem,
                published_at=revision.published_at,
                open_findings=sum(n for _rule, n in rules),
            )
        )
    PublicationCheck.objects.bulk_create(checks)
    PublicationFinding.objects.bulk_create(
        PublicationFinding(publication=check, rule_id=rule, count=n)
        for check, rules in zip(checks, findings, strict=True)
        for rule, n in rules
    )
    LintDismissal.objects.bulk_create(
        LintDismissal(
            postmortem=postmortem,
            fingerprint=f"bench-{postmortem.pk}",
            rule_id=rng.choice(RULES),
            reason="A quotation",
            created_at=postmortem.created_at + timedelta(days=1),
        )
        for postmortem, *_rest in rows
        if rng.random() < 0.3
    )


# --- what is timed --------------------------------------------------------------------------


# Per figure: the raw statement it stands on (no visibility rules, no filters), and which of
# the period's parameters it takes ("at": its first and next instants; "on": its first and
# last days; "overdue": those and today).
REFERENCES = {
    "incidents": ("SELECT COUNT(*) FROM {incident} i WHERE {started}", "at"),
    "response-times": (
        "SELECT {to_detect}, {to_acknowledge}, {to_mitigate}, {to_resolve} "
        "FROM {incident} i WHERE {started}",
        "at",
    ),
    "services": (
        "SELECT COUNT(*) FROM {link} s JOIN {incident} i ON i.id = s.incident_id WHERE {started}",
        "at",
    ),
    "factors": (
        "SELECT COUNT(*) FROM {factor} f JOIN {postmortem} p ON p.id = f.postmortem_id "
        "WHERE {created}",
        "at",
    ),
    "repeats": (
        "SELECT COUNT(*) FROM {factor} f JOIN {incident} i ON i.postmortem_id = f.postmortem_id "
        "JOIN {link} s ON s.incident_id = i.id WHERE {started}",
        "at",
    ),
    "process-times": (
        "SELECT {to_draft}, {to_review}, {to_publish} FROM {postmortem} p WHERE {created}",
        "at",
    ),
    "on-time": ("SELECT COUNT(*) FROM {postmortem} p WHERE {created}", "at"),
    "review-rounds": (
        "SELECT review_round, COUNT(*) FROM {postmortem} p WHERE {created} "
        "AND published_at IS NOT NULL GROUP BY review_round",
        "at",
    ),
    "action-items": (
        "SELECT status, COUNT(*) FROM {item} a WHERE a.created_at >= %s "
        "AND a.created_at < %s GROUP BY status",
        "at",
    ),
    "action-items-on-time": (
        "SELECT priority, COUNT(*) FROM {item} a WHERE a.due_date >= %s "
        "AND a.due_date <= %s GROUP BY priority",
        "on",
    ),
    "overdue": (
        "SELECT COUNT(*) FROM {item} a WHERE a.due_date >= %s AND a.due_date <= %s "
        "AND a.due_date < %s AND a.status IN ('open', 'in_progress')",
        "overdue",
    ),
    "fixes": (
        "SELECT COUNT(*) FROM {item} a WHERE a.status = 'done' AND a.completed_at >= %s "
        "AND a.completed_at < %s",
        "at",
    ),
    "findings": (
        "SELECT f.rule_id, SUM(f.count) FROM {finding} f JOIN {check} c "
        "ON c.id = f.publication_id WHERE c.published_at >= %s AND c.published_at < %s "
        "GROUP BY f.rule_id",
        "at",
    ),
    "dismissals": (
        "SELECT rule_id, COUNT(*) FROM {dismissal} d WHERE d.created_at >= %s "
        "AND d.created_at < %s GROUP BY rule_id",
        "at",
    ),
}


# Seconds between two times, as ``hansei.insights.queries.seconds`` computes them.
SECONDS = {
    "sqlite": "ROUND((julianday({end}) - julianday({start})) * 86400.0, 3)",
    "postgresql": "CAST(EXTRACT(EPOCH FROM ({end} - {start})) AS double precision)",
}


def _durations(vendor: str, incident: str, review: str) -> dict[str, str]:
    def seconds(start: str, end: str) -> str:
        return SECONDS[vendor].format(start=start, end=end)

    ended = (
        f"(SELECT COALESCE(MIN(i.resolved_at), MIN(i.started_at)) FROM {incident} i "
        "WHERE i.postmortem_id = p.id)"
    )
    reviewed = f"(SELECT MIN(r.requested_at) FROM {review} r WHERE r.postmortem_id = p.id)"
    return {
        "to_detect": seconds("started_at", "detected_at"),
        "to_acknowledge": seconds("detected_at", "acknowledged_at"),
        "to_mitigate": seconds("started_at", "mitigated_at"),
        "to_resolve": seconds("started_at", "resolved_at"),
        "to_draft": seconds(ended, "p.created_at"),
        "to_review": seconds("p.created_at", reviewed),
        "to_publish": seconds("p.created_at", "p.published_at"),
    }


def _references() -> dict[str, tuple[str, str]]:
    """``REFERENCES`` with the tables' names and this database's durations."""
    from django.db import connection

    from hansei.action_items.models import ActionItem
    from hansei.incidents.models import Incident
    from hansei.insights.models import PublicationCheck, PublicationFinding
    from hansei.postmortems.analysis.models import ContributingFactor
    from hansei.postmortems.document.models import Postmortem
    from hansei.postmortems.writing_check.models import LintDismissal
    from hansei.reviews.models import Review

    names = {
        "incident": Incident._meta.db_table,
        "link": Incident.services.through._meta.db_table,
        "postmortem": Postmortem._meta.db_table,
        "factor": ContributingFactor._meta.db_table,
        "item": ActionItem._meta.db_table,
        "review": Review._meta.db_table,
        "check": PublicationCheck._meta.db_table,
        "finding": PublicationFinding._meta.db_table,
        "dismissal": LintDismissal._meta.db_table,
        "started": "i.started_at >= %s AND i.started_at < %s",
        "created": "p.created_at >= %s AND p.created_at < %s",
    }
    names.update(_durations(connection.vendor, names["incident"], names["review"]))
    return {slug: (sql.format(**names), kind) for slug, (sql, kind) in REFERENCES.items()}


def _reference(sql: str, params: list[Any]) -> Callable[[], object]:
    from django.db import connection

    def run() -> object:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    return run


def _dashboard(user: Any, scope: Any) -> Callable[[], object]:
    """Every figure as the page shows it: computed, as a table and as a chart."""
    from hansei.insights.figures import FIGURES
    from hansei.insights.views import show_figure

    return lambda: [show_figure(figure, user, scope) for figure in FIGURES.values()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postmortems", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    _setup(args.postmortems)
    from django.db import connection
    from django.utils import translation

    from hansei.accounts.models import User
    from hansei.insights.figures import FIGURES

    translation.activate("en")
    reader = User.objects.get(username="reader")
    scope = _last_year()
    params = {
        "at": [scope.start, scope.end],
        "on": [scope.since, scope.until],
        "overdue": [scope.since, scope.until, scope.today],
    }
    print(
        f"{connection.vendor}: {args.postmortems} postmortems over {DAYS} days, the last 365 "
        f"days as a member of one of 5 teams, median of {args.rounds}"
    )
    print(f"{'figure':<22}{'reference ms':>14}{'hansei ms':>12}{'ratio':>8}")
    ratios, total_reference = [], 0.0
    for slug, (sql, kind) in _references().items():
        reference = median_ms(_reference(sql, params[kind]), args.rounds)
        figure = FIGURES[slug]
        hansei = median_ms(lambda figure=figure: figure.compute(reader, scope), args.rounds)
        ratios.append(hansei / reference)
        total_reference += reference
        print(f"{slug:<22}{reference:>14.1f}{hansei:>12.1f}{hansei / reference:>8.1f}")
    page = median_ms(_dashboard(reader, scope), args.rounds)
    ratio = page / total_reference
    print(f"{'whole dashboard':<22}{total_reference:>14.1f}{page:>12.1f}{ratio:>8.1f}")
    print(
        f"insights: figure / raw query = {statistics.geometric_mean(ratios):.1f}x (geometric mean)"
    )


def _last_year() -> Any:
    from hansei.insights.forms import InsightsFilterForm

    form = InsightsFilterForm({"days": "365"})
    assert form.is_valid(), form.errors
    return form.scope()


if __name__ == "__main__":
    main()
