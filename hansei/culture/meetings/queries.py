"""The monthly meeting pack: a month's published postmortems summed up for a review meeting.

It holds only what ``access.meeting_pack_postmortems`` allows (published, not restricted: it
is shown in a room), read from each postmortem's latest published revision, never from a
draft, and of their action items those published (``access.meeting_pack_action_items``),
with their state today. A postmortem belongs to the month of its first publication (the
server's time zone), like postmortem of the month."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Max, Min, Q
from django.http import Http404
from django.utils import timezone

from hansei import access
from hansei.accounts.models import User
from hansei.action_items.models import ActionItem, ActionStatus
from hansei.culture.awards.months import (
    month_bounds,
    month_named,
    month_of,
    next_month,
    previous_month,
)
from hansei.incidents.models import Severity
from hansei.postmortems.document.models import Postmortem, Revision

# Section keys of the built-in templates (English and Japanese), by what the pack shows.
SUMMARY_KEYS = ("summary", "gaiyou", "impact", "eikyou")
CAUSE_KEYS = ("trigger", "root_causes", "genin")
LESSON_KEYS = (
    "went_well",
    "went_wrong",
    "got_lucky",
    "surprised",
    "lessons",
    "lessons_learned",
    "kyoukun",
    "souteigai",
    "taiou_bunseki",
)
FIRST_MONTH = date(2000, 1, 1)


@dataclass(frozen=True)
class Part:
    """A section of the published revision: its title and Markdown (rendered sanitized)."""

    key: str
    title: str
    body: str


@dataclass
class Entry:
    postmortem: Postmortem
    revision: Revision
    title: str
    team: str
    owner: str
    severity: Severity | None
    started_at: datetime | None
    resolved_at: datetime | None
    summary: list[Part]
    causes: list[Part]
    lessons: list[Part]
    items: list[ActionItem] = field(default_factory=list)

    @property
    def published_at(self) -> datetime:
        assert self.postmortem.published_at is not None  # the pack holds published ones
        return self.postmortem.published_at


@dataclass
class Figures:
    published: int
    by_severity: list[tuple[str, int]]
    by_team: list[tuple[str, int]]
    mean_to_publication: timedelta | None  # from the incident's end to first publication
    items_opened: int
    items_done: int
    items_overdue: int  # at the month's end (today, for the month under way)


@dataclass
class Pack:
    month: date
    figures: Figures
    entries: Sequence[Entry]
    previous: date
    next: date | None  # None: the month under way, nothing after it yet

    @property
    def under_way(self) -> bool:
        return self.next is None


def last_complete_month(now: datetime | None = None) -> date:
    return previous_month(month_of(now or timezone.now()))


def pack_month(year: int, month: int) -> date:
    """The month asked for; 404 for one that is not a month or not begun yet."""
    found = month_named(year, month)
    if found is None or not FIRST_MONTH <= found <= month_of(timezone.now()):
        raise Http404
    return found


def sections_of(revision: Revision, keys: tuple[str, ...]) -> list[Part]:
    """The revision's sections among ``keys`` that say something, in the document's order."""
    found = revision.snapshot.get("sections") or []
    return [
        Part(s.get("key", ""), s.get("title", ""), s.get("body", ""))
        for s in found
        if s.get("key") in keys and (s.get("body") or "").strip()
    ]


def published_in(user: User, month: date) -> Any:
    """The pack's postmortems first published in ``month``, oldest first, with the worst
    severity and the span of their incidents."""
    start, end = month_bounds(month)
    return (
        access.meeting_pack_postmortems(user)
        .filter(published_at__gte=start, published_at__lt=end)
        .select_related("team", "owner")
        .annotate(
            worst_level=Min("incidents__severity__level"),
            incident_started=Min("incidents__started_at"),
            incident_resolved=Max("incidents__resolved_at"),
        )
        .order_by("published_at", "pk")
    )


def _entry(postmortem: Any, revision: Revision, severities: dict[int, Severity]) -> Entry:
    data = revision.snapshot
    return Entry(
        postmortem=postmortem,
        revision=revision,
        title=data.get("title") or postmortem.published_title or postmortem.title,
        team=postmortem.team.name,
        owner=data.get("owner") or postmortem.owner.name,
        severity=severities.get(postmortem.worst_level),
        started_at=postmortem.incident_started,
        resolved_at=postmortem.incident_resolved,
        summary=sections_of(revision, SUMMARY_KEYS),
        causes=sections_of(revision, CAUSE_KEYS),
        lessons=sections_of(revision, LESSON_KEYS),
    )


def latest_revisions(postmortems: Sequence[Postmortem]) -> dict[int, Revision]:
    latest: dict[int, Revision] = {}
    ids = [p.pk for p in postmortems]
    for revision in Revision.objects.filter(postmortem__in=ids).order_by("postmortem", "number"):
        latest[revision.postmortem_id] = revision
    return latest


def entries(user: User, month: date) -> list[Entry]:
    postmortems = list(published_in(user, month))
    revisions = latest_revisions(postmortems)
    severities = {s.level: s for s in Severity.objects.all()}
    found = [_entry(p, revisions[p.pk], severities) for p in postmortems if p.pk in revisions]
    items: dict[int, list[ActionItem]] = defaultdict(list)
    shown = access.meeting_pack_action_items(user).filter(
        postmortem__in=[e.postmortem for e in found]
    )
    for item in shown.select_related("owner").order_by("priority", "due_date", "pk"):
        items[item.postmortem_id].append(item)
    for entry in found:
        entry.items = items[entry.postmortem.pk]
    return found


def _mean_to_publication(found: Sequence[Entry]) -> timedelta | None:
    spans = []
    for entry in found:
        ended = entry.resolved_at or entry.started_at
        if ended is not None and entry.published_at >= ended:
            spans.append(entry.published_at - ended)
    return sum(spans, timedelta(0)) / len(spans) if spans else None


def overdue_at(user: User, day: date) -> int:
    """The pack's action items overdue on ``day``: due before it, not done before it (an
    item done later was still open then), never a won't-do."""
    start = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    open_then = Q(
        completed_at__isnull=True, status__in=[ActionStatus.OPEN, ActionStatus.IN_PROGRESS]
    )
    open_then |= Q(completed_at__gte=start, status=ActionStatus.DONE)
    return (
        access.meeting_pack_action_items(user)
        .filter(open_then, due_date__lt=day, created_at__lt=start)
        .count()
    )


def figures(user: User, month: date, found: Sequence[Entry]) -> Figures:
    start, end = month_bounds(month)
    items = access.meeting_pack_action_items(user)
    severity = Counter(e.severity.name if e.severity else "—" for e in found)
    levels = {e.severity.name: e.severity.level for e in found if e.severity}
    teams = Counter(e.team for e in found)
    cutoff = min(next_month(month), timezone.localdate())
    return Figures(
        published=len(found),
        by_severity=sorted(severity.items(), key=lambda pair: levels.get(pair[0], 99)),
        by_team=sorted(teams.items(), key=lambda pair: (-pair[1], pair[0])),
        mean_to_publication=_mean_to_publication(found),
        items_opened=items.filter(created_at__gte=start, created_at__lt=end).count(),
        items_done=items.filter(
            status=ActionStatus.DONE, completed_at__gte=start, completed_at__lt=end
        ).count(),
        items_overdue=overdue_at(user, cutoff),
    )


def meeting_pack(user: User, month: date) -> Pack:
    found = entries(user, month)
    following = next_month(month)
    return Pack(
        month=month,
        figures=figures(user, month, found),
        entries=found,
        previous=previous_month(month),
        next=following if following <= month_of(timezone.now()) else None,
    )
