"""What intake deliveries do to incidents, over HTTP against a running server: one incident per
outside incident or alert group, milestones that never move backwards, timeline events, and a
postmortem draft with an owner who is told. Payloads: see sources.py."""

from __future__ import annotations

from typing import Any

import pytest

from hansei.conftest import message_text
from hansei.core.jobs import run_pending
from hansei.incidents.models import Incident
from hansei.integrations.models import ExternalIncident
from hansei.integrations.tests.sources import (
    ALERTMANAGER,
    GRAFANA,
    OPSGENIE,
    PAGERDUTY,
    SOURCES,
    Source,
)

pytestmark = pytest.mark.django_db(transaction=True)
each_source = pytest.mark.parametrize("source", SOURCES, ids=str)


def lifecycle(source: Source) -> list[str]:
    return [p for p in (source.trigger, source.acknowledge, source.resolve) if p]


def sources_by_kind(incident: Incident) -> set[str]:
    return set(incident.events.values_list("source", flat=True))


@each_source
def test_it_turns_trigger_acknowledge_resolve_into_one_incident_with_milestones_and_events(
    source: Source, make_integration: Any, send: Any, bob: Any, checkout: Any, sev: Any
) -> None:
    integration = make_integration(
        source,
        service_mapping={
            "PF9KMXH": "checkout",
            "checkout-api": "checkout",
            "http_checks": "checkout",
        },
        owner_rule="commander",
    )
    for payload in lifecycle(source):
        reply = send(source, integration, payload)
        assert reply.status == 200, reply.json
        assert reply.json["outcome"] == "accepted"
    incident = Incident.objects.get()
    assert ExternalIncident.objects.get().incident == incident
    assert incident.team == integration.team
    assert incident.detection_method == "alert"
    assert incident.started_at <= incident.detected_at
    assert incident.resolved_at is not None
    assert incident.mitigated_at is not None and incident.mitigated_at <= incident.resolved_at
    assert incident.status == "resolved"
    texts = list(incident.events.values_list("text", flat=True))
    assert any(text.startswith("Opened from") for text in texts)
    assert any(text.startswith("Resolved in") for text in texts)
    assert source.kind in sources_by_kind(incident)
    if source.acknowledge:
        assert incident.detected_at <= incident.acknowledged_at <= incident.mitigated_at
        assert incident.first_acknowledged_by == bob
        assert bob in incident.responders.all()
        assert any(text.startswith("Acknowledged in") for text in texts)
    if source.severity_mapping:
        assert incident.severity == sev(1)
    else:
        assert incident.severity == integration.default_severity
    if source is not GRAFANA:
        assert list(incident.services.all()) == [checkout]


@pytest.mark.parametrize(
    ("source", "title"),
    [
        (PAGERDUTY, "A little bump in the road"),
        (OPSGENIE, "Checkout latency above 2s"),
        (ALERTMANAGER, "BlackBox Probe Failure: https://server.example.org"),
        (GRAFANA, "[FIRING:2] (blue)"),
    ],
    ids=str,
)
def test_it_titles_incidents_after_the_outside_incident_or_alert(
    source: Source, title: str, make_integration: Any, send: Any
) -> None:
    send(source, make_integration(source), source.trigger)
    assert Incident.objects.get().title == title


@each_source
def test_it_keeps_a_resolved_incident_resolved_when_an_earlier_event_arrives_late(
    source: Source, make_integration: Any, send: Any
) -> None:
    integration = make_integration(source)
    assert send(source, integration, source.resolve).status == 200
    incident = Incident.objects.get()
    resolved_at, started_at = incident.resolved_at, incident.started_at
    late = source.acknowledge or source.trigger
    assert send(source, integration, late).json["outcome"] == "accepted"
    incident.refresh_from_db()
    assert incident.status == "resolved"
    assert incident.resolved_at == resolved_at
    assert incident.started_at <= started_at
    milestones = [value for _field, _label, value in incident.milestones() if value]
    assert milestones == sorted(milestones)
    if source.acknowledge:
        assert incident.acknowledged_at is not None
    assert Incident.objects.count() == 1


@pytest.mark.parametrize(
    ("source", "owner_name", "how"),
    [
        (PAGERDUTY, "bob", "whoever acknowledged it first"),
        (OPSGENIE, "bob", "whoever acknowledged it first"),
        (ALERTMANAGER, "alice", "the team lead"),
        (GRAFANA, "alice", "the team lead"),
    ],
    ids=str,
)
def test_it_drafts_the_required_postmortem_and_emails_the_owner_chosen_by_the_rule(
    source: Source,
    owner_name: str,
    how: str,
    make_integration: Any,
    send: Any,
    smtp_server: Any,
    alice: Any,
    bob: Any,
) -> None:
    owner = {"alice": alice, "bob": bob}[owner_name]
    integration = make_integration(source, owner_rule="first_acknowledger")
    for payload in lifecycle(source):
        assert send(source, integration, payload).status == 200
    incident = Incident.objects.get()
    postmortem = incident.postmortem
    assert postmortem is not None, list(incident.events.values_list("text", flat=True))
    assert postmortem.owner == owner
    assert postmortem.status == "draft"
    note = incident.events.get(kind="note").text
    assert owner.name in note and how in note
    if source.acknowledge is None:  # nobody acknowledged: the fallback says why
        assert "no Hansei user acknowledged it" in note
    run_pending()
    [message] = smtp_server.messages
    assert message["To"] == owner.email
    assert incident.title in " ".join(str(message["Subject"]).split())
    assert f"/postmortems/{postmortem.pk}/" in message_text(message)


def test_it_does_not_draft_a_postmortem_the_policy_does_not_require(
    make_integration: Any, send: Any, smtp_server: Any
) -> None:
    from hansei.incidents.models import PostmortemPolicy

    PostmortemPolicy.objects.update(resolve_minutes_threshold=24 * 60)
    integration = make_integration(ALERTMANAGER, severity_mapping={})
    for payload in lifecycle(ALERTMANAGER):
        assert send(ALERTMANAGER, integration, payload).status == 200
    assert Incident.objects.get().postmortem is None
    run_pending()
    assert smtp_server.messages == []


def test_it_never_lowers_a_severity_by_itself(make_integration: Any, send: Any, sev: Any) -> None:
    from hansei.integrations.tests.sources import load

    integration = make_integration(PAGERDUTY, severity_mapping={"P1": 1, "P3": 3})
    assert send(PAGERDUTY, integration, PAGERDUTY.trigger).status == 200
    acknowledged = load(PAGERDUTY.acknowledge)
    acknowledged["event"]["data"]["priority"]["summary"] = "P3"
    assert send(PAGERDUTY, integration, acknowledged).status == 200
    assert Incident.objects.get().severity == sev(1)


def test_it_records_when_pagerduty_raises_the_priority(
    make_integration: Any, send: Any, sev: Any
) -> None:
    from hansei.integrations.tests.sources import load

    integration = make_integration(PAGERDUTY, severity_mapping={"P1": 1, "P3": 3})
    triggered = load(PAGERDUTY.trigger)
    triggered["event"]["data"]["priority"]["summary"] = "P3"
    assert send(PAGERDUTY, integration, triggered).status == 200
    assert Incident.objects.get().severity == sev(3)
    assert send(PAGERDUTY, integration, PAGERDUTY.acknowledge).status == 200
    incident = Incident.objects.get()
    assert incident.severity == sev(1)
    assert "Severity raised from SEV3 to SEV1" in incident.events.get(kind="severity").text


def test_it_reads_opsgenie_priorities_sent_as_numbers(
    make_integration: Any, send: Any, sev: Any
) -> None:
    from hansei.integrations.tests.sources import load

    integration = make_integration(
        OPSGENIE, severity_mapping={"P1": 1, "P3": 2}, default_severity=sev(4)
    )
    created = load(OPSGENIE.trigger)
    created["alert"]["priority"] = 3  # the shape of older Opsgenie webhook payloads
    assert send(OPSGENIE, integration, created).status == 200
    assert Incident.objects.get().severity == sev(2)
