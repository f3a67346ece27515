"""Read-only questions for notifications: who hears of a publication or of a comment, who
follows what, what people chose, and where a thread is."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from hansei import access
from hansei.accounts.models import Team, User
from hansei.core.models import Job
from hansei.incidents.models import PostmortemPolicy, Service
from hansei.notifications.kinds import SPECS, KindSpec, channels_offered, default_channels
from hansei.notifications.models import (
    DigestChoice,
    Frequency,
    Notification,
    Preference,
    Subscription,
)
from hansei.notifications.reasons import Reason
from hansei.postmortems.document.models import Postmortem

if TYPE_CHECKING:
    from hansei.collab.comments.models import Comment


def announcement_recipients(postmortem: Postmortem) -> list[str]:
    """The distribution lists; a restricted postmortem is announced to its team only, person
    by person, never to a list."""
    if postmortem.restricted:
        return []
    return PostmortemPolicy.current().recipients()


def team_members(team: Team) -> list[User]:
    return list(User.objects.filter(memberships__team=team, is_active=True).distinct())


def followers_of(postmortem: Postmortem) -> list[tuple[User, Reason]]:
    """Who follows ``postmortem``, its team, one of its incidents' services or severities,
    each with the reason, most particular first. A restricted postmortem reaches only the
    followers of the postmortem itself and the members of its team (never announced outside
    it). Whether each may read it is checked when they are told."""
    incidents = postmortem.incidents.all()
    matches = (
        Q(postmortem=postmortem)
        | Q(team=postmortem.team_id)
        | Q(service__in=Service.objects.filter(incidents__in=incidents).values("pk"))
        | Q(severity__in=incidents.values("severity_id"))
    )
    found = Subscription.objects.filter(matches, user__is_active=True).select_related(
        "user", "team", "service", "severity"
    )
    if postmortem.restricted:
        members = postmortem.team.memberships.values("user_id")
        found = found.filter(Q(postmortem=postmortem) | Q(user__in=members))
    order = {name: n for n, name in enumerate(Subscription.TARGETS)}
    ranked = sorted(found, key=lambda s: (order[s.target_kind], s.pk))
    return [(s.user, _reason(s)) for s in ranked]


def _reason(subscription: Subscription) -> Reason:
    kind = subscription.target_kind
    name = "" if kind == "postmortem" else str(getattr(subscription.target, "name", ""))
    return Reason(kind, name, subscription.pk)


def digest_of(user: User) -> str:
    """How often ``user`` gets the digest (weekly unless they chose)."""
    choice = DigestChoice.objects.filter(user=user).values_list("frequency", flat=True).first()
    return choice or Frequency.WEEKLY


def subscriptions_of(user: User) -> list[Subscription]:
    return list(Subscription.objects.of(user.pk))


def preference_grid(user: User) -> list[tuple[KindSpec, list[tuple[str, str, bool]]]]:
    """Every kind with each channel (value, label) and whether ``user`` gets it there (their
    choices over the defaults)."""
    chosen = {key: default_channels(key) for key in SPECS}
    for kind, channel, enabled in Preference.objects.filter(user=user).values_list(
        "kind", "channel", "enabled"
    ):
        if kind in chosen:
            (chosen[kind].add if enabled else chosen[kind].discard)(channel)
    return [
        (spec, [(value, str(label), value in chosen[key]) for value, label in channels_offered()])
        for key, spec in SPECS.items()
    ]


# --- comments: the in-app inbox, and e-mail for mentions ------------------------------------


def thread_url(comment: Comment) -> str:
    return reverse("postmortems:detail", args=[comment.thread.postmortem_id]) + (
        f"#thread-{comment.thread_id}"
    )


def thread_participants(comment: Comment) -> list[User]:
    """Who took part in the thread before this comment: its author and earlier repliers."""
    thread = comment.thread
    earlier = thread.comments.exclude(pk=comment.pk).values("author_id")
    started = Q(pk=thread.created_by_id) if thread.created_by_id else Q(pk__in=[])
    return list(User.objects.filter(Q(pk__in=earlier) | started, is_active=True).distinct())


@dataclass
class InboxGroup:
    """A postmortem's notifications on one page of the inbox (``postmortem`` None: the rest)."""

    postmortem: Postmortem | None
    title: str
    notifications: list[Notification] = field(default_factory=list)

    @property
    def unread(self) -> int:
        return sum(1 for n in self.notifications if n.read_at is None)


def by_postmortem(reader: User, notifications: list[Notification]) -> list[InboxGroup]:
    """``notifications`` (newest first) grouped by postmortem, the group with the newest
    entry first; titles as ``reader`` may see them. Notifications about an action item of a
    postmortem ``reader`` may not read (they own the item) go under the rest."""
    ids = {n.postmortem_id for n in notifications if n.postmortem_id}
    readable = set(
        access.postmortems_visible_to(reader).filter(pk__in=ids).values_list("pk", flat=True)
    )
    groups: dict[int | None, InboxGroup] = {}
    for notification in notifications:
        postmortem = notification.postmortem if notification.postmortem_id in readable else None
        key = postmortem.pk if postmortem else None
        if key not in groups:
            title = access.title_shown_to(reader, postmortem) if postmortem else ""
            groups[key] = InboxGroup(postmortem, title)
        groups[key].notifications.append(notification)
    return list(groups.values())


@dataclass
class DeliveryProblems:
    """For admins: messages that failed for good, and the latest reason."""

    failed: int
    last_error: str


def delivery_problems(days: int = 7) -> DeliveryProblems:
    recent = Job.objects.filter(
        kind__startswith="notifications.",
        failed=True,
        finished_at__gte=timezone.now() - timedelta(days=days),
    )
    latest = recent.order_by("-finished_at").values_list("last_error", flat=True).first()
    return DeliveryProblems(recent.count(), latest or "")
