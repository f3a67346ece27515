"""The message shortcut "Add to timeline": a chat message becomes an entry on a draft's
timeline, at the time it was said, linking back to it.

1. The shortcut (``message_action``, callback ``add_to_timeline``) opens a modal
   (``views.open``): the drafts the person may change now, most recent first, and the
   message's text, which they may edit (Slack markup read the way the Slack-export importer
   reads it).
2. Its submission (``view_submission``) adds the entry as that person, through the timeline's
   service, which checks they may change that draft now. A refusal is shown on the form
   (``response_action: errors``); success replaces the form with a link to the postmortem.
"""

from __future__ import annotations

import json
import logging
import math
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from hansei import access
from hansei.accounts.models import User
from hansei.core.errors import InvalidState
from hansei.core.forms import service_error_text
from hansei.core.http import absolute_url
from hansei.integrations.slack import blocks
from hansei.integrations.slack.client import call, hansei_user_for, unlinked_text
from hansei.integrations.slack.inbound import clean, dig
from hansei.integrations.transport import TransportError
from hansei.postmortems.document.models import Postmortem, Status
from hansei.postmortems.timeline.importers.common import clip
from hansei.postmortems.timeline.importers.slack import render_text
from hansei.postmortems.timeline.models import TimelineKind
from hansei.postmortems.timeline.services import MAX_TIMELINE_TEXT, add_timeline_entry

log = logging.getLogger(__name__)

CALLBACK_ID = "add_to_timeline"
DRAFT = "postmortem"  # the block and the action id of the draft's menu
TEXT = "text"  # the block and the action id of the text
MAX_OPTIONS = 100  # Slack's limit for a static menu


def editable_drafts(user: User) -> list[Postmortem]:
    """Drafts of the person's teams (and those they own) they may change now, newest first."""
    mine = Postmortem.objects.filter(Q(team_id__in=user.team_ids()) | Q(owner=user))
    drafts = mine.filter(status=Status.DRAFT).order_by("-created_at", "-pk")[: MAX_OPTIONS * 2]
    return [p for p in drafts if access.can_change_draft(user, p)][:MAX_OPTIONS]


def said_at(ts: str) -> datetime | None:
    """A message's ``ts`` ("1512085950.000216", seconds since 1970) as a UTC time."""
    try:
        seconds = float(ts)
    except ValueError:
        return None
    if not math.isfinite(seconds) or not 0 < seconds < 32503680000:  # before the year 3000
        return None
    return datetime.fromtimestamp(seconds, tz=UTC)


def notice(title: str, text: str) -> dict[str, Any]:
    """A modal that only says something (no form)."""
    return {
        "type": "modal",
        "title": blocks.plain(title, 24),
        "close": blocks.plain(_("Close"), 24),
        "blocks": [blocks.section(text)],
    }


def open_modal(payload: dict[str, Any]) -> None:
    """The shortcut was used on a message: open the form (or say why not) in Slack."""
    trigger = clean(payload.get("trigger_id"), 200)
    if not trigger:
        return
    call("views.open", trigger_id=trigger, view=modal_for(payload))


def modal_for(payload: dict[str, Any]) -> dict[str, Any]:
    user = hansei_user_for(clean(dig(payload, "user", "id"), 50))
    title = _("Add to timeline")
    if user is None:
        return notice(title, blocks.escape(unlinked_text()))
    ts = clean(dig(payload, "message", "ts"), 40)
    at = said_at(ts)
    if at is None:
        return notice(title, blocks.escape(_("This message has no time Hansei can read.")))
    drafts = editable_drafts(user)
    if not drafts:
        return notice(title, blocks.escape(_("You have no draft postmortem you may change now.")))
    text = clip(render_text(clean(dig(payload, "message", "text"), 40_000), {}))
    metadata = {"channel": clean(dig(payload, "channel", "id"), 50), "ts": ts}
    return form(title, drafts, user, text, at, metadata)


def form(
    title: str,
    drafts: list[Postmortem],
    user: User,
    text: str,
    at: datetime,
    metadata: dict[str, str],
) -> dict[str, Any]:
    """The modal: which draft, what happened (prefilled), and when it was said."""
    when = _("Said at %(at)s UTC") % {"at": at.strftime("%Y-%m-%d %H:%M:%S")}
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "private_metadata": json.dumps(metadata),
        "title": blocks.plain(title, 24),
        "submit": blocks.plain(_("Add"), 24),
        "close": blocks.plain(_("Cancel"), 24),
        "blocks": [draft_menu(drafts, user), text_field(text), blocks.context(blocks.escape(when))],
    }


def draft_menu(drafts: list[Postmortem], user: User) -> blocks.Block:
    options = [
        {"text": blocks.plain(access.title_shown_to(user, p), 75), "value": str(p.pk)}
        for p in drafts
    ]
    return {
        "type": "input",
        "block_id": DRAFT,
        "label": blocks.plain(_("Postmortem")),
        "element": {
            "type": "static_select",
            "action_id": DRAFT,
            "placeholder": blocks.plain(_("Choose a draft")),
            "options": options,
        },
    }


def text_field(text: str) -> blocks.Block:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": TEXT,
        "multiline": True,
        "max_length": MAX_TIMELINE_TEXT,
    }
    if text:
        element["initial_value"] = text  # Slack refuses an empty initial value
    return {
        "type": "input",
        "block_id": TEXT,
        "label": blocks.plain(_("What happened")),
        "element": element,
    }


def submit(payload: dict[str, Any]) -> dict[str, Any]:
    """The form was sent: add the entry, or say what to fix (``response_action: errors``)."""
    user = hansei_user_for(clean(dig(payload, "user", "id"), 50))
    if user is None:
        return errors({DRAFT: unlinked_text()})
    try:
        metadata = json.loads(clean(dig(payload, "view", "private_metadata"), 3000) or "{}")
    except (json.JSONDecodeError, RecursionError):
        metadata = {}
    at = said_at(clean(dig(metadata, "ts"), 40))
    values = dig(payload, "view", "state", "values")
    chosen = clean(dig(values, DRAFT, DRAFT, "selected_option", "value"), 30)
    text = clean(dig(values, TEXT, TEXT, "value"), MAX_TIMELINE_TEXT + 1)
    if at is None:
        return errors({TEXT: _("This message has no time Hansei can read.")})
    try:
        postmortem = access.get_postmortem_for_user(user, chosen)
    except Http404:
        return errors({DRAFT: _("Choose one of your drafts.")})
    link = permalink(clean(dig(metadata, "channel"), 50), clean(dig(metadata, "ts"), 40))
    refused = add_entry(user, postmortem, at, text, link)
    if refused:
        return errors(refused)
    url = absolute_url(reverse("postmortems:detail", args=[postmortem.pk]))
    shown = _("Added to the timeline of %(title)s.") % {
        "title": blocks.link(url, access.title_shown_to(user, postmortem))
    }
    return {"response_action": "update", "view": notice(_("Add to timeline"), shown)}


def add_entry(
    user: User, postmortem: Postmortem, at: datetime, text: str, link: str
) -> dict[str, str]:
    """Add the entry through the timeline's service; its refusals by the form's block."""
    try:
        add_timeline_entry(
            actor=user,
            postmortem=postmortem,
            occurred_at=at,
            text=text,
            kind=TimelineKind.COMMUNICATION,
            link_url=link,
        )
    except PermissionDenied:
        return {DRAFT: _("You may not change this postmortem.")}
    except InvalidState as error:
        return {DRAFT: service_error_text(error)}
    except ValidationError as error:
        fields = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
        return {TEXT if name == "text" else DRAFT: " ".join(msgs) for name, msgs in fields.items()}
    return {}


def permalink(channel: str, ts: str) -> str:
    """The message's address in Slack, or "" when Slack will not say (the entry is kept)."""
    if not channel or not ts:
        return ""
    try:
        data = call("chat.getPermalink", channel=channel, message_ts=ts)
    except TransportError as error:
        log.info("no permalink for a Slack message: %s", error)
        return ""
    found = data.get("permalink")
    return found if isinstance(found, str) and found.startswith("https://") else ""


def errors(by_block: dict[str, str]) -> dict[str, Any]:
    return {
        "response_action": "errors",
        "errors": {block: blocks.cut(text, 150) for block, text in by_block.items()},
    }
