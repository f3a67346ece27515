"""The worker's side of announcements: the handler of ``integrations.chat`` jobs.

It reads the route and writes the message now (``compose``), hands it to the route kind's
transport (a module named by a dotted path, loaded when a message is sent, so a transport
that is not installed fails that route's jobs with a reason and nothing else), and records
on the route when it last took a message.

A failure is raised to the queue as ``TransportError.for_the_queue()``: a temporary one is
retried with backoff, a permanent one stops. The queue runs a handler in a transaction that
a failure rolls back, so the route's ``last_error`` is written from the job row once the
queue has saved the failure on it (``record_failure``, connected to the Job's post_save)."""

from __future__ import annotations

import importlib
import logging
from typing import Any, Protocol, cast

from django.utils import timezone

from hansei.core.jobs import PermanentJobError
from hansei.core.models import Job
from hansei.integrations.chat.compose import TEST, message_for
from hansei.integrations.chat.message import ChatMessage
from hansei.integrations.models import ChatKind, ChatRoute
from hansei.integrations.transport import TransportError

log = logging.getLogger(__name__)

CHAT_JOB = "integrations.chat"

TRANSPORTS: dict[str, str] = {
    ChatKind.SLACK: "hansei.integrations.slack.transport",
    ChatKind.TEAMS: "hansei.integrations.teams.transport",
    ChatKind.MATTERMOST: "hansei.integrations.mattermost.transport",
    ChatKind.GOOGLE_CHAT: "hansei.integrations.google_chat.transport",
    ChatKind.DISCORD: "hansei.integrations.discord.transport",
    ChatKind.WEBHOOK: "hansei.integrations.webhook.transport",
    ChatKind.MAILING_LIST: "hansei.integrations.mailing_list.transport",
}


class Transport(Protocol):
    def notify(self, target: str, message: ChatMessage, *, secret: str = "") -> None: ...


def transport_for(kind: str) -> Transport:
    path = TRANSPORTS.get(kind)
    if path is None:
        raise PermanentJobError(f"no transport for the route kind {kind!r}")
    try:
        return cast(Transport, importlib.import_module(path))
    except ImportError as exc:
        raise PermanentJobError(f"the {kind} transport cannot be loaded: {exc}") from exc


def deliver(payload: dict[str, Any]) -> None:
    """Send one message to one route (the job's payload names them)."""
    route_id = payload.get("route")
    route = None
    if isinstance(route_id, int):
        route = ChatRoute.objects.select_related("team").filter(pk=route_id).first()
    if route is None:
        log.info("not sent: chat route %s is gone", payload.get("route"))
        return
    if not route.is_active and payload.get("event") != TEST:
        log.info("not sent: chat route %s is turned off", route.pk)
        return
    message = message_for(route, payload)
    if message is None:
        log.info("not sent to route %s: its postmortem is gone or restricted", route.pk)
        return
    transport = transport_for(route.kind)
    try:
        transport.notify(route.target, message, secret=route.transport_secret)
    except TransportError as exc:
        raise exc.for_the_queue() from exc
    ChatRoute.objects.filter(pk=route.pk).update(last_delivered_at=timezone.now())


def record_failure(sender: type[Job], instance: Job, **kwargs: Any) -> None:
    """After the queue saved a failed attempt of a chat job: the route shows its reason."""
    if instance.kind != CHAT_JOB or not instance.last_error:
        return
    route_id = instance.payload.get("route") if isinstance(instance.payload, dict) else None
    if not isinstance(route_id, int):
        return
    # The queue writes "<exception class>: <message>"; the route shows the message.
    reason = instance.last_error.partition(": ")[2] or instance.last_error
    ChatRoute.objects.filter(pk=route_id).update(
        last_error=reason[:500], last_error_at=timezone.now()
    )
