"""Kudos as a reader sees them: only those on postmortems they may read."""

from __future__ import annotations

from django.db.models import QuerySet

from hansei import access
from hansei.accounts.models import User
from hansei.culture.kudos.models import Kudos
from hansei.postmortems.document.models import Postmortem


def _shown(user: User) -> QuerySet[Kudos]:
    return access.kudos_visible_to(user).select_related("giver", "receiver", "postmortem")


def recent_kudos(user: User, *, limit: int) -> list[Kudos]:
    return list(_shown(user)[:limit])


def kudos_on(user: User, postmortem: Postmortem) -> list[Kudos]:
    return list(_shown(user).filter(postmortem=postmortem))


def kudos_received(user: User, person: User) -> list[Kudos]:
    return list(_shown(user).filter(receiver=person))


def kudos_given_count(user: User, person: User) -> int:
    return access.kudos_visible_to(user).filter(giver=person).count()
