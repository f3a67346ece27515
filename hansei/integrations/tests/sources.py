"""The four sending tools as the tests see them: their documented payloads and how each one
authenticates. Where each payload shape is documented:

* PagerDuty v3 webhooks: https://developer.pagerduty.com/docs/webhooks/v3-overview/
  ("Webhook Payload" and the ``incident`` / ``incident_note`` event data types);
  signatures: https://developer.pagerduty.com/docs/webhooks/webhook-signatures/
* Opsgenie webhook integration (alert actions Create, Acknowledge, Close, AddNote):
  https://support.atlassian.com/opsgenie/docs/integrate-opsgenie-with-webhook/
* Prometheus Alertmanager webhook_config, payload version 4:
  https://prometheus.io/docs/alerting/latest/configuration/#webhook_config
* Grafana alerting webhook contact point ("Webhook JSON payload"):
  https://grafana.com/docs/grafana/latest/alerting/configure-notifications/manage-contact-points/integrations/webhook-notifier/

Values are the documentation's, except ids, times and people changed where a test needs a
second event of the same incident.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PAYLOADS = Path(__file__).parent / "payloads"


def load(name: str) -> Any:
    return json.loads((PAYLOADS / name).read_text())


def pagerduty_signature(body: bytes, secret: str) -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"X-PagerDuty-Signature": f"v1={digest}"}


def bearer(body: bytes, secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@dataclass(frozen=True)
class Source:
    kind: str
    trigger: str
    resolve: str
    acknowledge: str | None  # Alertmanager and Grafana have no acknowledgement
    unsupported: str | None
    sign: Callable[[bytes, str], dict[str, str]]
    severity_mapping: dict[str, int]
    acknowledger: str | None  # who acknowledges in the payloads (a Hansei username)

    def __str__(self) -> str:
        return self.kind


PAGERDUTY = Source(
    kind="pagerduty",
    trigger="pagerduty_triggered.json",
    acknowledge="pagerduty_acknowledged.json",
    resolve="pagerduty_resolved.json",
    unsupported="pagerduty_annotated.json",
    sign=pagerduty_signature,
    severity_mapping={"P1": 1},
    acknowledger="bob",
)
OPSGENIE = Source(
    kind="opsgenie",
    trigger="opsgenie_create.json",
    acknowledge="opsgenie_acknowledge.json",
    resolve="opsgenie_close.json",
    unsupported="opsgenie_addnote.json",
    sign=bearer,
    severity_mapping={"p1": 1},
    acknowledger="bob",
)
ALERTMANAGER = Source(
    kind="alertmanager",
    trigger="alertmanager_firing.json",
    acknowledge=None,
    resolve="alertmanager_resolved.json",
    unsupported=None,
    sign=bearer,
    severity_mapping={"critical": 1},
    acknowledger=None,
)
GRAFANA = Source(
    kind="grafana",
    trigger="grafana_firing.json",
    acknowledge=None,
    resolve="grafana_resolved.json",
    unsupported=None,
    sign=bearer,
    severity_mapping={},
    acknowledger=None,
)
SOURCES = [PAGERDUTY, OPSGENIE, ALERTMANAGER, GRAFANA]


def in_the_future(source: Source, payload: Any) -> Any:
    """The resolution payload moved to the year 2999: a milestone Hansei must refuse."""
    if source.kind == "pagerduty":
        payload["event"]["occurred_at"] = "2999-01-01T00:00:00Z"
    elif source.kind == "opsgenie":
        payload["alert"]["updatedAt"] = 32472144000000000000
    else:
        for alert in payload["alerts"]:
            alert["endsAt"] = "2999-01-01T00:00:00Z"
    return payload


def without_required_field(source: Source, payload: Any) -> Any:
    if source.kind == "pagerduty":
        del payload["event"]["data"]["id"]
    elif source.kind == "opsgenie":
        del payload["alert"]["alertId"]
        del payload["alert"]["alias"]
    else:
        del payload["groupKey"]
    return payload
