"""Sample deliveries of each sending tool, for the test event of the integrations' pages.

``samples.json`` holds, per kind, the payload the tool's documentation shows for a new incident
(``trigger``) and for its resolution (``resolve``):

* PagerDuty v3 webhooks: https://developer.pagerduty.com/docs/webhooks/v3-overview/
* Opsgenie webhook integration:
  https://support.atlassian.com/opsgenie/docs/integrate-opsgenie-with-webhook/
* Prometheus Alertmanager webhook_config, payload version 4:
  https://prometheus.io/docs/alerting/latest/configuration/#webhook_config
* Grafana alerting webhook contact point:
  https://grafana.com/docs/grafana/latest/alerting/configure-notifications/manage-contact-points/integrations/webhook-notifier/

Contract: ``sample_payload`` returns a fresh copy (callers may change it); ``for_a_real_test``
returns the trigger sample made into a delivery that opens a new incident now (its own outside
id and event id, so it never joins an earlier incident or counts as a duplicate) with a title
the caller marks; ``signed_headers`` the headers the tool would send with that body.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from hansei.integrations.models import Kind

SAMPLES_FILE = Path(__file__).with_name("samples.json")
TRIGGER = "trigger"
RESOLVE = "resolve"
SAMPLE_NAMES = (TRIGGER, RESOLVE)

Payload = dict[str, Any]
Retitle = Callable[[str], str]


@functools.cache
def _samples() -> dict[str, dict[str, Payload]]:
    loaded: dict[str, dict[str, Payload]] = json.loads(SAMPLES_FILE.read_text(encoding="utf-8"))
    return loaded


def sample_payload(kind: str, name: str) -> Payload:
    """A copy of the documented ``name`` sample (``trigger`` or ``resolve``) of ``kind``;
    KeyError for an unknown kind or name."""
    return copy.deepcopy(_samples()[kind][name])


def _iso(when: datetime) -> str:
    return when.isoformat().replace("+00:00", "Z")


def _pagerduty(payload: Payload, nonce: str, now: datetime, retitle: Retitle) -> None:
    event = payload["event"]
    data = event["data"]
    event["id"] = f"hansei-test-{nonce}"
    event["occurred_at"] = data["created_at"] = _iso(now)
    data["id"] = f"HANSEI-TEST-{nonce}"
    data["title"] = retitle(data["title"])
    data["html_url"] = ""  # the documentation's account is someone else's


def _opsgenie(payload: Payload, nonce: str, now: datetime, retitle: Retitle) -> None:
    alert = payload["alert"]
    alert["alertId"] = alert["alias"] = f"hansei-test-{nonce}"
    alert["message"] = retitle(alert["message"])
    alert["createdAt"] = int(now.timestamp() * 1000)
    alert["updatedAt"] = int(now.timestamp() * 1000) * 1_000_000


def _alert_group(payload: Payload, nonce: str, now: datetime) -> None:
    payload["groupKey"] = f'{{}}:{{hansei_test="{nonce}"}}'
    for alert in payload["alerts"]:
        alert["startsAt"] = _iso(now)


def _alertmanager(payload: Payload, nonce: str, now: datetime, retitle: Retitle) -> None:
    _alert_group(payload, nonce, now)
    annotations = payload["commonAnnotations"]
    annotations["summary"] = retitle(annotations["summary"])


def _grafana(payload: Payload, nonce: str, now: datetime, retitle: Retitle) -> None:
    _alert_group(payload, nonce, now)
    payload["title"] = retitle(payload["title"])  # the group has no summary: its title is used


MARKERS: dict[str, Callable[[Payload, str, datetime, Retitle], None]] = {
    Kind.PAGERDUTY: _pagerduty,
    Kind.OPSGENIE: _opsgenie,
    Kind.ALERTMANAGER: _alertmanager,
    Kind.GRAFANA: _grafana,
}


def for_a_real_test(kind: str, *, nonce: str, now: datetime, retitle: Retitle) -> Payload:
    """The trigger sample of ``kind`` as a new outside incident ``nonce`` starting ``now``,
    its title passed through ``retitle`` (which marks it as a test)."""
    payload = sample_payload(kind, TRIGGER)
    MARKERS[kind](payload, nonce, now, retitle)
    return payload


def signed_headers(kind: str, body: bytes, secret: str) -> dict[str, str]:
    """What the tool sends to prove itself: PagerDuty signs the body with the secret; the
    others carry it as a bearer token (see each parser's ``authenticate``)."""
    if kind == Kind.PAGERDUTY:
        digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        return {"X-PagerDuty-Signature": f"v1={digest}"}
    return {"Authorization": f"Bearer {secret}"}
