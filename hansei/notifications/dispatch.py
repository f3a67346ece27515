"""The one door every message goes through.

A service decides what happened and who should hear of it, and why (``send(message, to)``);
this module decides, for each of them, whether they may read it, on which channels they want
that kind of message, and then writes the inbox rows and queues one job per channel and
person in the durable outbox. Both inserts happen in the caller's transaction, so nobody
hears of a change that rolled back, and both carry a key naming the message and the person,
so handling the same event twice tells nobody twice.

E-mail is written by the worker when it sends (``hansei.notifications.emails``), in the
recipient's language, after checking again that they may still read what it is about."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from hansei import access
from hansei.accounts.models import User
from hansei.action_items.models import ActionItem
from hansei.core.http import absolute_url
from hansei.core.jobs import enqueue_many
from hansei.core.models import Job
from hansei.incidents.models import Incident
from hansei.notifications import unsubscribe
from hansei.notifications.kinds import chat_is_set_up, default_channels
from hansei.notifications.live import inbox_changed_on_commit
from hansei.notifications.models import Channel, Notification, NotificationKind, Preference
from hansei.notifications.reasons import Reason
from hansei.postmortems.document.models import Postmortem

EMAIL_JOB = "notifications.email"
CHAT_JOB = "notifications.chat"  # a Slack direct message (integrations/slack)
# About a day of retries (backing off to an hour): an outage delays a message, never loses it.
DELIVERY_ATTEMPTS = 24


@dataclass(frozen=True)
class Message:
    """What happened, once for everyone told of it.

    ``key`` names the occurrence (``revision:12``); ``text`` has ``%(who)s`` and
    ``%(title)s`` (and the names in ``values``; ``%(when)s``, ``when`` in their time zone),
    filled in each recipient's language;
    ``email`` names the e-mail template and ``ids`` the rows it is written from (read again
    when it is sent). A message about an action ``item`` reaches whoever may see the item
    (its owner, even outside the postmortem's readers); its text names the item, not the
    postmortem. A message about an ``incident`` without a postmortem names its ``audience``
    (who may read it, from the rulebook)."""

    kind: NotificationKind
    postmortem: Postmortem | None
    actor: User | None
    key: str
    text: str
    url: str
    email: str = ""
    ids: dict[str, int | str] = field(default_factory=dict)
    at: datetime | None = None
    item: ActionItem | None = None
    values: dict[str, str] = field(default_factory=dict)
    when: datetime | None = None
    incident: Incident | None = None
    audience: QuerySet[User] | None = None


def send(message: Message, to: Iterable[tuple[User, Reason]]) -> list[User]:
    """Tell each person, for the first reason given for them, on the channels they chose,
    if they are active, may read the postmortem, are not the one who did it and were not
    told this very message before. Who was told now."""
    recipients = _not_yet_told(message, _readers(message, to))
    if not recipients:
        return []
    channels = channels_of([user for user, _reason in recipients], message.kind)
    live = _live_readers(message.postmortem, [user for user, _reason in recipients])
    inbox = [
        _inbox_row(message, user, reason, live=user.pk in live)
        for user, reason in recipients
        if Channel.INBOX in channels[user.pk]
    ]
    Notification.objects.bulk_create(inbox, ignore_conflicts=True)
    inbox_changed_on_commit(row.recipient_id for row in inbox)
    if message.email:
        jobs = [
            (_key(message, user, "email"), _email_payload(message, user, reason))
            for user, reason in recipients
            if Channel.EMAIL in channels[user.pk] and user.email
        ]
        enqueue_many(EMAIL_JOB, jobs, max_attempts=DELIVERY_ATTEMPTS)
    if chat_is_set_up() and message.postmortem is not None:
        chats = [
            (
                _key(message, user, "chat"),
                _chat_payload(message, user, reason, live=live),
            )
            for user, reason in recipients
            if Channel.CHAT in channels[user.pk]
        ]
        enqueue_many(CHAT_JOB, chats, max_attempts=DELIVERY_ATTEMPTS)
    return [user for user, _reason in recipients]


def _readers(message: Message, to: Iterable[tuple[User, Reason]]) -> list[tuple[User, Reason]]:
    first: dict[int, tuple[User, Reason]] = {}
    for user, reason in to:
        if user.pk != (message.actor.pk if message.actor else None):
            first.setdefault(user.pk, (user, reason))
    if message.audience is not None:
        allowed = message.audience
    elif message.item is not None:
        allowed = access.readers_of_action_item(message.item)
    elif message.postmortem is not None:
        allowed = access.readers_of_postmortem(message.postmortem)
    else:
        return []
    readers = set(allowed.filter(pk__in=list(first)).values_list("pk", flat=True))
    return [first[pk] for pk in first if pk in readers]


def _not_yet_told(
    message: Message, recipients: list[tuple[User, Reason]]
) -> list[tuple[User, Reason]]:
    """Leave out whoever this very message (its key) already reached on some channel."""
    inbox = {_key(message, user, "inbox"): user.pk for user, _reason in recipients}
    outbox = {
        _key(message, user, channel): user.pk
        for user, _reason in recipients
        for channel in ("email", "chat")
    }
    taken = [
        *Notification.objects.filter(key__in=inbox).values_list("key", flat=True),
        *Job.objects.filter(key__in=outbox).values_list("key", flat=True),
    ]
    done = {inbox.get(key) or outbox.get(key) for key in taken if key}
    return [(user, reason) for user, reason in recipients if user.pk not in done]


def _key(message: Message, user: User, channel: str) -> str:
    return f"{message.key}:{message.kind}:{user.pk}:{channel}"


def _live_readers(postmortem: Postmortem | None, users: list[User]) -> set[int]:
    """Who reads the live title (not the published one, while an amendment is drafted)."""
    if postmortem is None or not (postmortem.is_amendment and postmortem.published_title):
        return {user.pk for user in users}
    readers = access.live_content_readers(postmortem).filter(pk__in=[u.pk for u in users])
    return set(readers.values_list("pk", flat=True))


def channels_of(users: list[User], kind: str) -> dict[int, set[str]]:
    """The channels on which each of ``users`` gets ``kind``: the default, changed by their
    own choices (one query for all of them)."""
    chosen = {user.pk: default_channels(kind) for user in users}
    rows = Preference.objects.filter(user__in=[u.pk for u in users], kind=kind)
    for user_id, channel, enabled in rows.values_list("user_id", "channel", "enabled"):
        (chosen[user_id].add if enabled else chosen[user_id].discard)(channel)
    return chosen


def _line(message: Message, user: User, reason: Reason, *, live: bool) -> tuple[str, str]:
    """The message's line and its reason, in ``user``'s language, with the title they see."""
    postmortem = message.postmortem
    with translation.override(user.language or "en"):
        if postmortem is None:
            title = message.incident.title if message.incident else ""
        elif live:
            title = postmortem.title
        else:
            title = postmortem.published_title or postmortem.title
        who = message.actor.name if message.actor else _("Someone")
        values = {"who": who, "title": Truncator(title).chars(120), **message.values}
        if message.when is not None:
            values["when"] = local_when(message.when, user)
        line = Truncator(_(message.text) % values).chars(300)
        why = Truncator(reason.text()).chars(200)
    return line, why


def local_when(moment: datetime, user: User) -> str:
    """``moment`` as ``user`` reads it: in their time zone, which is named."""
    return moment.astimezone(user.zone).strftime("%Y-%m-%d %H:%M %Z")


def _chat_payload(
    message: Message, user: User, reason: Reason, *, live: set[int]
) -> dict[str, Any]:
    """A direct message: the inbox line and why, a link; the handler checks again that they
    may still read it."""
    line, why = _line(message, user, reason, live=user.pk in live)
    return {
        "recipient": user.pk,
        "postmortem": message.postmortem.pk if message.postmortem else None,
        "text": line,
        "url": absolute_url(message.url),
        "reason": why,
        "key": _key(message, user, "chat"),
        "unsubscribe": unsubscribe.url_for(
            user, kind=message.kind, reason=reason, channel=Channel.CHAT
        ),
    }


def _inbox_row(message: Message, user: User, reason: Reason, *, live: bool) -> Notification:
    postmortem = message.postmortem
    line, why = _line(message, user, reason, live=live)
    return Notification(
        recipient=user,
        actor=message.actor,
        kind=message.kind,
        postmortem=postmortem,
        action_item=message.item,
        text=line,
        reason=why,
        url=message.url,
        key=_key(message, user, "inbox"),
        created_at=message.at or timezone.now(),  # now: the demo replays its history on a clock
    )


def _email_payload(message: Message, user: User, reason: Reason) -> dict[str, Any]:
    return {
        "template": message.email,
        "kind": message.kind,
        "recipient": user.pk,
        "postmortem": message.postmortem.pk if message.postmortem else None,
        "incident": message.incident.pk if message.incident else None,
        "actor": message.actor.pk if message.actor else None,
        "ids": message.ids,
        "item": message.item.pk if message.item else None,
        "url": message.url,
        "reason": reason.as_json(),
        "key": _key(message, user, "email"),
    }
