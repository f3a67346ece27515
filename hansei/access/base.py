"""What every rule stands on: who is signed in, and how a refused read or write looks."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from hansei.accounts.models import Team, User

MAX_ID = 2**63 - 1  # the largest id a database column holds


def is_signed_in(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_member(user: User, team: Team | int | None) -> bool:
    team_id = team if isinstance(team, int) or team is None else team.pk
    return team_id is not None and team_id in user.team_ids()


def can_administer(user: User) -> bool:
    return is_signed_in(user) and user.is_admin


def can_delete_records(user: User) -> bool:
    """May delete an incident or an unpublished draft recorded by mistake (audited; what was
    published is kept forever, which the services enforce)."""
    return can_administer(user)


def can_write_for_team(user: User, team: Team | int | None) -> bool:
    if not is_signed_in(user) or not user.can_write:
        return False
    return user.is_admin or is_member(user, team)


def can_own_postmortems_of(user: User | None, team: Team | int | None) -> bool:
    """Who may own a team's postmortem (be chosen, or assigned): an active writer of the team."""
    return user is not None and user.is_active and can_write_for_team(user, team)


def owns(user: User, owner_id: int | None) -> bool:
    """A record kept for one person (a saved search): only they change it."""
    return is_signed_in(user) and owner_id == user.pk


def get_or_404(qs: Any, pk: int | str) -> Any:
    """The row ``pk`` of ``qs``; 404 for a missing row and for anything that is not an id."""
    try:
        number = int(pk)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    if not 0 < number <= MAX_ID:
        raise Http404
    return get_object_or_404(qs, pk=number)


def require(allowed: bool, message: str = "") -> None:
    """Raise PermissionDenied unless ``allowed``: the one way services refuse an actor."""
    if not allowed:
        raise PermissionDenied(message or _("You do not have permission to do this."))
