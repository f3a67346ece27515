"""Prometheus Alertmanager webhook receiver, payload version 4
(https://prometheus.io/docs/alerting/latest/configuration/#webhook_config).

One Hansei incident per alert group (``groupKey``). Alertmanager sends the token configured in
``http_config.authorization`` as ``Authorization: Bearer <secret>`` (Basic auth also works).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.utils import timezone

from hansei.integrations.intake import (
    RESOLVE,
    TRIGGER,
    IntakeEvent,
    PayloadError,
    bearer_or_basic,
    parse_time,
    require,
    text,
)

SERVICE_LABELS = ("service", "job", "app")
SEVERITY_LABELS = ("severity", "priority")
# Go's zero time: Alertmanager's "no end yet".
ZERO_YEAR = 1


def authenticate(headers: Mapping[str, str], body: bytes, secret: str) -> bool:
    return bearer_or_basic(headers, secret)


def _labels(
    payload: dict[str, Any], alerts: list[dict[str, Any]], names: tuple[str, ...]
) -> list[str]:
    found: list[str] = []
    for labels in [payload.get("commonLabels") or {}] + [a.get("labels") or {} for a in alerts]:
        for name in names:
            value = text(labels.get(name)) if isinstance(labels, dict) else ""
            if value and value not in found:
                found.append(value)
    return found


def _times(alerts: list[dict[str, Any]], key: str) -> list[datetime]:
    times = []
    for alert in alerts:
        if alert.get(key):
            when = parse_time(alert[key], f"alerts[].{key}")
            if when.year > ZERO_YEAR:
                times.append(when)
    return times


def alert_group(payload: Any, *, expected_version: str | None) -> IntakeEvent | None:
    """Shared with Grafana, whose contact point sends the same shape plus a few fields."""
    status = text(require(payload, "status"))
    group_key = text(require(payload, "groupKey"))
    if expected_version is not None and text(payload.get("version")) != expected_version:
        raise PayloadError(f"unsupported payload version (expected {expected_version})")
    alerts = payload.get("alerts")
    if not isinstance(alerts, list) or not alerts or not all(isinstance(a, dict) for a in alerts):
        raise PayloadError("missing field: alerts")
    if status not in ("firing", "resolved"):
        return None
    starts = _times(alerts, "startsAt")
    if not starts:
        raise PayloadError("missing field: alerts[].startsAt")
    common = payload.get("commonAnnotations") or {}
    labels = payload.get("commonLabels") or {}
    group_labels = payload.get("groupLabels") or {}
    title = (
        text(common.get("summary"))
        or text(labels.get("alertname"))
        or ", ".join(f"{k}={v}" for k, v in sorted(group_labels.items()))
        or group_key
    )
    firing = [a for a in alerts if a.get("status") == "firing"]
    if status == "resolved":
        occurred_at = max(_times(alerts, "endsAt"), default=timezone.now())
        detail = f"{len(alerts)} alert(s) resolved"
    else:
        occurred_at = min(_times(firing, "startsAt"), default=min(starts))
        detail = f"{len(firing)} alert(s) firing"
    return IntakeEvent(
        external_id=group_key,
        action=RESOLVE if status == "resolved" else TRIGGER,
        event_type=status,
        occurred_at=occurred_at,
        started_at=min(starts),
        title=title,
        url=text(payload.get("externalURL")),
        severity_labels=_labels(payload, alerts, SEVERITY_LABELS),
        service_names=_labels(payload, alerts, SERVICE_LABELS),
        detail=detail,
    )


def parse(payload: Any, body: bytes) -> IntakeEvent | None:
    return alert_group(payload, expected_version="4")
