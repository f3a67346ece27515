"""Hansei's messages to Slack: announcements to a channel (the chat transport contract,
``notify``) and direct messages to one person (the ``notifications.chat`` job).

Both carry titles, links, facts and reasons only, never a postmortem's text. A direct message
is sent only if its recipient is still active and may still read the postmortem when the job
runs: a postmortem restricted, or a person removed from its team, since it was queued, sends
nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from hansei import access
from hansei.accounts.models import User
from hansei.core.jobs import PermanentJobError
from hansei.integrations.chat.message import ChatMessage
from hansei.integrations.slack import blocks
from hansei.integrations.slack.client import (
    NotInSlack,
    call,
    slack_is_configured,
    slack_user_id_for,
)
from hansei.integrations.transport import TransportError
from hansei.postmortems.document.models import Postmortem

log = logging.getLogger(__name__)


def message_blocks(message: ChatMessage) -> list[blocks.Block]:
    """The headline, the linked title, then the facts and the reason in small print."""
    shown = [
        blocks.header(message.headline or message.title),
        blocks.section(f"*{blocks.link(message.url, message.title)}*"),
    ]
    facts = [f"*{blocks.escape(label)}:* {blocks.escape(value)}" for label, value in message.facts]
    small_print = [*facts, blocks.escape(message.reason)]
    if any(text.strip() for text in small_print):
        shown.append(blocks.context(*small_print))
    return shown


def notify(target: str, message: ChatMessage, *, secret: str = "") -> None:
    """Post ``message`` to the channel ``target`` (a channel id such as C0123456789, or a
    public channel's name). ``secret``: a bot token for this channel only (another
    workspace); the app's token otherwise."""
    if not target.strip():
        raise TransportError(_("No Slack channel is set for this route."), permanent=True)
    if not (secret or slack_is_configured()):
        raise TransportError(
            _("Slack is not set up: set HANSEI_SLACK_BOT_TOKEN and HANSEI_SLACK_SIGNING_SECRET."),
            permanent=True,
        )
    call(
        "chat.postMessage",
        token=secret,
        channel=target.strip(),
        text=blocks.cut(message.plain_text, blocks.SECTION_CHARS),
        blocks=message_blocks(message),
        unfurl_links=False,
        unfurl_media=False,
    )


# --- direct messages (the notifications.chat job) -----------------------------------------------

DM_FIELDS = ("recipient", "postmortem", "text", "url")


def send_direct_message(payload: dict[str, Any]) -> None:
    """The ``notifications.chat`` job: ``{"recipient": user id, "postmortem": id, "text": the
    inbox line, "url": absolute link, "reason": why, "key": idempotency key, "unsubscribe":
    a signed link that stops this kind of direct message}``, texts already in the
    recipient's language."""
    missing = [name for name in DM_FIELDS if not payload.get(name)]
    if missing:
        raise PermanentJobError(f"A chat message job without {', '.join(missing)}.")
    recipient = User.objects.filter(pk=_number(payload["recipient"]), is_active=True).first()
    postmortem = Postmortem.objects.filter(pk=_number(payload["postmortem"])).first()
    if recipient is None or postmortem is None:
        return  # gone or deactivated since: nobody to tell, nothing to tell about
    if not access.can_view_postmortem(recipient, postmortem):
        return  # they may no longer read it: saying anything would tell them something
    if not slack_is_configured():
        raise PermanentJobError("Slack is no longer set up (HANSEI_SLACK_BOT_TOKEN).")
    text, url = str(payload["text"]), str(payload["url"])
    reason = str(payload.get("reason") or "")
    shown = [blocks.section(blocks.link(url, text))]
    stop = str(payload.get("unsubscribe") or "")
    with translation.override(recipient.language or "en"):
        stop_link = blocks.link(stop, _("Stop these messages")) if stop else ""
    if reason.strip() or stop_link:
        shown.append(blocks.context(blocks.escape(reason), stop_link))
    try:
        slack_user = slack_user_id_for(recipient)
        opened = call("conversations.open", users=slack_user)
        channel = opened.get("channel")
        channel_id = channel.get("id") if isinstance(channel, dict) else None
        if not isinstance(channel_id, str) or not channel_id:
            raise TransportError(_("Slack opened no conversation."), permanent=False)
        call(
            "chat.postMessage",
            channel=channel_id,
            text=blocks.cut(f"{text} {url}", blocks.SECTION_CHARS),
            blocks=shown,
            unfurl_links=False,
        )
    except NotInSlack as error:
        # Someone who is not in the workspace simply gets no Slack messages: nothing for an
        # admin to fix, so not a failure that fills the job queue.
        log.info("no direct message to %s: %s", recipient.pk, error.message)
    except TransportError as error:
        raise error.for_the_queue() from error


def _number(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as error:
        raise PermanentJobError(f"Not an id: {value!r}.") from error
