"""Signed one-click unsubscribe links. A link names a person and what it stops: one
subscription, one kind of message by e-mail, or their digest. It needs no sign-in (mail
clients send the RFC 8058 one-click POST on their own), so the signature is all its
authority, and all it can do is stop messages to the person it names."""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing
from django.urls import reverse

from hansei.accounts.models import User
from hansei.core.http import absolute_url
from hansei.notifications.models import Channel, NotificationKind, Subscription
from hansei.notifications.reasons import Reason

SALT = "hansei.notifications.unsubscribe"


class BadLink(Exception):
    """The link was not made by this Hansei, or names nobody."""


@dataclass(frozen=True)
class Stop:
    """What a link stops: ``subscription`` (None if already gone), or e-mails of ``kind``."""

    user: User
    kind: str = ""
    subscription: Subscription | None = None
    subscription_id: int | None = None
    digest: bool = False
    channel: str = Channel.EMAIL

    @property
    def kind_label(self) -> str:
        return str(NotificationKind(self.kind).label) if self.kind else ""


def token_for(user: User, *, kind: str, reason: Reason, channel: str = Channel.EMAIL) -> str:
    """A link that stops the subscription behind ``reason``, or else ``kind`` on ``channel``
    (the channel the message came by: e-mail, or a Slack direct message)."""
    data: dict[str, object] = {"u": user.pk}
    if reason.subscription:
        data["s"] = reason.subscription
    else:
        data["k"] = kind
        if channel != Channel.EMAIL:
            data["c"] = channel
    return signing.dumps(data, salt=SALT, compress=True)


def digest_url_for(user: User) -> str:
    token = signing.dumps({"u": user.pk, "d": 1}, salt=SALT, compress=True)
    return absolute_url(reverse("notifications:unsubscribe", args=[token]))


def url_for(user: User, *, kind: str, reason: Reason, channel: str = Channel.EMAIL) -> str:
    token = token_for(user, kind=kind, reason=reason, channel=channel)
    return absolute_url(reverse("notifications:unsubscribe", args=[token]))


def read(token: str) -> Stop:
    try:
        data = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, UnicodeError) as exc:
        raise BadLink(str(exc)) from exc
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        raise BadLink("no person")
    user = User.objects.filter(pk=data["u"], is_active=True).first()
    if user is None:
        raise BadLink("nobody")
    if isinstance(data.get("s"), int):
        subscription = Subscription.objects.of(user.pk).filter(pk=data["s"]).first()
        return Stop(user, subscription=subscription, subscription_id=data["s"])
    channel = data.get("c", Channel.EMAIL)
    if data.get("k") in NotificationKind.values and channel in (Channel.EMAIL, Channel.CHAT):
        return Stop(user, kind=data["k"], channel=channel)
    if data.get("d") == 1:
        return Stop(user, digest=True)
    raise BadLink("nothing to stop")
