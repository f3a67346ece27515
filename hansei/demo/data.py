"""Load the demo: ``load_demo()`` is idempotent and all-or-nothing.

Three months of history are replayed through the real services under a simulated clock:
``django.utils.timezone.now`` answers the time of each step, so created/decided/published
times, due dates ("not in the past" is checked against the simulated day) and the frozen
revisions all tell a consistent story, and no row is patched after the fact. The clock is never
set later than the real time. It is process-global while it runs, so the demo is loaded before
any server or worker thread starts. Emails queued by the replayed history are dropped at the
end: history is not news.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction

from hansei.accounts.models import Membership, Team, User
from hansei.core.models import Job
from hansei.demo.clock import simulated_clock
from hansei.demo.culture import play_culture
from hansei.demo.model import Story
from hansei.demo.people import DEMO_PASSWORD, SERVICES, TEAMS, USERNAMES, USERS
from hansei.demo.replay import play_story
from hansei.demo.stories import STORIES
from hansei.incidents.models import Service, Severity
from hansei.integrations.models import OwnerRule
from hansei.integrations.setup import save_integration

HISTORY_DAYS = 100


class DemoConflict(Exception):
    """The database holds data that the demo would collide with."""


def demo_is_loaded() -> bool:

    return User.objects.filter(username__in=USERNAMES).count() == len(USERNAMES)


def demo_logins() -> list[str]:
    """One line per demo user: username, password, role and teams. Empty without the demo."""

    if not demo_is_loaded():
        return []
    users = {u.username: u for u in User.objects.filter(username__in=USERNAMES)}
    lines = []
    for username, _name, role, _language, _tz, teams, about in USERS:
        user = users[username]
        where = ", ".join(slug for slug, _lead in teams) or "no team"
        lines.append(
            f"{username:<7} / {DEMO_PASSWORD}   {role:<8} ({where}) {about}"
            if user.is_active
            else f"{username:<7} (inactive)"
        )
    return lines


def _check_conflicts() -> None:

    clashes = [
        *(
            f"user {u}"
            for u in User.objects.filter(username__in=USERNAMES).values_list("username", flat=True)
        ),
        *(
            f"team {t}"
            for t in Team.objects.filter(slug__in=[slug for slug, _n, _d in TEAMS]).values_list(
                "slug", flat=True
            )
        ),
        *(
            f"service {s}"
            for s in Service.objects.filter(
                slug__in=[slug for _t, _n, slug in SERVICES]
            ).values_list("slug", flat=True)
        ),
    ]
    if clashes:
        raise DemoConflict(
            "cannot load the demo: this database already has "
            + ", ".join(clashes)
            + ". Load it into an empty database (e.g. a new HANSEI_DATA_DIR)."
        )


def load_demo() -> bool:
    """Create the demo teams, people and history. False when it is already loaded."""

    if demo_is_loaded():
        return False
    _check_conflicts()
    last_job = Job.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with transaction.atomic(), simulated_clock() as clock:
        clock.set(clock.real_now - timedelta(days=HISTORY_DAYS))
        people = _create_people(clock.now())
        services = _create_services()
        _create_integrations(people)
        for story in sorted(STORIES, key=lambda s: -s.days_ago):
            play_story(story, clock=clock, people=people, services=services)
        play_culture(clock=clock, people=people)
        # The demo's history is in the inboxes; nobody gets its e-mails.
        Job.objects.filter(pk__gt=last_job, kind__startswith="notifications.").delete()
    return True


def _create_people(joined: datetime) -> dict[str, Any]:
    # Seed data written directly, like a fixture: accounts.services.create_user validates a
    # password and cannot back-date date_joined, which the demo's history needs.
    teams = {
        slug: Team.objects.create(slug=slug, name=name, description=description)
        for slug, name, description in TEAMS
    }
    people: dict[str, Any] = {}
    for username, name, role, language, tz, memberships, _about in USERS:
        user = User.objects.create_user(
            username=username,
            email=f"{username}@example.com",
            password=DEMO_PASSWORD,
            display_name=name,
            role=role,
            language=language,
            time_zone=tz,
            date_joined=joined,
        )
        for slug, lead in memberships:
            Membership.objects.create(user=user, team=teams[slug], is_lead=lead)
        people[username] = user
    people.update({f"team:{slug}": team for slug, team in teams.items()})
    return people


def _create_services() -> dict[str, Any]:

    teams = {team.slug: team for team in Team.objects.all()}
    return {
        slug: Service.objects.create(name=name, slug=slug, team=teams[team])
        for team, name, slug in SERVICES
    }


def _create_integrations(people: dict[str, Any]) -> None:
    """The tools that page the teams, with mappings an admin would set (the admin pages show
    them, and their test event runs against them)."""
    severity = {s.level: s for s in Severity.objects.all()}
    save_integration(
        actor=people["emma"],
        integration=None,
        name="PagerDuty (Payments)",
        kind="pagerduty",
        team=people["team:payments"],
        default_severity=severity[3],
        severity_rows=[("P1", "1"), ("P2", "2"), ("high", "2")],
        service_rows=[("Checkout API", "checkout-api"), ("Payment Gateway", "payment-gateway")],
        owner_rule=OwnerRule.COMMANDER,
        is_active=True,
    )
    save_integration(
        actor=people["emma"],
        integration=None,
        name="Alertmanager (Platform)",
        kind="alertmanager",
        team=people["team:platform"],
        default_severity=severity[4],
        severity_rows=[("critical", "2"), ("warning", "3")],
        service_rows=[("coredns", "internal-dns"), ("kube-apiserver", "kubernetes")],
        owner_rule=OwnerRule.FIRST_ACKNOWLEDGER,
        is_active=True,
    )


__all__ = ["DEMO_PASSWORD", "DemoConflict", "Story", "demo_is_loaded", "demo_logins", "load_demo"]
