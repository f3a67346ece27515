"""Digests: once a day or once a week (each person's choice; weekly by default), one e-mail
with what needs them, and once a week one to the announcement lists with what the
organisation published and what is late.

``what_needs`` is the same question the home page answers; the digest adds what their teams
published in the period. An empty digest is not sent. Like reminders, digests go out in each
person's working hours in their time zone (on Mondays for weekly ones), and the period is in
the job's key, so nobody gets two for one period; the worker writes each when it sends it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from hansei import access
from hansei.accounts.models import User
from hansei.action_items.models import ActionItem
from hansei.core.jobs import enqueue_many
from hansei.incidents.models import Incident, PostmortemPolicy
from hansei.incidents.policy import postmortem_requirement
from hansei.notifications.dispatch import DELIVERY_ATTEMPTS
from hansei.notifications.models import DigestChoice, Frequency
from hansei.notifications.reminders import in_working_hours
from hansei.postmortems.document.models import Postmortem, Status, recalled_dates
from hansei.reviews.models import Review

DIGEST_JOB = "notifications.digest"
# How far back "incidents that need a postmortem" looks.
NEEDS_POSTMORTEM_LIMIT = 200
ITEMS_SHOWN = 50
HISTORY_SHOWN = 10


@dataclass(frozen=True)
class Anniversary:
    """A postmortem whose incident started on this day ``years`` ago."""

    postmortem: Postmortem
    started_at: datetime
    years: int


def anniversaries_for(user: User, days: list[date]) -> list[Anniversary]:
    """Today in postmortem history: what ``user`` may read of the postmortems whose incident
    started on one of ``days`` in an earlier year, the oldest first."""
    wanted = {pair: day.year for day in days for pair in recalled_dates(day)}
    found = []
    postmortems = (
        access.postmortems_visible_to(user)
        .anniversaries(days)
        .select_related("team")
        .prefetch_related("incidents")
    )
    for postmortem in postmortems[:HISTORY_SHOWN]:
        for incident in postmortem.incidents.all():
            local = timezone.localtime(incident.started_at)
            year = wanted.get((local.month, local.day))
            if year is not None and local.year < year:
                found.append(Anniversary(postmortem, incident.started_at, year - local.year))
                break
    return sorted(found, key=lambda a: a.started_at)


@dataclass
class WhatNeedsYou:
    """What needs one person now."""

    owned: list[Postmortem] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    items: list[ActionItem] = field(default_factory=list)
    needing: list[tuple[Incident, Any]] = field(default_factory=list)
    published: list[Postmortem] = field(default_factory=list)
    # Told alongside, never a reason on its own to send a digest.
    history: list[Anniversary] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.owned or self.reviews or self.items or self.needing or self.published)


def what_needs(user: User, *, today: date | None = None) -> WhatNeedsYou:
    """Postmortems they own still open (soonest due first), reviews waiting for them, their
    unfinished action items, and their teams' incidents that need a postmortem and have none."""
    found = WhatNeedsYou()
    found.owned = list(
        Postmortem.objects.filter(owner=user).open().select_related("team").order_by("due_date")
    )
    found.reviews = list(
        Review.objects.filter(reviewer=user, postmortem__status=Status.IN_REVIEW)
        .current()
        .pending()
        .select_related("postmortem", "requested_by")
    )
    found.items = list(
        ActionItem.objects.filter(owner=user)
        .unfinished()
        .select_related("postmortem")
        .order_by("due_date", "priority")[:ITEMS_SHOWN]
    )
    # Visible incidents without a postmortem are exactly the user's teams' (all for admins):
    # the other visibility rules only reach incidents that have a postmortem.
    candidates = (
        access.incidents_visible_to(user)
        .without_postmortem()
        .select_related("severity", "team")[:NEEDS_POSTMORTEM_LIMIT]
    )
    policy = PostmortemPolicy.current()
    for incident in candidates:
        requirement = postmortem_requirement(incident, policy)
        if requirement.needed:
            found.needing.append((incident, requirement))
    return found


def digest_for(user: User, *, since: datetime, days: int = 1) -> WhatNeedsYou:
    """``what_needs``, what their teams published since ``since`` (that they may read), and
    the postmortems of incidents that started on one of the next ``days`` days in an earlier
    year."""
    found = what_needs(user)
    today = timezone.localdate()
    found.history = anniversaries_for(user, [today + timedelta(days=n) for n in range(days)])
    published = access.postmortems_visible_to(user).filter(
        team__in=user.team_ids(), published_at__gte=since
    )
    found.published = list(published.select_related("team").order_by("-published_at")[:20])
    return found


def send_digests(now: datetime | None = None) -> int:
    """Queue the personal digests due at ``now``; how many were queued."""
    now = now or timezone.now()
    chosen = dict(DigestChoice.objects.values_list("user_id", "frequency"))
    people = User.objects.filter(is_active=True).exclude(email="")
    due: list[tuple[str | None, dict[str, Any]]] = []
    for user in people.select_related("working_hours"):
        frequency = chosen.get(user.pk, Frequency.WEEKLY)
        period = _period(user, now, frequency)
        if period:
            key = f"digest:{user.pk}:{period}"
            due.append((key, {"recipient": user.pk, "frequency": frequency, "key": key}))
    # enqueue_many leaves out the keys already queued: this period's digests already sent.
    return len(enqueue_many(DIGEST_JOB, due, max_attempts=DELIVERY_ATTEMPTS))


def _period(user: User, now: datetime, frequency: str) -> str:
    """The period a digest due at ``now`` covers ("" when none is due)."""
    if frequency == Frequency.OFF or not in_working_hours(user, now):
        return ""
    local = now.astimezone(user.zone).date()
    if frequency == Frequency.DAILY:
        return local.isoformat()
    if local.weekday() != 0:  # weekly digests on Mondays
        return ""
    year, week, _day = local.isocalendar()
    return f"{year}-W{week:02d}"


def since_for(frequency: str, now: datetime) -> datetime:
    return now - (timedelta(days=1) if frequency == Frequency.DAILY else timedelta(days=7))


def monday_morning_week(now: datetime) -> str:
    """The ISO week (``2026-W49``) if ``now`` is Monday in the site's working hours (server
    time), when weekly digests to lists and channels go out; else ""."""
    local = timezone.localtime(now)
    start, end = settings.HANSEI_WORKDAY_START_HOUR, settings.HANSEI_WORKDAY_END_HOUR
    if local.weekday() != 0 or not start <= local.hour < end:
        return ""
    year, week, _day = local.date().isocalendar()
    return f"{year}-W{week:02d}"


def send_organisation_digest(now: datetime | None = None) -> int:
    """Queue the weekly digest to each announcement list, on Monday mornings (server time)."""
    week = monday_morning_week(now or timezone.now())
    if not week:
        return 0
    jobs: list[tuple[str | None, dict[str, Any]]] = []
    for address in PostmortemPolicy.current().recipients():
        key = f"digest:list:{address}:{week}"
        jobs.append((key, {"address": address, "key": key, "frequency": Frequency.WEEKLY}))
    return len(enqueue_many(DIGEST_JOB, jobs, max_attempts=DELIVERY_ATTEMPTS))


def organisation_summary(since: datetime) -> dict[str, Any]:
    """For the announcement lists: public publications since ``since``, and what is late,
    counted per team (titles of unpublished work never go to a list)."""
    today = timezone.localdate()
    published = Postmortem.objects.filter(published_at__gte=since, restricted=False)
    late_items = (
        ActionItem.objects.overdue(today)
        .values("postmortem__team__name")
        .annotate(count=Count("pk"))
        .order_by("-count")
    )
    return {
        "published": list(published.select_related("team").order_by("-published_at")),
        "late_items": [(row["postmortem__team__name"], row["count"]) for row in late_items],
        "overdue_postmortems": Postmortem.objects.overdue(today).count(),
        "in_review": Postmortem.objects.filter(status=Status.IN_REVIEW).count(),
    }
