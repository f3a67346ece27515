"""A tracker's webhook: check it, find the one item its issue is linked to through this very
configuration, merge the issue's state into it, and log the delivery, accepted or not.

A configuration's URL is /hooks/trackers/<kind>/<token>/; the tracker's own signature (or
token) is checked against the configuration's secret. A webhook can only ever touch items
linked through its own configuration: an issue of another project, or one no item is linked
to, is ignored. Handled once: a delivery seen before (its id, else a hash of its body) is
answered "duplicate" and changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from hansei.action_items.models import ActionItem
from hansei.core.request_guard import BadInput, check_json_value
from hansei.integrations.trackers import sync
from hansei.integrations.trackers.models import (
    Direction,
    LinkState,
    SyncOutcome,
    TrackerConfig,
    TrackerEvent,
    TrackerLink,
)
from hansei.integrations.trackers.protocol import PayloadError
from hansei.integrations.trackers.registry import CLIENTS, tracker_for

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024


@dataclass
class Answer:
    status: int
    outcome: str
    detail: str


def receive(
    *,
    kind: str,
    token: str,
    headers: Mapping[str, str],
    body: bytes,
    remote_addr: str | None = None,
) -> Answer:
    """Everything one POST to a tracker's webhook URL does; never raises."""
    config = TrackerConfig.objects.filter(webhook_token=token, kind=kind).first()

    def logged(
        answer: Answer, *, action: str = "", key: str = "", item: ActionItem | None = None
    ) -> Answer:
        sync.write_log(
            config=config,
            kind=kind,
            direction=Direction.IN,
            action=action or "webhook",
            outcome=answer.outcome,
            detail=answer.detail,
            item=item,
            status_code=answer.status,
            event_key=key,
            body=body,
            remote_addr=remote_addr,
        )
        level = logging.INFO if answer.status < 400 else logging.WARNING
        log.log(level, "tracker %s webhook %s: %s", kind, answer.status, answer.detail)
        return answer

    refuse = lambda status, detail: Answer(status, SyncOutcome.REJECTED, detail)  # noqa: E731
    if kind not in CLIENTS or config is None:
        return logged(refuse(404, _("Unknown tracker configuration.")))
    if not config.is_active:
        return logged(refuse(410, _("This tracker is turned off.")))
    if len(body) > MAX_BODY_BYTES:
        return logged(refuse(413, _("The body is larger than 1 MB.")))
    tracker = tracker_for(kind)
    if not tracker.verify(config, headers, body):
        return logged(refuse(401, _("Bad signature or token.")))
    try:
        payload = json.loads(body)
        check_json_value(payload, max_integer=None)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return logged(refuse(400, _("The body is not valid JSON.")))
    except BadInput as bad:
        return logged(refuse(400, bad.message))
    try:
        notice = tracker.parse_webhook(config, headers, payload)
    except PayloadError as exc:
        return logged(refuse(400, str(exc)))
    except (TypeError, AttributeError, KeyError, IndexError, ValueError, OverflowError) as exc:
        log.info("tracker %s: unexpected payload shape: %r", kind, exc)
        shape = _("The payload does not have the shape %(tool)s sends.") % {
            "tool": config.get_kind_display()
        }
        return logged(refuse(400, shape))
    key = notice.event_id or hashlib.sha256(body).hexdigest()
    if notice.issue is None:
        ignored = _("Event not used by Hansei: %(type)s") % {"type": notice.event_type or "?"}
        return logged(Answer(202, SyncOutcome.IGNORED, ignored), action=notice.event_type, key=key)
    try:
        with transaction.atomic():
            # One delivery at a time per configuration: a duplicate cannot race its original.
            TrackerConfig.objects.select_for_update().filter(pk=config.pk).first()
            seen = TrackerEvent.objects.filter(
                config=config, event_key=key, outcome=SyncOutcome.ACCEPTED
            ).exists()
            if seen:
                return logged(
                    Answer(200, SyncOutcome.DUPLICATE, _("Already processed.")),
                    action=notice.event_type,
                    key=key,
                )
            link = (
                TrackerLink.objects.select_for_update(of=("self",))
                .select_related("config")
                .filter(config=config, remote_id=notice.issue.remote_id, state=LinkState.LINKED)
                .first()
            )
            if link is None:
                unlinked = _("No action item is linked to %(key)s.") % {"key": notice.issue.key}
                answer = Answer(202, SyncOutcome.IGNORED, unlinked)
                return logged(answer, action=notice.event_type, key=key)
            if notice.removed:
                link.remote_state = _("deleted")
                link.last_error = _("The issue was deleted in the tracker.")
                link.save(update_fields=["remote_state", "last_error"])
                notes = [link.last_error]
            else:
                notes = sync.apply_remote(link, notice.issue)
            config.record_success()
            return logged(
                Answer(200, SyncOutcome.ACCEPTED, "; ".join(notes)),
                action=notice.event_type,
                key=key,
                item=link.item,
            )
    except Exception:  # logged with its reason; rolled back, nothing half-written
        log.exception("tracker %s webhook failed", kind)
        return logged(refuse(500, _("Hansei could not process this delivery.")))
