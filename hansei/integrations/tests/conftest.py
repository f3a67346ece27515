from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from hansei.integrations.tests.receiver import Receiver
from hansei.integrations.tests.sources import Source, load


@dataclass
class Reply:
    status: int
    json: dict[str, Any]


def post(url: str, body: bytes, headers: dict[str, str]) -> Reply:
    request = urllib.request.Request(
        url, data=body, headers={"Content-Type": "application/json", **headers}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return Reply(response.status, json.loads(response.read()))
    except urllib.error.HTTPError as error:
        return Reply(error.code, json.loads(error.read()))


@pytest.fixture
def make_integration(payments: Any, sev: Any, alice: Any, bob: Any) -> Callable[..., Any]:
    from hansei.integrations.models import Integration

    def make(source: Source, **overrides: Any) -> Any:
        values: dict[str, Any] = {
            "kind": source.kind,
            "name": f"{source.kind} for payments",
            "team": payments,
            "default_severity": sev(3),
            "severity_mapping": source.severity_mapping,
            "owner_rule": "first_acknowledger",
        }
        values.update(overrides)
        return Integration.objects.create(**values)

    return make


@pytest.fixture
def send(live_server: Any) -> Callable[..., Reply]:
    """POST a payload (a file name, an object or raw bytes) to an integration's URL, signed
    the way its tool signs unless ``headers`` says otherwise."""

    def deliver(
        source: Source,
        integration: Any,
        payload: Any,
        headers: dict[str, str] | None = None,
        token: str | None = None,
    ) -> Reply:
        if isinstance(payload, str):
            payload = load(payload)
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        url = f"{live_server.url}/hooks/{source.kind}/{token or integration.token}/"
        sent = source.sign(body, integration.secret) if headers is None else headers
        return post(url, body, sent)

    return deliver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A local HTTP server standing in for chat systems and webhook receivers."""
    server = Receiver()
    server.start()
    yield server
    server.stop()
