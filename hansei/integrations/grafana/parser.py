"""Grafana alerting, webhook contact point
(https://grafana.com/docs/grafana/latest/alerting/configure-notifications/manage-contact-points/integrations/webhook-notifier/).

The body is Alertmanager's alert group plus ``title``, ``state``, ``message`` and ``orgId``;
one Hansei incident per ``groupKey``. The contact point's "Authorization header" credentials
(scheme Bearer) carry the secret; HTTP Basic with the secret as password also works.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hansei.integrations.alertmanager.parser import alert_group
from hansei.integrations.intake import IntakeEvent, bearer_or_basic, text


def authenticate(headers: Mapping[str, str], body: bytes, secret: str) -> bool:
    return bearer_or_basic(headers, secret)


def parse(payload: Any, body: bytes) -> IntakeEvent | None:
    event = alert_group(payload, expected_version=None)
    if event is not None:
        if not event.url:
            event.url = text(payload.get("externalURL"))
        if text(payload.get("title")) and event.title == event.external_id:
            event.title = text(payload["title"])
    return event
