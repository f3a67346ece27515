"""Which routes hear of what, queued as one durable job per route and occurrence.

Called inside the emitting service's transaction (or the admin's): a change that rolls back
announces nothing, and each job carries a key naming the occurrence and the route
(``revision:12:route:3``), so handling the same event twice queues nothing twice. The worker
sends after commit (``deliver``); an outage delays a message, retried for about a day.

A restricted postmortem is never announced: a channel may hold people outside its team.
A submission (a draft, which only its team reads) goes only to routes of its team."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hansei import access
from hansei.accounts.models import User
from hansei.core import audit
from hansei.core.jobs import enqueue_many
from hansei.core.models import Job
from hansei.integrations.chat.compose import TEST
from hansei.integrations.chat.deliver import CHAT_JOB
from hansei.integrations.models import ChatEvent, ChatRoute
from hansei.notifications.digests import monday_morning_week
from hansei.notifications.dispatch import DELIVERY_ATTEMPTS
from hansei.postmortems.document.models import Postmortem, Revision

# A test message is for seeing at once whether a route works: it is not retried for a day.
TEST_ATTEMPTS = 3


def routes_for(postmortem: Postmortem, event: str) -> list[ChatRoute]:
    """The active routes that want ``event`` about ``postmortem``: of its team or of every
    team, whose severity threshold one of its incidents reaches. None if it is restricted."""
    if postmortem.restricted:
        return []
    teams = Q(team=postmortem.team_id)
    if event != ChatEvent.SUBMITTED:
        teams |= Q(team__isnull=True)
    routes = ChatRoute.objects.filter(teams, is_active=True)
    worst = postmortem.incidents.order_by("severity__level").values_list("severity__level").first()
    if worst is None:
        routes = routes.filter(max_severity__isnull=True)
    else:
        routes = routes.filter(Q(max_severity__isnull=True) | Q(max_severity__gte=worst[0]))
    return [route for route in routes.order_by("pk") if route.wants(event)]


def announce_publication(*, revision: Revision) -> list[Job]:
    """A publication, or an amendment (revision 2 and later), to the routes that want it."""
    event = ChatEvent.AMENDED if revision.is_amendment else ChatEvent.PUBLISHED
    ids = {"revision": revision.pk, "actor": revision.published_by_id}
    return _queue(revision.postmortem, event, f"revision:{revision.pk}", ids)


def announce_submission(*, postmortem: Postmortem, actor_id: int | None) -> list[Job]:
    """A postmortem went to review (each round of review is its own occurrence)."""
    occurrence = f"submission:{postmortem.pk}:round:{postmortem.review_round}"
    return _queue(postmortem, ChatEvent.SUBMITTED, occurrence, {"actor": actor_id})


def _queue(postmortem: Postmortem, event: str, occurrence: str, ids: dict[str, Any]) -> list[Job]:
    jobs = []
    for route in routes_for(postmortem, event):
        key = f"{occurrence}:route:{route.pk}"
        payload = {"route": route.pk, "event": event, "postmortem": postmortem.pk, "key": key}
        jobs.append((key, payload | ids))
    return enqueue_many(CHAT_JOB, jobs, max_attempts=DELIVERY_ATTEMPTS)


@transaction.atomic
def send_test_messages(*, actor: User, routes: list[ChatRoute]) -> list[Job]:
    """Queue a test message to each route, through the same job as announcements, so a wrong
    token or a dead URL shows on the route as its last error."""
    if not access.can_administer(actor):
        raise PermissionDenied(_("Only admins can test chat routes."))
    jobs = []
    for route in routes:
        key = f"test:{uuid.uuid4().hex}:route:{route.pk}"
        jobs.append((key, {"route": route.pk, "event": TEST, "actor": actor.pk, "key": key}))
        audit.record("chat_route.tested", actor=actor, target=route)
    return enqueue_many(CHAT_JOB, jobs, max_attempts=TEST_ATTEMPTS)


def send_chat_digests(now: datetime | None = None) -> int:
    """Queue this week's digest for every route that wants one, if it is Monday morning
    (server time, working hours); keyed by route and ISO week, so a route gets one digest a
    week however often the worker looks."""
    week = monday_morning_week(now or timezone.now())
    if not week:
        return 0
    jobs: list[tuple[str | None, dict[str, Any]]] = []
    for route in ChatRoute.objects.filter(is_active=True).order_by("pk"):
        if route.wants(ChatEvent.DIGEST):
            key = f"digest:route:{route.pk}:{week}"
            jobs.append((key, {"route": route.pk, "event": ChatEvent.DIGEST, "key": key}))
    return len(enqueue_many(CHAT_JOB, jobs, max_attempts=DELIVERY_ATTEMPTS))
