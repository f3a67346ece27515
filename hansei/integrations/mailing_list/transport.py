"""A route to a distribution list: the announcement as an e-mail to one address (a team's
list, a severity's list), plain text and HTML, written from the neutral chat message, so it
carries the same titles, links and facts and never a postmortem's text.

An SMTP server that refuses the address is a permanent failure (the route's address is
wrong); any other SMTP or connection failure is temporary, and the queue tries again."""

from __future__ import annotations

import hashlib
import smtplib
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils.html import format_html, format_html_join

from hansei.integrations.chat.message import ChatMessage
from hansei.integrations.transport import TransportError

STYLE = "font-family: -apple-system, 'Segoe UI', 'Hiragino Sans', sans-serif; max-width: 640px"


def _html(message: ChatMessage) -> str:
    facts = format_html_join(
        "", "<li><strong>{}</strong>: {}</li>", ((label, value) for label, value in message.facts)
    )
    return format_html(
        '<div style="{}"><p>{}</p><p><a href="{}">{}</a></p><ul>{}</ul>'
        '<p style="color:#616e7c;font-size:13px">{}</p></div>',
        STYLE,
        message.headline,
        message.url,
        message.title,
        facts,
        message.reason,
    )


def notify(target: str, message: ChatMessage, *, secret: str = "") -> None:
    headers = {"Auto-Submitted": "auto-generated"}
    if message.key:
        domain = urlsplit(settings.BASE_URL).hostname or "hansei.invalid"
        digest = hashlib.sha256(message.key.encode()).hexdigest()[:32]
        headers["Message-ID"] = f"<{digest}@{domain}>"
    email = EmailMultiAlternatives(
        subject=" ".join(f"{message.headline}: {message.title}".split())[:250],
        body=message.plain_text,
        to=[target],
        headers=headers,
    )
    email.attach_alternative(_html(message), "text/html")
    try:
        email.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as exc:
        raise TransportError(f"The mail server refused {target}: {exc}", permanent=True) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise TransportError(f"Could not send to {target}: {exc}") from exc
