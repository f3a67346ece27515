"""Every kind of message: what it says in the inbox, which e-mail carries it, and on which
channels people get it until they choose otherwise.

Defaults follow what people expect from GitHub and Linear: what asks something of you (a
review, a postmortem to write, a mention) comes by e-mail too; what only keeps you informed
(replies, submissions of what you follow) stays in the inbox."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
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
# Chat reaches people only once Hansei is set up as a Slack app (``chat_is_set_up``).
EVERYWHERE = frozenset({Channel.INBOX, Channel.EMAIL, Channel.CHAT})

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
        KindSpec(
            NotificationKind.POSTMORTEM_DUE,
            _("A postmortem you own (or your team's, as its lead) is due soon or overdue."),
            EVERYWHERE,
        ),
        KindSpec(
            NotificationKind.REVIEW_WAITING,
            _("A review asked of you has waited for days."),
            EVERYWHERE,
        ),
        KindSpec(
            NotificationKind.ACTION_ITEM_ASSIGNED,
            _("Someone makes you the owner of an action item."),
            EVERYWHERE,
        ),
        KindSpec(
            NotificationKind.ACTION_ITEM_DUE,
            _("An action item you own (or your team's, as its lead) is due soon or overdue."),
            EVERYWHERE,
        ),
        KindSpec(
            NotificationKind.NEEDS_POSTMORTEM,
            _("An incident you led (or your team's) needs a postmortem and has none yet."),
            EVERYWHERE,
        ),
        KindSpec(
            NotificationKind.ACTION_ITEM_CLOSED,
            _("An action item of a postmortem you own is done or dropped."),
            INBOX,
        ),
        KindSpec(
            NotificationKind.READ_REQUESTED,
            _("A lead asks your team to read a published postmortem, and reminds you."),
            EVERYWHERE,
        ),
        KindSpec(
            NotificationKind.AWARD,
            _("The postmortem of the month is announced."),
            INBOX,
        ),
        KindSpec(
            NotificationKind.KUDOS,
            _("Someone thanks you, or a teammate, for a postmortem or a review."),
            frozenset({Channel.INBOX, Channel.EMAIL}),
        ),
        KindSpec(
            NotificationKind.SURVEY,
            _("A postmortem you took part in is published: how did the process go?"),
            INBOX,
        ),
        KindSpec(
            NotificationKind.READING,
            _(
                "A reading club session is scheduled, moved, cancelled or about to start; "
                "someone joins the discussion of one you are in."
            ),
            INBOX,
        ),
        KindSpec(
            NotificationKind.DRILL,
            _("An incident you responded to becomes a Wheel of Misfortune drill."),
            INBOX,
        ),
        KindSpec(
            NotificationKind.REVIEW_MEETING,
            _("You are invited to a review meeting, or it changes or is cancelled."),
            EVERYWHERE,
        ),
    )
}


def default_channels(kind: str) -> set[str]:
    return {str(channel) for channel in SPECS[kind].defaults}


def chat_is_set_up() -> bool:
    """Hansei runs as a Slack app (``integrations/slack``: the bot token and the signing
    secret are set), so people can get direct messages."""
    return bool(settings.HANSEI_SLACK_BOT_TOKEN and settings.HANSEI_SLACK_SIGNING_SECRET)


def channels_offered() -> list[tuple[str, str]]:
    """The channels people choose among here: chat only once it is set up."""
    chat = chat_is_set_up()
    return [
        (value, str(label)) for value, label in Channel.choices if value != Channel.CHAT or chat
    ]


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
ITEM_ASSIGNED_TEXT = gettext_noop("%(who)s gave you the action item “%(item)s”")
ITEM_DONE_TEXT = gettext_noop("%(who)s closed the action item “%(item)s”")
ITEM_DUE_SOON_TEXT = gettext_noop("The action item “%(item)s” is due on %(due)s")
ITEM_OVERDUE_TEXT = gettext_noop("The action item “%(item)s” was due on %(due)s")
SURVEY_TEXT = gettext_noop("How did the postmortem process go for “%(title)s”? Two minutes")
AWARD_TEXT = gettext_noop("“%(title)s” is the postmortem of the month for %(month)s")
KUDOS_WRITING_TEXT = gettext_noop("%(who)s thanked you for writing “%(title)s”")
KUDOS_REVIEW_TEXT = gettext_noop("%(who)s thanked you for your review of “%(title)s”")
TEAM_KUDOS_WRITING_TEXT = gettext_noop("%(who)s thanked %(name)s for writing “%(title)s”")
TEAM_KUDOS_REVIEW_TEXT = gettext_noop("%(who)s thanked %(name)s for reviewing “%(title)s”")
POSTMORTEM_DUE_SOON_TEXT = gettext_noop("“%(title)s” is due on %(due)s")
POSTMORTEM_OVERDUE_TEXT = gettext_noop("“%(title)s” was due on %(due)s and is not published")
NEEDS_POSTMORTEM_TEXT = gettext_noop("“%(title)s” needs a postmortem and has none yet")
REVIEW_WAITING_TEXT = gettext_noop("Your review of “%(title)s” has waited since %(since)s")
READING_SCHEDULED_TEXT = gettext_noop(
    "%(who)s scheduled the reading club session “%(title)s”, %(when)s"
)
READING_MOVED_TEXT = gettext_noop("The reading club session “%(title)s” moved to %(when)s")
READING_CANCELLED_TEXT = gettext_noop("%(who)s cancelled the reading club session “%(title)s”")
READING_REMINDER_TEXT = gettext_noop("The reading club session “%(title)s” starts %(when)s")
READING_COMMENT_TEXT = gettext_noop("%(who)s joined the discussion of “%(title)s”")
DRILL_TEXT = gettext_noop("%(who)s made a drill of “%(title)s”: help run it, you know the story")
READ_REQUESTED_TEXT = gettext_noop("%(who)s asks your team to read “%(title)s”")
READ_REMINDER_TEXT = gettext_noop("Your team was asked to read “%(title)s”; you have not yet")
