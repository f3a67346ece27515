from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import translation
from django.utils.translation import gettext as _

from hansei.core.jobs import PermanentJobError


def send_email(payload: dict[str, Any]) -> None:
    """Deliver one e-mail queued whole (subject, bodies, addresses) by an earlier version of
    Hansei, through Django's configured backend. New messages are ``notifications.email``
    jobs, written when sent (``hansei.notifications.emails``)."""
    try:
        to, subject, body = payload["to"], payload["subject"], payload["body"]
    except KeyError as exc:
        raise PermanentJobError(f"missing {exc} in email payload") from exc
    message = EmailMultiAlternatives(subject=subject, body=body, to=to)
    if payload.get("html"):
        message.attach_alternative(payload["html"], "text/html")
    message.send(fail_silently=False)


def send_test_email(payload: dict[str, Any]) -> None:
    """A test e-mail an admin asked for: the mail settings work if it arrives."""
    to = payload.get("to")
    if not isinstance(to, str) or not to:
        raise PermanentJobError("a test e-mail without an address")
    with translation.override(settings.LANGUAGE_CODE):
        message = EmailMultiAlternatives(
            subject=_("Hansei test e-mail"),
            body=_("Hansei can send e-mail: the mail settings work."),
            to=[to],
            headers={"Auto-Submitted": "auto-generated"},
        )
    message.send(fail_silently=False)
