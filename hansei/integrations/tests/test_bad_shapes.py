"""Deliveries of the wrong shape: every one answered with a 4xx and a reason, every one logged.

Each tool's documented payload is mutated at every object key down to three levels (a list,
an object, a number, null, text with a NUL or a lone surrogate in its place), and bodies too
deeply nested or holding a NUL are sent whole. Nothing may answer 5xx, and the delivery log
must hold one row per delivery.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest

from hansei.integrations import services
from hansei.integrations.models import Delivery
from hansei.integrations.tests.sources import (
    ALERTMANAGER,
    OPSGENIE,
    PAGERDUTY,
    SOURCES,
    Source,
    load,
)

pytestmark = pytest.mark.django_db
REPLACEMENTS = [[], {}, 42, None, "x\u0000y", "\ud800", 10**40, -(2**63), -1.5]


def _paths(value: Any, prefix: tuple[Any, ...] = (), depth: int = 0) -> Iterator[tuple[Any, ...]]:
    if depth >= 3:
        return
    if isinstance(value, dict):
        for key, child in value.items():
            yield (*prefix, key)
            yield from _paths(child, (*prefix, key), depth + 1)
    elif isinstance(value, list) and value:
        yield (*prefix, 0)
        yield from _paths(value[0], (*prefix, 0), depth + 1)


def _replaced(payload: Any, path: tuple[Any, ...], value: Any) -> Any:
    changed = copy.deepcopy(payload)
    target = changed
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return changed


def _deliver(source: Source, integration: Any, body: bytes) -> services.Answer:
    return services.receive_delivery(
        kind=source.kind,
        token=integration.token,
        headers=source.sign(body, integration.secret),
        body=body,
        remote_addr="127.0.0.1",
    )


@pytest.mark.parametrize("source", SOURCES, ids=str)
def test_no_mutation_of_a_documented_payload_gets_a_server_error(
    source: Source, make_integration: Any
) -> None:
    integration = make_integration(source)
    payload = load(source.trigger)
    sent = 0
    for path in _paths(payload):
        for value in REPLACEMENTS:
            body = json.dumps(_replaced(payload, path, value)).encode()
            answer = _deliver(source, integration, body)
            sent += 1
            assert answer.status < 500, (path, value, answer.detail)
            if answer.status >= 400:
                assert answer.detail, (path, value)
    assert Delivery.objects.filter(integration=integration).count() == sent


@pytest.mark.django_db(transaction=True)  # over HTTP: the live server commits its own rows
@pytest.mark.parametrize(
    ("source", "path", "value"),
    [
        (ALERTMANAGER, ("commonAnnotations",), ["a list"]),
        (OPSGENIE, ("alert",), ["a list"]),
        (PAGERDUTY, ("event", "data", "assignees"), 7),
        (PAGERDUTY, ("event", "data", "id"), "PABC\u0000123"),
        (OPSGENIE, ("alert", "alertId"), "\ud800"),
    ],
)
def test_the_shapes_found_by_the_attack_are_refused_with_a_reason(
    source: Source, path: tuple[str, ...], value: Any, make_integration: Any, send: Any
) -> None:
    integration = make_integration(source)
    reply = send(source, integration, _replaced(load(source.trigger), path, value))
    assert 400 <= reply.status < 500 and reply.json["detail"]
    delivery = Delivery.objects.get()
    assert (delivery.status_code, delivery.outcome) == (reply.status, "rejected")
    assert delivery.reason == reply.json["detail"]


@pytest.mark.parametrize(
    "body",
    [
        b'{"a": ' * 100_000 + b"1" + b"}" * 100_000,
        b"[" * 100_000 + b"]" * 100_000,
        b'{"event": "\x00"}',
        b"\x00\xff\xfe not even text",
        b'{"n": 1' + b"0" * 5000 + b"}",
        b'{"n": NaN}',
    ],
    ids=["nested-objects", "nested-lists", "nul", "binary", "huge-number", "nan"],
)
def test_bodies_that_are_not_usable_json_are_refused_and_logged(
    body: bytes, make_integration: Any
) -> None:
    integration = make_integration(PAGERDUTY)
    answer = _deliver(PAGERDUTY, integration, body)
    assert answer.status == 400 and answer.detail
    assert Delivery.objects.get().status_code == 400
