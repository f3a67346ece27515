"""API shapes of the inbox, notification settings and subscriptions."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Schema
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from hansei.notifications.kinds import SPECS
from hansei.notifications.models import Channel, Subscription


class NotificationOut(Schema):
    id: int
    kind: str
    text: str
    reason: str
    url: str
    postmortem: int | None = Field(None, alias="postmortem_id")
    created_at: datetime
    read_at: datetime | None


class InboxPage(Schema):
    items: list[NotificationOut]
    total: int
    limit: int
    offset: int
    unread: int = Field(description="How many of all my notifications are unread.")


class ChoiceOut(Schema):
    kind: str
    label: str
    description: str
    channels: dict[str, bool]


class ChoiceIn(Schema):
    kind: str = Field(description="A kind of message, as listed by GET.")
    channel: str = Field(description="inbox or email")
    enabled: bool

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        if value not in SPECS:
            raise PydanticCustomError("kind", "Unknown kind: {kind}.", {"kind": value[:50]})
        return value

    @field_validator("channel")
    @classmethod
    def _known_channel(cls, value: str) -> str:
        if value not in Channel.values:
            raise PydanticCustomError("channel", "Unknown channel: {c}.", {"c": value[:50]})
        return value


class SettingsIn(Schema):
    choices: list[ChoiceIn] = Field(max_length=200)


class DigestOut(Schema):
    frequency: str = Field(description="off, daily (working days) or weekly (Mondays)")


class DigestIn(Schema):
    frequency: Literal["off", "daily", "weekly"]


class SubscriptionOut(Schema):
    id: int
    follows: str = Field(description="postmortem, team, service or severity")
    target: int = Field(description="The id of what is followed.")
    name: str
    created_at: datetime

    @staticmethod
    def resolve_follows(obj: Subscription) -> str:
        return obj.target_kind

    @staticmethod
    def resolve_target(obj: Subscription) -> int:
        return int(obj.target.pk)

    @staticmethod
    def resolve_name(obj: Subscription) -> str:
        target = obj.target
        return str(getattr(target, "title", None) or target)


class SubscriptionIn(Schema):
    """Exactly one of the four."""

    postmortem: int | None = None
    team: str | None = Field(None, description="A team's slug.")
    service: str | None = Field(None, description="A service's slug.")
    severity: str | None = Field(None, description="A severity's name, e.g. SEV1.")


class ReadRequestIn(Schema):
    team: str = Field(..., max_length=50, description="The slug of a team you lead.")


class ReadRequestOut(Schema):
    team: str
    told: list[str] = Field(description="User names of those told now (who had not read it).")
