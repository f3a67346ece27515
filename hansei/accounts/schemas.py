"""Shapes shared by every API module: people, teams, pages, and name lookups."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import overload

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Field, Schema

from hansei.accounts.models import Team, User
from hansei.core.dates import keepable


class UserOut(Schema):
    username: str
    name: str
    role: str


class MeOut(UserOut):
    email: str
    teams: list[str]
    is_admin: bool

    @staticmethod
    def resolve_teams(obj: User) -> list[str]:
        return [t.slug for t in obj.teams.all()]


class TeamOut(Schema):
    slug: str
    name: str
    description: str


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None


class NewTokenOut(TokenOut):
    token: str = Field(description="The raw token. It is shown only this once.")


class TokenIn(Schema):
    name: str


def user_named(username: str, *, field: str) -> User:
    """The user with this username; a 400 naming ``field`` if there is none."""
    user = User.objects.filter(username=username.strip()).first()
    if user is None:
        raise ValidationError({field: f"Unknown user: {username!r}."})
    return user


def users_named(usernames: Iterable[str], *, field: str) -> list[User]:
    wanted = list(dict.fromkeys(u.strip() for u in usernames))
    found = {u.username: u for u in User.objects.filter(username__in=wanted)}
    unknown = [name for name in wanted if name not in found]
    if unknown:
        raise ValidationError({field: f"Unknown user(s): {', '.join(unknown)}."})
    return [found[name] for name in wanted]


def team_named(slug: str, *, field: str = "team") -> Team:
    team = Team.objects.filter(slug=slug.strip()).first()
    if team is None:
        raise ValidationError({field: f"Unknown team: {slug!r}."})
    return team


@overload
def aware(value: datetime) -> datetime: ...


@overload
def aware(value: None) -> None: ...


def aware(value: datetime | None) -> datetime | None:
    """Times without a zone are read as UTC, the API's documented default; a time outside
    the years 1900 to 9998 is refused."""
    if value is None:
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return keepable(value)
