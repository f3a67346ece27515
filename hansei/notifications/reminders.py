"""Reminders, sent by the worker (``send_reminders``, every few minutes): postmortems due soon
and overdue, reviews that have waited, action items due soon and overdue by priority, and an
escalation to the team's leads once something is overdue for long enough.

Rules, one per line:

* days are business days (Monday to Friday); "soon" is ``HANSEI_REMIND_DUE_SOON_DAYS`` for a
  postmortem, and by priority for an action item (``ITEM_LEAD_DAYS``);
* a review waits ``HANSEI_REMIND_REVIEW_AFTER_DAYS`` before its reviewer is reminded;
* leads hear of what is still overdue ``HANSEI_ESCALATE_AFTER_DAYS`` after its due date;
* a person is reminded only in their working hours, in their own time zone, Monday to
  Friday: the hours they chose (``WorkingHours``), else ``HANSEI_WORKDAY_START_HOUR`` to
  ``..._END_HOUR``; outside them (their quiet hours) the reminder waits for the next run
  inside them;
* an incident the policy says needs a postmortem, resolved in the last ``INCIDENT_WINDOW``
  days and still without one, is brought to whoever led its response (else its team's leads,
  else its team's writers), weekly until the postmortem is started;
* never twice for the same thing in one period: once per due date for "due soon" and for an
  escalation, once a week for what is overdue or waiting (once a day for P0 and P1 items); the
  period is in the message's key, and the outbox never queues a key twice.

``now`` is a parameter, so tests (and the demo) run reminders on a clock of their own."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from hansei import access
from hansei.accounts.models import Team, User
from hansei.action_items.models import ActionItem
from hansei.core.dates import add_business_days
from hansei.incidents.models import Incident, PostmortemPolicy
from hansei.incidents.policy import postmortem_requirement
from hansei.notifications import kinds
from hansei.notifications.dispatch import Message, send
from hansei.notifications.models import NotificationKind, ReadRequest
from hansei.notifications.reasons import ITEM_OWNER, OWNER, Reason
from hansei.notifications.services import unread_members
from hansei.postmortems.document.models import Postmortem, Status
from hansei.reviews.models import Review

# How many business days before its due date an action item is "due soon", by priority.
ITEM_LEAD_DAYS = {"P0": 1, "P1": 2, "P2": 5, "P3": 10}
DAILY_PRIORITIES = {"P0", "P1"}


def send_reminders(now: datetime | None = None) -> int:
    """Queue every reminder due at ``now``; how many people were told."""
    now = now or timezone.now()
    told = _postmortems(now) + _reviews(now) + _action_items(now) + _incidents(now)
    return told + _read_requests(now)


def in_working_hours(user: User, now: datetime) -> bool:
    """Monday to Friday, between the hours ``user`` chose (else the site's), their time."""
    local = now.astimezone(user.zone)
    start, end = hours_of(user)
    return local.weekday() < 5 and start <= local.hour < end


def hours_of(user: User) -> tuple[int, int]:
    chosen = getattr(user, "working_hours", None) if user.pk else None
    if chosen is not None:
        return chosen.start_hour, chosen.end_hour
    return settings.HANSEI_WORKDAY_START_HOUR, settings.HANSEI_WORKDAY_END_HOUR


def _awake(now: datetime, people: Iterable[tuple[User, Reason]]) -> list[tuple[User, Reason]]:
    return [(user, reason) for user, reason in people if in_working_hours(user, now)]


def _week(day: date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def _leads(team: Team) -> list[tuple[User, Reason]]:
    leads = User.objects.filter(memberships__team=team, memberships__is_lead=True, is_active=True)
    return [(lead, Reason("lead", team.name)) for lead in leads.distinct()]


def _postmortems(now: datetime) -> int:
    today = timezone.localdate(now)
    soon = add_business_days(today, settings.HANSEI_REMIND_DUE_SOON_DAYS)
    escalate_before = _business_days_ago(today, settings.HANSEI_ESCALATE_AFTER_DAYS)
    told = 0
    open_ones = Postmortem.objects.open().filter(due_date__lte=soon)
    for postmortem in open_ones.select_related("owner", "team"):
        overdue = postmortem.due_date < today
        period = _week(today) if overdue else postmortem.due_date.isoformat()
        message = Message(
            kind=NotificationKind.POSTMORTEM_DUE,
            postmortem=postmortem,
            actor=None,
            key=f"remind:postmortem:{postmortem.pk}:{'overdue' if overdue else 'soon'}:{period}",
            text=kinds.POSTMORTEM_OVERDUE_TEXT if overdue else kinds.POSTMORTEM_DUE_SOON_TEXT,
            url=reverse("postmortems:detail", args=[postmortem.pk]),
            email="postmortem_due",
            ids={"overdue": int(overdue)},
            values={"due": postmortem.due_date.isoformat()},
        )
        told += len(send(message, _awake(now, [(postmortem.owner, OWNER)])))
        if overdue and postmortem.due_date <= escalate_before:
            escalation = replace(
                message, key=f"escalate:postmortem:{postmortem.pk}:{postmortem.due_date}"
            )
            told += len(send(escalation, _awake(now, _leads(postmortem.team))))
    return told


def _business_days_ago(today: date, days: int) -> date:
    """The latest date from which ``days`` business days have passed by ``today``."""
    day = today
    counted = 0
    while counted < days:
        day = date.fromordinal(day.toordinal() - 1)
        if day.weekday() < 5:
            counted += 1
    return day


def _reviews(now: datetime) -> int:
    today = timezone.localdate(now)
    since = _business_days_ago(today, settings.HANSEI_REMIND_REVIEW_AFTER_DAYS)
    waiting = (
        Review.objects.current()
        .pending()
        .filter(requested_at__date__lte=since, postmortem__status=Status.IN_REVIEW)
        .select_related("postmortem", "reviewer", "requested_by")
    )
    told = 0
    for review in waiting:
        message = Message(
            kind=NotificationKind.REVIEW_WAITING,
            postmortem=review.postmortem,
            actor=None,
            key=f"remind:review:{review.pk}:{_week(today)}",
            text=kinds.REVIEW_WAITING_TEXT,
            url=reverse("reviews:review", args=[review.postmortem_id, review.pk]),
            email="review_waiting",
            ids={"review": review.pk},
            values={"since": timezone.localdate(review.requested_at).isoformat()},
        )
        told += len(send(message, _awake(now, [(review.reviewer, Reason("asked"))])))
    return told


def _read_requests(now: datetime) -> int:
    """Once, ``HANSEI_REMIND_READ_AFTER_DAYS`` business days after a team was asked to read
    a postmortem, whoever of it has still not read it."""
    today = timezone.localdate(now)
    since = _business_days_ago(today, settings.HANSEI_REMIND_READ_AFTER_DAYS)
    asked = ReadRequest.objects.filter(requested_at__date__lte=since).select_related(
        "postmortem", "team"
    )
    told = 0
    for request in asked:
        message = Message(
            kind=NotificationKind.READ_REQUESTED,
            postmortem=request.postmortem,
            actor=None,
            key=f"remind:read:{request.pk}",  # no period in it: reminded once
            text=kinds.READ_REMINDER_TEXT,
            url=reverse("postmortems:detail", args=[request.postmortem_id]),
            email="read_reminder",
        )
        people = [
            (user, Reason("member", request.team.name))
            for user in unread_members(request.postmortem, request.team)
        ]
        told += len(send(message, _awake(now, people)))
    return told


def _action_items(now: datetime) -> int:
    today = timezone.localdate(now)
    horizon = add_business_days(today, max(ITEM_LEAD_DAYS.values()))
    escalate_before = _business_days_ago(today, settings.HANSEI_ESCALATE_AFTER_DAYS)
    items = ActionItem.objects.unfinished().filter(due_date__lte=horizon, owner__isnull=False)
    told = 0
    for item in items.select_related("owner", "postmortem__team"):
        assert item.due_date is not None and item.owner is not None
        overdue = item.due_date < today
        if not overdue and item.due_date > add_business_days(
            today, ITEM_LEAD_DAYS.get(item.priority, 5)
        ):
            continue
        if overdue:
            period = today.isoformat() if item.priority in DAILY_PRIORITIES else _week(today)
        else:
            period = item.due_date.isoformat()
        message = Message(
            kind=NotificationKind.ACTION_ITEM_DUE,
            postmortem=item.postmortem,
            actor=None,
            key=f"remind:item:{item.pk}:{'overdue' if overdue else 'soon'}:{period}",
            text=kinds.ITEM_OVERDUE_TEXT if overdue else kinds.ITEM_DUE_SOON_TEXT,
            url=reverse("action_items:edit", args=[item.pk]),
            email="action_item_due",
            ids={"item": item.pk, "overdue": int(overdue)},
            item=item,
            values={"item": Truncator(item.title).chars(120), "due": item.due_date.isoformat()},
        )
        told += len(send(message, _awake(now, [(item.owner, ITEM_OWNER)])))
        if overdue and item.due_date <= escalate_before:
            escalation = replace(message, key=f"escalate:item:{item.pk}:{item.due_date}")
            told += len(send(escalation, _awake(now, _leads(item.postmortem.team))))
    return told


# How far back resolved incidents are looked at for a missing postmortem.
INCIDENT_WINDOW = timedelta(days=14)


def _incidents(now: datetime) -> int:
    today = timezone.localdate(now)
    resolved = Incident.objects.without_postmortem().filter(
        resolved_at__gte=now - INCIDENT_WINDOW, resolved_at__lte=now
    )
    policy = PostmortemPolicy.current()
    told = 0
    for incident in resolved.select_related("team", "severity", "commander")[:200]:
        if not postmortem_requirement(incident, policy).needed:
            continue
        writers = access.writers_of_team(incident.team)
        message = Message(
            kind=NotificationKind.NEEDS_POSTMORTEM,
            postmortem=None,
            incident=incident,
            audience=writers,
            actor=None,
            key=f"remind:incident:{incident.pk}:{_week(today)}",
            text=kinds.NEEDS_POSTMORTEM_TEXT,
            url=reverse("incidents:detail", args=[incident.pk]),
            email="needs_postmortem",
        )
        told += len(send(message, _awake(now, _who_starts_it(incident, writers))))
    return told


def _who_starts_it(incident: Incident, writers: QuerySet[User]) -> list[tuple[User, Reason]]:
    """Whoever led the response, else the team's leads, else its writers."""
    commander = incident.commander
    if commander is not None and writers.filter(pk=commander.pk).exists():
        return [(commander, Reason("commander"))]
    leads = _leads(incident.team)
    if leads:
        return leads
    member = Reason("member", incident.team.name)
    return [(writer, member) for writer in writers.exclude(role="admin")]
