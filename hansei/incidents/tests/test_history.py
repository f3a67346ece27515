"""Every change of an incident is recorded once, and flows into its draft's timeline."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from hansei.incidents.history import record_event
from hansei.incidents.models import Incident, IncidentEvent, IncidentEventKind
from hansei.incidents.services import update_incident
from hansei.incidents.tests.test_services import _input
from hansei.postmortems.timeline.models import TimelineEntry, TimelineKind
from hansei.postmortems.timeline.services import add_event_to_timeline

pytestmark = pytest.mark.django_db


def _kinds(incident: Incident) -> list[str]:
    return list(incident.events.values_list("kind", flat=True))


def test_recording_an_incident_records_it_and_its_milestones(make_incident, alice):
    incident = make_incident(acknowledged_at=None)

    events = list(incident.events.all())
    assert sorted(_kinds(incident)) == sorted(["created"] + ["milestone"] * 4)
    created = next(e for e in events if e.kind == IncidentEventKind.CREATED)
    assert created.text == "Incident recorded: Checkout API returned 500s (SEV2, Resolved)"
    assert created.actor == alice
    assert created.key == "created"
    detected = next(e for e in events if e.key.startswith("milestone:detected_at:"))
    assert detected.occurred_at == incident.detected_at
    assert detected.text == "Detected: Checkout API returned 500s"


def test_it_records_severity_status_commander_and_milestone_changes(make_incident, alice, bob, sev):
    incident = make_incident(mitigated_at=None, resolved_at=None)
    before = incident.events.count()
    mitigated = incident.started_at + timedelta(minutes=30)

    update_incident(
        actor=alice,
        incident=incident,
        data=_input(incident, severity=sev(1), commander=bob, mitigated_at=mitigated),
    )

    new = list(incident.events.order_by("id")[before:])
    by_kind = {e.kind: e for e in new}
    assert set(by_kind) == {"milestone", "severity", "status", "owner"}
    assert by_kind["severity"].text == "Severity changed from SEV2 to SEV1"
    assert by_kind["status"].text == "Status changed from Active to Mitigated"
    assert by_kind["status"].occurred_at == mitigated  # it changed when it was mitigated
    assert by_kind["owner"].text == "Incident commander changed from nobody to Bob"
    assert by_kind["milestone"].occurred_at == mitigated


def test_an_update_that_changes_nothing_records_nothing(make_incident, alice):
    incident = make_incident()
    before = incident.events.count()

    for _attempt in range(2):  # a retried request
        update_incident(actor=alice, incident=incident, data=_input(incident))

    assert incident.events.count() == before


def test_moving_a_milestone_back_and_forth_records_each_time_once(make_incident, alice):
    incident = make_incident()
    original = incident.detected_at
    moved = original - timedelta(minutes=5)

    for when in (moved, original, moved):
        update_incident(actor=alice, incident=incident, data=_input(incident, detected_at=when))

    detected = incident.events.filter(key__startswith="milestone:detected_at:")
    assert sorted(detected.values_list("occurred_at", flat=True)) == [moved, original]


def test_record_event_with_a_key_is_idempotent(make_incident):
    incident = make_incident()

    first = record_event(incident=incident, kind="alert", text="Triggered", key="pd:1:trigger")
    second = record_event(incident=incident, kind="alert", text="Triggered", key="pd:1:trigger")

    assert first is not None and second is None
    assert incident.events.filter(key="pd:1:trigger").count() == 1


# --- into the draft's timeline -------------------------------------------------------------


def test_the_draft_starts_with_every_event_so_far(make_incident, make_postmortem):
    incident = make_incident()
    record_event(incident=incident, kind="alert", text="PagerDuty: triggered", source="pagerduty")

    postmortem = make_postmortem(incident=incident)

    entries = list(postmortem.timeline.all())
    events = set(incident.events.values_list("pk", flat=True))
    assert {int(e.source.removeprefix("event:")) for e in entries} == events
    alert = next(e for e in entries if e.text == "PagerDuty: triggered")
    assert alert.kind == TimelineKind.DETECTION
    assert not alert.is_key_event
    assert all(e.is_key_event for e in entries if e.kind == TimelineKind.MILESTONE)
    assert len([e for e in entries if e.kind == TimelineKind.MILESTONE]) == 5


def test_changes_while_the_draft_is_open_are_added_without_duplicates(
    make_incident, make_postmortem, alice, sev
):
    incident = make_incident()
    postmortem = make_postmortem(incident=incident)
    incident.refresh_from_db()
    count = postmortem.timeline.count()

    for _attempt in range(2):
        update_incident(actor=alice, incident=incident, data=_input(incident, severity=sev(1)))

    assert postmortem.timeline.count() == count + 1
    entry = postmortem.timeline.get(text="Severity changed from SEV2 to SEV1")
    assert entry.kind == TimelineKind.ESCALATION
    event = incident.events.get(kind="severity")
    assert entry.source == f"event:{event.pk}"


def test_a_moved_milestone_moves_its_entry_instead_of_adding_one(
    make_incident, make_postmortem, alice
):
    incident = make_incident()
    postmortem = make_postmortem(incident=incident)
    incident.refresh_from_db()
    moved = incident.detected_at - timedelta(minutes=3)

    update_incident(actor=alice, incident=incident, data=_input(incident, detected_at=moved))

    milestones = postmortem.timeline.filter(kind=TimelineKind.MILESTONE)
    assert milestones.count() == 5
    detected = milestones.get(text__startswith="Detected")
    assert detected.occurred_at == moved
    assert detected.source == f"event:{incident.events.get(occurred_at=moved).pk}"


def test_webhook_events_flow_into_the_draft(make_incident, make_postmortem):
    incident = make_incident()
    postmortem = make_postmortem(incident=incident)
    event = record_event(
        incident=incident,
        kind=IncidentEventKind.ALERT,
        text="PagerDuty: acknowledged by the on-call engineer",
        source="pagerduty",
        key="pagerduty:Q1W2E3:acknowledge",
    )
    assert event is not None

    add_event_to_timeline(event=event)
    add_event_to_timeline(event=event)  # a redelivered webhook

    entries = TimelineEntry.objects.filter(postmortem=postmortem, source=f"event:{event.pk}")
    assert [e.text for e in entries] == ["PagerDuty: acknowledged by the on-call engineer"]


def test_events_stay_out_of_a_postmortem_in_review(make_incident, make_postmortem, alice, rita):
    from hansei.reviews.services import submit_for_review

    incident = make_incident()
    postmortem = make_postmortem(incident=incident)
    submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])
    count = postmortem.timeline.count()
    event = record_event(incident=incident, kind="note", text="Late note")
    assert event is not None

    add_event_to_timeline(event=event)

    assert postmortem.timeline.count() == count


def test_legacy_milestone_entries_are_taken_over(make_incident, make_postmortem, alice):
    incident = make_incident()
    postmortem = make_postmortem(incident=incident)
    incident.refresh_from_db()
    started = postmortem.timeline.get(text__startswith="Started")
    started.source = f"incident:{incident.pk}:started_at"  # as drafts made before events did
    started.save()

    update_incident(actor=alice, incident=incident, data=_input(incident, title="Renamed"))

    entries = postmortem.timeline.filter(text__startswith="Started")
    assert [e.text for e in entries] == ["Started: Renamed"]
    assert entries[0].source.startswith("event:")


def test_events_cascade_with_their_incident(make_incident: Any) -> None:
    incident = make_incident()
    incident.delete()
    assert IncidentEvent.objects.count() == 0
