"""Who configures a team's tracker and reads its sync log.

Where issues go and how states map (project, issue type, labels, states, when to create) is
the team's business: its leads and admins. Where the API is and which token it uses is an
admin's: a lead who could point a token at a server of their own could read it."""

from __future__ import annotations

from django.db.models import QuerySet

from hansei.access.base import can_administer, is_signed_in
from hansei.accounts.models import Membership, Team, User
from hansei.integrations.trackers.models import TrackerEvent


def is_lead_of(user: User, team: Team | int) -> bool:
    team_id = team if isinstance(team, int) else team.pk
    return (
        is_signed_in(user)
        and Membership.objects.filter(user=user, team_id=team_id, is_lead=True).exists()
    )


def can_configure_tracker(user: User, team: Team | int) -> bool:
    return can_administer(user) or (user.can_write and is_lead_of(user, team))


def can_connect_tracker(user: User) -> bool:
    """Choose the tracker, its API address and the token's variable."""
    return can_administer(user)


def teams_with_tracker_settings(user: User) -> QuerySet[Team]:
    """The teams whose tracker ``user`` may set up (every team for admins)."""
    if can_administer(user):
        return Team.objects.all()
    if not is_signed_in(user) or not user.can_write:
        return Team.objects.none()
    return Team.objects.filter(memberships__user=user, memberships__is_lead=True)


def tracker_events_visible_to(user: User) -> QuerySet[TrackerEvent]:
    """The sync log: admins read all of it, a team's leads their team's."""
    if can_administer(user):
        return TrackerEvent.objects.all()
    teams = teams_with_tracker_settings(user)
    return TrackerEvent.objects.filter(config__team__in=teams)
