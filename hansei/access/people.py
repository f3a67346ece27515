"""Rules about people, teams and API tokens."""

from __future__ import annotations

from django.db.models import QuerySet

from hansei.access.base import can_administer, get_or_404, is_signed_in
from hansei.accounts.models import ApiToken, Role, Team, User


def writers_of_team(team: Team | int) -> QuerySet[User]:
    """The people who may write for a team, and so own its postmortems: its members who are
    not reviewers, and every admin."""
    team_id = team if isinstance(team, int) else team.pk
    members = User.objects.filter(is_active=True, memberships__team=team_id)
    admins = User.objects.filter(is_active=True, role=Role.ADMIN)
    return (members.exclude(role=Role.REVIEWER) | admins).distinct()


def teams_writable_by(user: User) -> QuerySet[Team]:
    """The teams ``user`` may record incidents for."""
    if not is_signed_in(user) or not user.can_write:
        return Team.objects.none()
    return Team.objects.all() if user.is_admin else Team.objects.filter(pk__in=user.team_ids())


def can_revoke_api_token(user: User, token: ApiToken) -> bool:
    return is_signed_in(user) and (token.user_id == user.pk or user.is_admin)


def get_api_token_for_user(user: User, pk: int | str) -> ApiToken:
    """A token ``user`` may revoke: their own, or anyone's for an admin; 404 otherwise."""
    tokens = ApiToken.objects.all() if can_administer(user) else ApiToken.objects.filter(user=user)
    token: ApiToken = get_or_404(tokens.select_related("user"), pk)
    return token


def can_read_audit_log(user: User) -> bool:
    """The audit log (who signed in, changed roles, exported...) is for admins only."""
    return can_administer(user)
