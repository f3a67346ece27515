from __future__ import annotations

from typing import Any

from django.core.mail import EmailMultiAlternatives

from hansei.core.jobs import PermanentJobError


def send_email(payload: dict[str, Any]) -> None:
    """Deliver one queued email through Django's configured backend (SMTP in production)."""
    try:
        to, subject, body = payload["to"], payload["subject"], payload["body"]
    except KeyError as exc:
        raise PermanentJobError(f"missing {exc} in email payload") from exc
    message = EmailMultiAlternatives(subject=subject, body=body, to=to)
    if payload.get("html"):
        message.attach_alternative(payload["html"], "text/html")
    message.send(fail_silently=False)
