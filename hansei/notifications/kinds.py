"""Every kind of message: what it says in the inbox, which e-mail carries it, and on which
channels people get it until they choose otherwise.

Defaults follow what people expect from GitHub and Linear: what asks something of you (a
review, a postmortem to write, a mention) comes by e-mail too; what only keeps you informed
(replies, submissions of what you follow) stays in the inbox."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from hansei.notifications.models import Channel, NotificationKind


@dataclass(frozen=True)
class KindSpec:
    kind: NotificationKind
    help: str | Promise
    defaults: frozenset[Channel]


INBOX = frozenset({Channel.INBOX})
EVERYWHERE = frozenset({Channel.INBOX, Channel.EMAIL})

SPECS: dict[str, KindSpec] = {
    spec.kind.value: spec
    for spec in (
        KindSpec(
            NotificationKind.REVIEW_REQUESTED,
            _("Someone asks you to review a postmortem."),
            EVERYWHERE,
        ),
        KindSpec(
            NotificationKind.CHANGES_REQUESTED,
            _("A reviewer asks for changes to a postmortem you own."),
            EVERYWHERE,
        ),
        KindSpec(
            NotificationKind.APPROVED,
            _("A reviewer approves a postmortem you own."),
            EVERYWHERE,
        ),
        KindSpec(
            NotificationKind.ASSIGNED,
            _("A postmortem is started for you to write."),
            EVERYWHERE,
        ),
        KindSpec(
            NotificationKind.MENTION,
            _("Someone @mentions you in a comment."),
            EVERYWHERE,
        ),
        KindSpec(
            NotificationKind.COMMENT,
            _("Someone replies in a thread you took part in."),
            INBOX,
        ),
        KindSpec(
            NotificationKind.SUBMITTED,
            _("A postmortem you follow is submitted for review."),
            INBOX,
        ),
        KindSpec(
            NotificationKind.PUBLISHED,
            _("A postmortem of your team, or one you follow, is published or amended."),
            EVERYWHERE,
        ),
    )
}


def default_channels(kind: str) -> set[str]:
    return {str(channel) for channel in SPECS[kind].defaults}


# The inbox lines (translated when sent, in the recipient's language).
REVIEW_REQUESTED_TEXT = gettext_noop("%(who)s asked you to review “%(title)s”")
CHANGES_REQUESTED_TEXT = gettext_noop("%(who)s requested changes on “%(title)s”")
APPROVED_TEXT = gettext_noop("%(who)s approved “%(title)s”")
MENTION_TEXT = gettext_noop("%(who)s mentioned you on “%(title)s”")
REPLY_TEXT = gettext_noop("%(who)s replied on “%(title)s”")
ASSIGNED_TEXT = gettext_noop("“%(title)s” is yours to write")
SUBMITTED_TEXT = gettext_noop("%(who)s submitted “%(title)s” for review")
PUBLISHED_TEXT = gettext_noop("%(who)s published “%(title)s”")
AMENDED_TEXT = gettext_noop("%(who)s published an amendment of “%(title)s”")
