"""The evaluation corpus: reading ``corpus.json`` and ``queries.json``, and loading the corpus
as published postmortems through Hansei's services.

Each entry is replayed like the demo (``hansei.demo.replay``): an incident with its services,
severity and milestones; a postmortem from it with the template of its language; its sections,
contributing factors, timeline and action items (with the status they have today); one review
round approved; publication, which indexes it. ``django.utils.timezone.now`` follows a simulated
clock meanwhile, so every row is dated after its incident, never later than now.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import NotRequired, TypedDict

from django.db import transaction
from django.utils import translation

from hansei.accounts.models import Membership, Role, Team, User
from hansei.action_items.services import ActionItemInput, add_action_item
from hansei.core.models import Job
from hansei.demo.clock import SimulatedClock, simulated_clock
from hansei.incidents.models import PostmortemPolicy, Service, Severity
from hansei.incidents.services import IncidentInput, create_incident
from hansei.postmortems.analysis.models import ContributingFactorCategory
from hansei.postmortems.analysis.services import add_contributing_factor
from hansei.postmortems.document.models import Postmortem
from hansei.postmortems.document.queries import default_template
from hansei.postmortems.document.services import (
    create_postmortem,
    publish_postmortem,
    update_section,
)
from hansei.postmortems.template_library.builtin import (
    DEFAULT_FACTOR_CATEGORIES,
    load_builtin_data,
)
from hansei.postmortems.template_library.models import SectionKind, Template, TemplateSection
from hansei.postmortems.timeline.services import add_timeline_entry
from hansei.reviews.models import CHECKLIST_KEYS
from hansei.reviews.services import approve_review, submit_for_review

HERE = Path(__file__).resolve().parent
CORPUS_PATH = HERE / "corpus.json"
QUERIES_PATH = HERE / "queries.json"

# What a required section says when the style of a postmortem has nothing for it (a
# status-page note has no trigger or detection): review refuses empty required sections, and
# a dash adds no word to the index.
NOTHING = "—"

REVIEWER_PREFIX = "eval-reviewer"


class Factor(TypedDict):
    category: str
    description: str


class TimelineEvent(TypedDict):
    at: str
    text: str
    key: NotRequired[bool]


class Action(TypedDict):
    title: str
    status: str
    priority: str
    kind: NotRequired[str]
    wont_do_reason: NotRequired[str]


class Entry(TypedDict):
    key: str
    group: str | None
    language: str
    style: str
    title: str
    team: str
    services: list[str]
    severity: str
    started_at: str
    minutes: int
    factors: list[Factor]
    sections: dict[str, str]
    timeline: NotRequired[list[TimelineEvent]]
    action_items: list[Action]


class Corpus(TypedDict):
    teams: list[dict[str, str]]
    services: list[dict[str, str]]
    postmortems: list[Entry]


class Query(TypedDict):
    query: str
    language: str
    relevant: list[str]


@cache
def read_corpus() -> Corpus:
    data: Corpus = json.loads(CORPUS_PATH.read_text(encoding="utf-8"))
    return data


@cache
def read_queries() -> list[Query]:
    data: list[Query] = json.loads(QUERIES_PATH.read_text(encoding="utf-8"))
    return data


def entries() -> list[Entry]:
    return read_corpus()["postmortems"]


def similar_expected() -> dict[str, set[str]]:
    """For each grouped postmortem, the other members of its group: the postmortems its
    "similar incidents" should list. Singletons (group null) have none and are left out."""
    groups: dict[str, set[str]] = {}
    for entry in entries():
        if entry["group"]:
            groups.setdefault(entry["group"], set()).add(entry["key"])
    return {
        entry["key"]: groups[entry["group"]] - {entry["key"]}
        for entry in entries()
        if entry["group"]
    }


def load_corpus(*, actor: User) -> dict[str, Postmortem]:
    """Create the corpus's teams, services and postmortems (published, indexed), all or none.

    ``actor`` writes and publishes them: an admin, or a writer who is made a member of the
    corpus's teams. Severities, templates and factor categories are created when missing;
    reviewers (``eval-reviewer-N``) approve. Returns the postmortems by corpus key.
    """
    corpus = read_corpus()
    last_job = Job.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with transaction.atomic(), simulated_clock() as clock:
        load_builtin_data(Severity, PostmortemPolicy, Template, TemplateSection)
        teams = _teams(corpus["teams"], actor)
        services = _services(corpus["services"], teams)
        categories = _categories(corpus["postmortems"])
        severities = {s.name: s for s in Severity.objects.all()}
        reviewers = _reviewers(PostmortemPolicy.current().required_approvals)
        loaded: dict[str, Postmortem] = {}
        for entry in sorted(corpus["postmortems"], key=lambda e: (e["started_at"], e["key"])):
            with translation.override(entry["language"]):
                loaded[entry["key"]] = _load_entry(
                    entry,
                    actor=actor,
                    clock=clock,
                    team=teams[entry["team"]],
                    services=[services[slug] for slug in entry["services"]],
                    severity=severities[entry["severity"]],
                    categories=categories,
                    reviewers=reviewers,
                )
        # History is not news: nobody gets the e-mails the replay queued (as in the demo).
        Job.objects.filter(pk__gt=last_job, kind__startswith="notifications.").delete()
    return loaded


def _teams(rows: list[dict[str, str]], actor: User) -> dict[str, Team]:
    teams = {}
    for row in rows:
        team, _created = Team.objects.get_or_create(
            slug=row["slug"], defaults={"name": row["name"]}
        )
        if not actor.is_admin:
            Membership.objects.get_or_create(user=actor, team=team)
        teams[row["slug"]] = team
    return teams


def _services(rows: list[dict[str, str]], teams: dict[str, Team]) -> dict[str, Service]:
    return {
        row["slug"]: Service.objects.get_or_create(
            slug=row["slug"], defaults={"name": row["name"], "team": teams[row["team"]]}
        )[0]
        for row in rows
    }


def _categories(rows: list[Entry]) -> dict[str, ContributingFactorCategory]:
    known = dict(DEFAULT_FACTOR_CATEGORIES)
    names = sorted({factor["category"] for entry in rows for factor in entry["factors"]})
    return {
        name: ContributingFactorCategory.objects.get_or_create(
            name=name, defaults={"description": known.get(name, "")}
        )[0]
        for name in names
    }


def _reviewers(count: int) -> list[User]:
    reviewers = []
    for number in range(1, max(count, 1) + 1):
        username = f"{REVIEWER_PREFIX}-{number}"
        user = User.objects.filter(username=username).first() or User.objects.create_user(
            username=username,
            email=f"{username}@example.com",
            password=None,
            display_name=f"Evaluation reviewer {number}",
            role=Role.REVIEWER,
        )
        reviewers.append(user)
    return reviewers


def _moment(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"{text!r}: a time zone is required")
    return moment


def _load_entry(
    entry: Entry,
    *,
    actor: User,
    clock: SimulatedClock,
    team: Team,
    services: list[Service],
    severity: Severity,
    categories: dict[str, ContributingFactorCategory],
    reviewers: list[User],
) -> Postmortem:
    started = _moment(entry["started_at"])
    minutes = entry["minutes"]
    resolved = started + timedelta(minutes=minutes)
    detected = started + timedelta(minutes=min(max(1, minutes // 8), 30))
    acknowledged = min(detected + timedelta(minutes=3), resolved)
    sections = entry["sections"]
    summary = (sections.get("summary") or sections.get("gaiyou") or "").strip()

    clock.set(resolved + timedelta(minutes=20))
    incident = create_incident(
        actor=actor,
        data=IncidentInput(
            title=entry["title"],
            severity=severity,
            team=team,
            started_at=started,
            summary=summary,
            services=services,
            commander=actor,
            detected_at=detected,
            acknowledged_at=acknowledged,
            # ``minutes`` is how long users were affected: mitigated when it was resolved.
            mitigated_at=resolved,
            resolved_at=resolved,
        ),
    )
    clock.set(resolved + timedelta(days=1))
    template = default_template(entry["language"])
    if template is None or template.language != entry["language"]:
        raise ValueError(f"{entry['key']}: no template in {entry['language']!r}")
    postmortem = create_postmortem(
        actor=actor, incident=incident, template=template, owner=actor, title=entry["title"]
    )
    clock.set(resolved + timedelta(days=1, hours=3))
    _write_sections(postmortem, entry, actor)
    for factor in entry["factors"]:
        add_contributing_factor(
            actor=actor,
            postmortem=postmortem,
            category=categories[factor["category"]],
            description=factor["description"],
        )
    for event in entry.get("timeline", []):
        add_timeline_entry(
            actor=actor,
            postmortem=postmortem,
            occurred_at=_moment(event["at"]),
            text=event["text"],
            is_key_event=event.get("key", False),
        )
    # Action items are written with the status they have today (loading stays fast: moving
    # them on after publication would double the writes, for nothing search reads).
    for action in entry["action_items"]:
        add_action_item(
            actor=actor,
            postmortem=postmortem,
            data=ActionItemInput(
                title=action["title"],
                kind=action.get("kind", "prevent"),
                owner=actor,
                priority=action["priority"],
                status=action["status"],
                wont_do_reason=action.get("wont_do_reason", ""),
            ),
        )

    clock.set(resolved + timedelta(days=3))
    postmortem.refresh_from_db()
    reviews = submit_for_review(actor=actor, postmortem=postmortem, reviewers=reviewers)
    clock.set(resolved + timedelta(days=4))
    for reviewer, review in zip(reviewers, reviews, strict=True):
        approve_review(
            actor=reviewer,
            review=review,
            checklist=dict.fromkeys(CHECKLIST_KEYS, True),
            comment="",
        )
    clock.set(resolved + timedelta(days=4, hours=2))
    postmortem.refresh_from_db()
    publish_postmortem(actor=actor, postmortem=postmortem)
    postmortem.refresh_from_db()
    return postmortem


def _write_sections(postmortem: Postmortem, entry: Entry, actor: User) -> None:
    """The entry's sections; the required ones its style leaves out get ``NOTHING``."""
    sections = {s.key: s for s in postmortem.sections.all()}
    unknown = set(entry["sections"]) - set(sections)
    if unknown:
        raise ValueError(f"{entry['key']}: no section {sorted(unknown)} in its template")
    for key, section in sections.items():
        if section.kind != SectionKind.MARKDOWN:
            continue
        body = entry["sections"].get(key, "").strip()
        if not body and section.required and not section.body.strip():
            body = NOTHING
        if body and body != section.body.strip():
            update_section(actor=actor, section=section, body=body + "\n")
