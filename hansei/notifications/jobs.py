from __future__ import annotations

from typing import Any

from django.core.mail import EmailMultiAlternatives

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
