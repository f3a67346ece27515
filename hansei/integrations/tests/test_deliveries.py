"""Every intake endpoint, over HTTP against a running server: who may post, what is refused,
and that every delivery is logged. Payloads: see sources.py for where each is documented."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from typing import Any

import pytest

from hansei.incidents.models import Incident, IncidentEvent
from hansei.integrations.models import Delivery, ExternalIncident
from hansei.integrations.tests.conftest import post
from hansei.integrations.tests.sources import (
    ALERTMANAGER,
    GRAFANA,
    OPSGENIE,
    PAGERDUTY,
    SOURCES,
    Source,
    in_the_future,
    load,
    pagerduty_signature,
    without_required_field,
)

pytestmark = pytest.mark.django_db(transaction=True)
each_source = pytest.mark.parametrize("source", SOURCES, ids=str)


def assert_nothing_written() -> None:
    assert not Incident.objects.exists()
    assert not ExternalIncident.objects.exists()
    assert not IncidentEvent.objects.exists()


@each_source
def test_it_accepts_a_documented_payload_with_good_credentials(
    source: Source, make_integration: Any, send: Any
) -> None:
    integration = make_integration(source)
    reply = send(source, integration, source.trigger)
    assert reply.status == 200, reply.json
    assert reply.json["outcome"] == "accepted"
    incident = Incident.objects.get()
    assert reply.json["incident"] == incident.pk
    delivery = Delivery.objects.get()
    assert (delivery.integration, delivery.outcome, delivery.status_code) == (
        integration,
        "accepted",
        200,
    )
    assert delivery.incident == incident
    assert delivery.external_id == ExternalIncident.objects.get().external_id
    assert integration.secret not in delivery.body_excerpt


@each_source
def test_it_refuses_bad_credentials_and_logs_why(
    source: Source, make_integration: Any, send: Any
) -> None:
    integration = make_integration(source)
    body = json.dumps(load(source.trigger)).encode()
    for headers in ({}, source.sign(body, "not-the-secret")):
        reply = send(source, integration, body, headers=headers)
        assert reply.status == 401
        assert "signature" in reply.json["detail"].lower()
    assert_nothing_written()
    assert set(Delivery.objects.values_list("outcome", "status_code")) == {("rejected", 401)}


@each_source
def test_it_changes_nothing_when_the_same_delivery_comes_twice(
    source: Source, make_integration: Any, send: Any
) -> None:
    integration = make_integration(source)
    first = send(source, integration, source.trigger)
    events = list(IncidentEvent.objects.values_list("pk", "text"))
    second = send(source, integration, source.trigger)
    assert second.status == 200
    assert second.json["outcome"] == "duplicate"
    assert second.json["incident"] == first.json["incident"]
    assert Incident.objects.count() == 1
    assert list(IncidentEvent.objects.values_list("pk", "text")) == events
    assert list(Delivery.objects.order_by("pk").values_list("outcome", flat=True)) == [
        "accepted",
        "duplicate",
    ]


@each_source
def test_it_answers_400_to_malformed_json(source: Source, make_integration: Any, send: Any) -> None:
    reply = send(source, make_integration(source), b'{"event": {"id": ')
    assert reply.status == 400
    assert reply.json["detail"] == "The body is not valid JSON."
    assert_nothing_written()
    assert Delivery.objects.get().reason == "The body is not valid JSON."


@each_source
def test_it_answers_400_when_a_required_field_is_missing(
    source: Source, make_integration: Any, send: Any
) -> None:
    payload = without_required_field(source, load(source.trigger))
    reply = send(source, make_integration(source), payload)
    assert reply.status == 400
    assert "missing field" in reply.json["detail"]
    assert_nothing_written()
    assert Delivery.objects.get().status_code == 400


@each_source
def test_it_answers_413_to_a_body_over_one_megabyte(
    source: Source, make_integration: Any, send: Any
) -> None:
    payload = load(source.trigger)
    payload["padding"] = "x" * (1024 * 1024)
    reply = send(source, make_integration(source), payload)
    assert reply.status == 413
    assert_nothing_written()
    delivery = Delivery.objects.get()
    assert (delivery.status_code, len(delivery.body_excerpt)) == (413, 4096)


@each_source
def test_it_answers_404_to_an_unknown_token_or_the_wrong_kind(
    source: Source, make_integration: Any, send: Any, live_server: Any
) -> None:
    integration = make_integration(source)
    assert send(source, integration, source.trigger, token="no-such-token").status == 404
    other = PAGERDUTY if source.kind != "pagerduty" else SOURCES[1]
    body = json.dumps(load(source.trigger)).encode()
    url = f"{live_server.url}/hooks/{other.kind}/{integration.token}/"
    reply = post(url, body, source.sign(body, integration.secret))
    assert reply.status == 404
    assert reply.json["detail"] == "Unknown integration."
    assert_nothing_written()
    assert Delivery.objects.filter(status_code=404, integration=None).count() == 2


@each_source
def test_it_answers_410_when_the_integration_is_turned_off(
    source: Source, make_integration: Any, send: Any
) -> None:
    integration = make_integration(source, is_active=False)
    reply = send(source, integration, source.trigger)
    assert reply.status == 410
    assert_nothing_written()


@pytest.mark.parametrize("source", [PAGERDUTY, OPSGENIE], ids=str)
def test_it_ignores_event_types_hansei_does_not_use(
    source: Source, make_integration: Any, send: Any
) -> None:
    # Alertmanager and Grafana only send firing and resolved groups: nothing to ignore there.
    assert source.unsupported is not None
    reply = send(source, make_integration(source), source.unsupported)
    assert reply.status == 202
    assert reply.json["outcome"] == "ignored"
    assert_nothing_written()
    delivery = Delivery.objects.get()
    assert delivery.outcome == "ignored"
    assert delivery.event_type in {"incident.annotated", "AddNote"}


@each_source
def test_it_writes_nothing_of_an_incident_when_processing_fails_half_way(
    source: Source, make_integration: Any, send: Any
) -> None:
    # The first delivery opens the incident, then its resolution time is refused: everything
    # that delivery wrote must roll back, and the refusal is still in the log.
    reply = send(source, make_integration(source), in_the_future(source, load(source.resolve)))
    assert reply.status == 400
    assert "future" in reply.json["detail"]
    assert_nothing_written()
    delivery = Delivery.objects.get()
    assert (delivery.outcome, delivery.incident) == ("rejected", None)


def test_it_accepts_any_of_several_pagerduty_signatures_during_a_rotation(
    make_integration: Any, send: Any
) -> None:
    source = PAGERDUTY
    integration = make_integration(source)
    body = json.dumps(load(source.trigger)).encode()
    old = pagerduty_signature(body, "the-old-secret")["X-PagerDuty-Signature"]
    new = pagerduty_signature(body, integration.secret)["X-PagerDuty-Signature"]
    reply = send(source, integration, body, headers={"X-PagerDuty-Signature": f"{old}, {new}"})
    assert reply.status == 200


@pytest.mark.parametrize("source", [ALERTMANAGER, GRAFANA], ids=str)
def test_it_accepts_http_basic_with_the_secret_as_password(
    source: Source, make_integration: Any, send: Any
) -> None:
    integration = make_integration(source)
    good = base64.b64encode(f"hansei:{integration.secret}".encode()).decode()
    bad = base64.b64encode(b"hansei:guess").decode()
    assert (
        send(source, integration, source.trigger, headers={"Authorization": f"Basic {bad}"}).status
        == 401
    )
    reply = send(source, integration, source.trigger, headers={"Authorization": f"Basic {good}"})
    assert reply.status == 200


def test_it_answers_405_to_anything_but_post(make_integration: Any, live_server: Any) -> None:
    integration = make_integration(PAGERDUTY)
    url = f"{live_server.url}/hooks/pagerduty/{integration.token}/"
    try:
        urllib.request.urlopen(url, timeout=30)
    except urllib.error.HTTPError as error:
        assert error.code == 405
    else:
        raise AssertionError("GET was accepted")
