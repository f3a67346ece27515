"""E-mail, written when it is sent: the worker reads the rows again, checks that the recipient
may still read what the message is about (a postmortem restricted since, a comment on text
hidden since, is not sent), and
writes it in the recipient's language, saying why it was sent, with a one-click unsubscribe
link (RFC 8058) that stops exactly that.

A message to a distribution list (the announcement addresses of the postmortem policy) has no
person behind it: it goes only while the postmortem is published and not restricted."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email import encoders
from email.mime.base import MIMEBase
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hansei import access
from hansei.accounts.models import User
from hansei.action_items.models import ActionItem
from hansei.collab.comments.models import Comment, CommentThread
from hansei.core.http import absolute_url
from hansei.core.jobs import PermanentJobError
from hansei.incidents.models import Incident
from hansei.incidents.policy import postmortem_requirement
from hansei.notifications import digests, meetings, unsubscribe
from hansei.notifications.models import Frequency
from hansei.notifications.reasons import Reason
from hansei.postmortems.document.models import Postmortem, Revision
from hansei.reviews.models import Review

log = logging.getLogger(__name__)


Builder = Callable[[Postmortem, dict[str, Any]], dict[str, Any]]


class Gone(Exception):
    """What the message was about no longer exists: nothing to send."""


@dataclass(frozen=True)
class Footer:
    """Why a person got an e-mail, and the link that stops that kind of it for them."""

    recipient: User
    reason: Reason
    stop: str

    @classmethod
    def of(cls, recipient: User, payload: dict[str, Any], *, default: str) -> Footer:
        """From the job's payload (``default``: the reason's code when it names none)."""
        reason = Reason.from_json(payload.get("reason") or {"code": default})
        stop = unsubscribe.url_for(recipient, kind=str(payload.get("kind", "")), reason=reason)
        return cls(recipient, reason, stop)

    def context(self) -> dict[str, Any]:
        """What the footer templates show (in the language active when called)."""
        return {
            "recipient": self.recipient,
            "reason": self.reason.text(),
            "unsubscribe_url": self.stop,
            "settings_url": absolute_url(reverse("notifications:settings")),
        }


def row(rows: Any, ids: dict[str, Any], name: str) -> Any:
    row = rows.filter(pk=ids.get(name)).first() if isinstance(ids.get(name), int) else None
    if row is None:
        raise Gone(f"{name} {ids.get(name)} no longer exists")
    return row


def _review(postmortem: Postmortem, ids: dict[str, Any]) -> dict[str, Any]:
    review = row(Review.objects.select_related("reviewer", "requested_by"), ids, "review")
    return {"review": review}


def _publication(postmortem: Postmortem, ids: dict[str, Any]) -> dict[str, Any]:
    revision = row(Revision.objects, ids, "revision")
    summary = postmortem.sections.filter(key__in=["summary", "gaiyou"]).first()
    return {
        "revision": revision,
        "summary": summary.body if summary else "",
        "incidents": list(postmortem.incidents.select_related("severity")),
    }


def _assignment(postmortem: Postmortem, ids: dict[str, Any]) -> dict[str, Any]:
    incidents = list(postmortem.incidents.select_related("severity"))
    first = incidents[0] if incidents else None
    reasons = [r.text for r in postmortem_requirement(first).reasons] if first else []
    return {"incidents": incidents, "reasons": reasons, "owner": postmortem.owner}


def _comment(postmortem: Postmortem, ids: dict[str, Any]) -> dict[str, Any]:
    comment = row(Comment.objects.select_related("thread", "author"), ids, "comment")
    return {"comment": comment, "thread": comment.thread}


def _nothing(postmortem: Postmortem, ids: dict[str, Any]) -> dict[str, Any]:
    return {}


def _item(postmortem: Postmortem, ids: dict[str, Any]) -> dict[str, Any]:
    return {"item": row(ActionItem.objects.select_related("owner"), ids, "item")}


def _meeting(postmortem: Postmortem, ids: dict[str, Any]) -> dict[str, Any]:
    try:
        return meetings.meeting_email_context(postmortem, ids)
    except meetings.Stale as exc:
        raise Gone(str(exc)) from exc


# Template name -> the rows it is written from, besides the postmortem. A builder may add
# ``attachments``: a function of the whole context (its recipient, the title they may read)
# giving (filename, content, mimetype) triples. Higher layers add theirs when their app is
# ready (``hansei.culture.emails``).
CONTEXTS: dict[str, Builder] = {
    "review_requested": _review,
    "changes_requested": _review,
    "approved": _review,
    "submitted": _nothing,
    "published": _publication,
    "postmortem_assigned": _assignment,
    "mention": _comment,
    "reply": _comment,
    "action_item_assigned": _item,
    "action_item_due": _item,
    "action_item_closed": _item,
    "postmortem_due": _nothing,
    "review_waiting": _review,
    "review_meeting": _meeting,
    "read_requested": _nothing,
    "read_reminder": _nothing,
    "award": _nothing,
    "kudos": _nothing,
    "survey": _nothing,
}


# Template name -> the writer of an e-mail about no postmortem (its whole payload in, the
# message or None out). Higher layers add theirs when their app is ready.
WITHOUT_POSTMORTEM: dict[str, Callable[[dict[str, Any]], EmailMultiAlternatives | None]] = {}


def send_notification_email(payload: dict[str, Any]) -> None:
    """The handler of ``notifications.email`` jobs (see ``dispatch``)."""
    message = compose(payload)
    if message is not None:
        message.send(fail_silently=False)


def compose(payload: dict[str, Any]) -> EmailMultiAlternatives | None:
    """The e-mail a ``notifications.email`` job sends now; None if there is nothing to send
    (what it was about is gone, or its recipient may no longer read it)."""
    if payload.get("postmortem") is None and isinstance(payload.get("incident"), int):
        return _about_incident(payload)
    writer = WITHOUT_POSTMORTEM.get(str(payload.get("template")))
    if payload.get("postmortem") is None and writer is not None:
        return writer(payload)
    try:
        build = CONTEXTS[payload["template"]]
        postmortem_id, _url = payload["postmortem"], payload["url"]
    except (KeyError, TypeError) as exc:
        raise PermanentJobError(f"not a notification e-mail: missing {exc}") from exc
    postmortem = Postmortem.objects.select_related("team", "owner").filter(pk=postmortem_id).first()
    if postmortem is None:
        log.info("not sent: postmortem %s is gone", postmortem_id)
        return None
    if payload.get("address"):
        return _to_list(payload, postmortem, build)
    recipient_id = payload.get("recipient")
    if not isinstance(recipient_id, int):
        raise PermanentJobError("not a notification e-mail: no recipient")
    recipient = User.objects.filter(pk=recipient_id, is_active=True).first()
    if recipient is None or not _may_read(recipient, postmortem, payload):
        log.info("not sent: the recipient may no longer read postmortem %s", postmortem.pk)
        return None
    footer = Footer.of(recipient, payload, default="owner")

    def personal() -> dict[str, Any]:
        return {"title": access.title_shown_to(recipient, postmortem), **footer.context()}

    language = recipient.language or "en"
    return _written(
        payload, postmortem, build, personal, language, to=recipient.email, stop=footer.stop
    )


def _about_incident(payload: dict[str, Any]) -> EmailMultiAlternatives | None:
    """An incident that needs a postmortem and has none: sent while that is still so and the
    recipient may still read the incident."""
    recipient = User.objects.filter(pk=payload.get("recipient") or 0, is_active=True).first()
    incident = (
        Incident.objects.select_related("severity", "team").filter(pk=payload["incident"]).first()
    )
    if recipient is None or incident is None:
        return None
    if not access.incidents_visible_to(recipient).filter(pk=incident.pk).exists():
        return None
    if Postmortem.objects.filter(incidents=incident).exists():
        log.info("not sent: incident %s has its postmortem now", incident.pk)
        return None
    footer = Footer.of(recipient, payload, default="member")
    with translation.override(recipient.language or "en"):
        context = {
            "incident": incident,
            "title": incident.title,
            "reasons": [r.text for r in postmortem_requirement(incident).reasons],
            "url": absolute_url(str(payload.get("url") or "")),
            **footer.context(),
        }
        return write(
            str(payload.get("template") or "needs_postmortem"),
            context,
            to=recipient.email,
            key=str(payload.get("key") or ""),
            stop=footer.stop,
        )


def _may_read(recipient: User, postmortem: Postmortem, payload: dict[str, Any]) -> bool:
    """Still: the action item the message is about, or the comment thread (a thread on the
    text is hidden from readers of the published revision while an amendment is drafted),
    or else its postmortem."""
    item_id = payload.get("item")
    if isinstance(item_id, int):
        return access.action_items_visible_to(recipient).filter(pk=item_id).exists()
    comment_id = (payload.get("ids") or {}).get("comment")
    thread = (
        CommentThread.objects.filter(postmortem=postmortem, comments__pk=comment_id).first()
        if isinstance(comment_id, int)
        else None
    )
    if thread is not None:
        thread.postmortem = postmortem
        return access.can_view_comment_thread(recipient, thread)
    return access.can_view_postmortem(recipient, postmortem)


def _to_list(
    payload: dict[str, Any], postmortem: Postmortem, build: Builder
) -> EmailMultiAlternatives | None:
    if postmortem.published_at is None or postmortem.restricted:
        log.info("not sent to the list: postmortem %s is not public", postmortem.pk)
        return None
    address = str(payload["address"])

    def to_list() -> dict[str, Any]:
        return {
            "title": postmortem.published_title or postmortem.title,
            "reason": _("Sent to %(address)s, an announcement list of Hansei.")
            % {"address": address},
        }

    language = postmortem.language or "en"
    return _written(payload, postmortem, build, to_list, language, to=address, stop="")


def _written(
    payload: dict[str, Any],
    postmortem: Postmortem,
    build: Builder,
    context: Callable[[], dict[str, Any]],
    language: str,
    *,
    to: str,
    stop: str,
) -> EmailMultiAlternatives | None:
    """The e-mail in ``language``: the rows ``build`` reads, and ``context()`` for whom."""
    with translation.override(language):
        try:
            found = build(postmortem, payload.get("ids") or {})
        except Gone as exc:
            log.info("not sent: %s", exc)
            return None
        every = {
            "overdue": bool((payload.get("ids") or {}).get("overdue")),
            "postmortem": postmortem,
            "who": actor_name(payload.get("actor")),
            "url": absolute_url(payload["url"]),
        }
        return write(
            payload["template"],
            every | found | context(),
            to=to,
            key=payload.get("key", ""),
            stop=stop,
        )


def actor_name(pk: Any) -> str:
    actor = User.objects.filter(pk=pk).first() if isinstance(pk, int) else None
    return actor.name if actor else _("Someone")


def write(
    template: str, context: dict[str, Any], *, to: str, key: str, stop: str
) -> EmailMultiAlternatives:
    base = f"notifications/email/{template}"
    # Subject and text body are plain text: rendered without HTML escaping.
    subject = render_to_string(f"{base}_subject.txt", context, using="text")
    body = render_to_string(f"{base}.txt", context, using="text")
    html = render_to_string(f"{base}.html", context)
    headers = {"Auto-Submitted": "auto-generated"}
    if key:
        # The same message keeps its Message-ID if it is ever sent again after a crash, so
        # mail clients show it once.
        digest = hashlib.sha256(key.encode()).hexdigest()[:32]
        domain = urlsplit(settings.BASE_URL).hostname or "hansei.invalid"
        headers["Message-ID"] = f"<{digest}@{domain}>"
    if stop:
        headers["List-Unsubscribe"] = f"<{stop}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()), body=body, to=[to], headers=headers
    )
    message.attach_alternative(html, "text/html")
    attachments = context.get("attachments")
    for filename, content, mimetype in attachments(context) if attachments else ():
        message.attach(_attachment(filename, content, mimetype))
    return message


def _attachment(filename: str, content: bytes, mimetype: str) -> MIMEBase:
    """A file part whose type keeps its parameters (``text/calendar; method=REQUEST``:
    mail clients show accept buttons for it)."""
    kind, *parameters = (part.strip() for part in mimetype.split(";"))
    main, _slash, sub = kind.partition("/")
    part = MIMEBase(main, sub)
    for name, _eq, value in (parameter.partition("=") for parameter in parameters):
        part.set_param(name, value)
    part.set_payload(content)
    encoders.encode_base64(part)
    part.add_header("Content-Disposition", "attachment", filename=filename)
    return part


def send_digest(payload: dict[str, Any]) -> None:
    """The handler of ``notifications.digest`` jobs (see ``digests``)."""
    message = compose_digest(payload)
    if message is not None:
        message.send(fail_silently=False)


def compose_digest(payload: dict[str, Any], now: datetime | None = None) -> Any:
    """The digest a job sends now: a person's (None when nothing needs them), or a list's."""
    now = now or timezone.now()
    frequency = str(payload.get("frequency") or Frequency.WEEKLY)
    since = digests.since_for(frequency, now)
    key = str(payload.get("key") or "")
    if payload.get("address"):
        address = str(payload["address"])
        with translation.override(settings.LANGUAGE_CODE):
            context = digests.organisation_summary(since) | {
                "reason": _("Sent to %(address)s, an announcement list of Hansei.")
                % {"address": address},
                "url": absolute_url(reverse("search:archive")),
                "base": settings.BASE_URL,
            }
            return write("list_digest", context, to=address, key=key, stop="")
    recipient_id = payload.get("recipient")
    if not isinstance(recipient_id, int):
        raise PermanentJobError("not a digest: no recipient")
    recipient = User.objects.filter(pk=recipient_id, is_active=True).exclude(email="").first()
    if recipient is None:
        return None
    days = 1 if frequency == Frequency.DAILY else 7
    found = digests.digest_for(recipient, since=since, days=days)
    if not found:
        log.info("no digest for %s: nothing needs them", recipient.pk)
        return None
    stop = unsubscribe.digest_url_for(recipient)
    with translation.override(recipient.language or "en"):
        context = {
            "found": found,
            "recipient": recipient,
            "daily": frequency == Frequency.DAILY,
            "today": timezone.localdate(now),
            "url": absolute_url(reverse("home:my_work")),
            "base": settings.BASE_URL,
            "reason": _("You get this digest every working day.")
            if frequency == Frequency.DAILY
            else _("You get this digest every Monday."),
            "unsubscribe_url": stop,
            "settings_url": absolute_url(reverse("notifications:settings")),
        }
        return write("digest", context, to=recipient.email, key=key, stop=stop)
