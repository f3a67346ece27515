from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hansei.core.errors import InvalidState
from hansei.incidents.models import Incident
from hansei.incidents.services import IncidentInput, request_postmortem, update_incident
from hansei.postmortems.timeline.models import TimelineEntry, TimelineKind

pytestmark = pytest.mark.django_db


def _input(incident: Incident, **changes: Any) -> IncidentInput:
    values: dict[str, Any] = {
        "title": incident.title,
        "severity": incident.severity,
        "team": incident.team,
        "started_at": incident.started_at,
        "summary": incident.summary,
        "services": list(incident.services.all()),
        "commander": incident.commander,
        "responders": list(incident.responders.all()),
        "detected_at": incident.detected_at,
        "acknowledged_at": incident.acknowledged_at,
        "mitigated_at": incident.mitigated_at,
        "resolved_at": incident.resolved_at,
        "detection_method": incident.detection_method,
        "downtime_minutes": incident.downtime_minutes,
    }
    values.update(changes)
    return IncidentInput(**values)


# --- recording ------------------------------------------------------------------------------


def test_it_records_an_incident_for_the_actors_team(make_incident, alice, bob, checkout, payments):
    incident = make_incident(services=[checkout], commander=alice, responders=[bob])

    stored = Incident.objects.get(pk=incident.pk)
    assert stored.title == "Checkout API returned 500s"
    assert stored.team == payments
    assert stored.created_by == alice
    assert list(stored.services.all()) == [checkout]
    assert list(stored.responders.all()) == [bob]
    assert stored.commander == alice
    assert stored.status == "resolved"
    assert stored.time_to_resolve == timedelta(hours=2)


def test_it_strips_the_title(make_incident):
    incident = make_incident(title="  Queue backlog  ")

    assert Incident.objects.get(pk=incident.pk).title == "Queue backlog"


def test_it_refuses_a_detection_before_the_start_and_saves_nothing(make_incident):
    now = timezone.now()

    with pytest.raises(ValidationError) as excinfo:
        make_incident(started_at=now - timedelta(hours=1), detected_at=now - timedelta(hours=2))

    assert "detected_at" in excinfo.value.message_dict
    assert "before" in excinfo.value.message_dict["detected_at"][0]
    assert Incident.objects.count() == 0


def test_it_refuses_a_resolution_before_mitigation(make_incident):
    now = timezone.now()

    with pytest.raises(ValidationError) as excinfo:
        make_incident(
            mitigated_at=now - timedelta(minutes=30), resolved_at=now - timedelta(hours=2)
        )

    assert set(excinfo.value.message_dict) == {"resolved_at"}
    assert Incident.objects.count() == 0


def test_it_compares_a_milestone_with_the_last_one_given(make_incident):
    now = timezone.now()

    with pytest.raises(ValidationError) as excinfo:
        make_incident(
            started_at=now - timedelta(hours=3),
            detected_at=now - timedelta(hours=2),
            acknowledged_at=None,
            mitigated_at=now - timedelta(hours=2, minutes=30),
            resolved_at=None,
        )

    assert set(excinfo.value.message_dict) == {"mitigated_at"}


def test_it_accepts_milestones_that_are_all_equal(make_incident):
    moment = timezone.now() - timedelta(hours=1)

    incident = make_incident(
        started_at=moment,
        detected_at=moment,
        acknowledged_at=moment,
        mitigated_at=moment,
        resolved_at=moment,
    )

    assert Incident.objects.get(pk=incident.pk).time_to_resolve == timedelta(0)


def test_it_refuses_milestones_in_the_future(make_incident):
    future = timezone.now() + timedelta(hours=1)

    with pytest.raises(ValidationError) as excinfo:
        make_incident(started_at=timezone.now() - timedelta(hours=1), resolved_at=future)

    assert "future" in excinfo.value.message_dict["resolved_at"][0]
    assert Incident.objects.count() == 0


def test_it_refuses_a_start_in_the_future(make_incident):
    with pytest.raises(ValidationError) as excinfo:
        make_incident(
            started_at=timezone.now() + timedelta(days=1),
            detected_at=None,
            acknowledged_at=None,
            mitigated_at=None,
            resolved_at=None,
        )

    assert "started_at" in excinfo.value.message_dict
    assert Incident.objects.count() == 0


def test_it_requires_a_start(make_incident):
    with pytest.raises(ValidationError) as excinfo:
        make_incident(started_at=None)

    assert "started_at" in excinfo.value.message_dict
    assert Incident.objects.count() == 0


@pytest.mark.parametrize("title", ["", "   "])
def test_it_requires_a_title(make_incident, title):
    with pytest.raises(ValidationError) as excinfo:
        make_incident(title=title)

    assert "title" in excinfo.value.message_dict
    assert Incident.objects.count() == 0


def test_it_refuses_a_title_over_200_characters(make_incident):
    with pytest.raises(ValidationError) as excinfo:
        make_incident(title="x" * 201)

    assert "too long" in excinfo.value.message_dict["title"][0]
    assert Incident.objects.count() == 0


def test_it_accepts_a_title_of_exactly_200_characters(make_incident):
    incident = make_incident(title="x" * 200)

    assert len(Incident.objects.get(pk=incident.pk).title) == 200


@pytest.mark.parametrize(
    ("field", "value"),
    [("detection_method", "telepathy"), ("intervention", "prayer"), ("downtime_minutes", -1)],
)
def test_it_refuses_unknown_choices_and_negative_downtime(make_incident, field, value):
    with pytest.raises(ValidationError) as excinfo:
        make_incident(**{field: value})

    assert field in excinfo.value.message_dict
    assert Incident.objects.count() == 0


def test_it_refuses_charlie_recording_an_incident_for_payments(make_incident, charlie):
    with pytest.raises(PermissionDenied):
        make_incident(actor=charlie)

    assert Incident.objects.count() == 0


def test_it_refuses_a_reviewer_recording_an_incident(make_incident, rita, payments):
    from hansei.accounts.models import Membership

    Membership.objects.create(user=rita, team=payments)

    with pytest.raises(PermissionDenied):
        make_incident(actor=rita)

    assert Incident.objects.count() == 0


def test_it_lets_an_admin_record_an_incident_for_any_team(make_incident, ada):
    incident = make_incident(actor=ada)

    assert Incident.objects.get(pk=incident.pk).created_by == ada


# --- updating -------------------------------------------------------------------------------


def test_it_updates_an_incident(make_incident, alice, bob):
    incident = make_incident()

    updated = update_incident(
        actor=bob, incident=incident, data=_input(incident, title="Checkout outage", data_loss=True)
    )

    stored = Incident.objects.get(pk=incident.pk)
    assert updated.title == stored.title == "Checkout outage"
    assert stored.data_loss is True


def test_it_refuses_charlie_updating_a_payments_incident(make_incident, charlie):
    incident = make_incident()

    with pytest.raises(PermissionDenied):
        update_incident(actor=charlie, incident=incident, data=_input(incident, title="Mine now"))

    assert Incident.objects.get(pk=incident.pk).title == "Checkout API returned 500s"


def test_it_refuses_moving_an_incident_to_a_team_the_actor_is_not_on(
    make_incident, alice, search_team
):
    incident = make_incident()

    with pytest.raises(PermissionDenied):
        update_incident(actor=alice, incident=incident, data=_input(incident, team=search_team))

    assert Incident.objects.get(pk=incident.pk).team.slug == "payments"


def test_it_keeps_the_stored_incident_when_an_update_is_invalid(make_incident, alice):
    incident = make_incident()
    started = incident.started_at

    with pytest.raises(ValidationError):
        update_incident(
            actor=alice,
            incident=incident,
            data=_input(incident, title="New", detected_at=started - timedelta(minutes=1)),
        )

    stored = Incident.objects.get(pk=incident.pk)
    assert stored.title == "Checkout API returned 500s"
    assert stored.detected_at > started


def test_it_keeps_the_automatic_milestone_entries_in_sync(make_incident, make_postmortem, alice):
    incident = make_incident()
    postmortem = make_postmortem(incident=incident)
    incident.refresh_from_db()
    manual = TimelineEntry.objects.create(
        postmortem=postmortem, occurred_at=incident.started_at, text="Config pushed"
    )
    new_detection = incident.started_at + timedelta(minutes=2)

    update_incident(
        actor=alice,
        incident=incident,
        data=_input(
            incident, title="Checkout outage", detected_at=new_detection, acknowledged_at=None
        ),
    )

    milestones = TimelineEntry.objects.filter(postmortem=postmortem, kind=TimelineKind.MILESTONE)
    # Each milestone entry comes from the incident's event for that milestone.
    keys = dict(incident.events.values_list("pk", "key"))
    by_source = {keys[int(e.source.removeprefix("event:"))].split(":")[1]: e for e in milestones}
    assert set(by_source) == {"started_at", "detected_at", "mitigated_at", "resolved_at"}
    assert by_source["detected_at"].occurred_at == new_detection
    assert all("Checkout outage" in e.text for e in milestones)
    assert all(e.is_key_event for e in milestones)
    assert TimelineEntry.objects.filter(pk=manual.pk).exists()
    # 4 milestones, "incident recorded" and the manual entry
    assert TimelineEntry.objects.filter(postmortem=postmortem).count() == 6


def test_it_leaves_the_timeline_of_a_postmortem_in_review_alone(
    make_incident, make_postmortem, alice, rita
):
    from hansei.reviews.services import submit_for_review

    incident = make_incident()
    make_postmortem(incident=incident)
    incident = Incident.objects.select_related("postmortem").get(pk=incident.pk)
    submit_for_review(actor=alice, postmortem=incident.postmortem, reviewers=[rita])
    before = list(TimelineEntry.objects.values_list("occurred_at", "text"))

    update_incident(
        actor=alice,
        incident=incident,
        data=_input(incident, title="Renamed", detected_at=incident.started_at),
    )

    assert Incident.objects.get(pk=incident.pk).title == "Renamed"
    assert list(TimelineEntry.objects.values_list("occurred_at", "text")) == before


# --- asking for a postmortem ----------------------------------------------------------------


def test_it_records_who_asked_for_a_postmortem(make_incident, bob):
    incident = make_incident()

    returned = request_postmortem(actor=bob, incident=incident, reason="  Learn from it  ")

    stored = Incident.objects.get(pk=incident.pk)
    assert returned.postmortem_requested_by == bob
    assert stored.postmortem_requested_by == bob
    assert stored.postmortem_request_reason == "Learn from it"


def test_it_lets_anyone_who_can_see_a_published_incident_ask(published_postmortem, charlie):
    incident = published_postmortem.incidents.get()

    request_postmortem(actor=charlie, incident=incident)

    assert Incident.objects.get(pk=incident.pk).postmortem_requested_by == charlie


def test_it_lets_a_reviewer_role_ask_for_a_postmortem_they_can_see(approved_postmortem, rita):
    incident = approved_postmortem.incidents.get()

    request_postmortem(actor=rita, incident=incident)

    assert Incident.objects.get(pk=incident.pk).postmortem_requested_by == rita


def test_it_refuses_a_request_from_someone_who_cannot_see_the_incident(make_incident, charlie):
    incident = make_incident()

    with pytest.raises(PermissionDenied):
        request_postmortem(actor=charlie, incident=incident)

    assert Incident.objects.get(pk=incident.pk).postmortem_requested_by is None


def test_it_refuses_a_second_request(make_incident, alice, bob):
    incident = make_incident()
    request_postmortem(actor=alice, incident=incident, reason="first")

    with pytest.raises(InvalidState):
        request_postmortem(actor=bob, incident=incident, reason="second")

    stored = Incident.objects.get(pk=incident.pk)
    assert stored.postmortem_requested_by == alice
    assert stored.postmortem_request_reason == "first"


def test_it_refuses_a_request_reason_over_500_characters(make_incident, bob):
    incident = make_incident()

    with pytest.raises(ValidationError) as excinfo:
        request_postmortem(actor=bob, incident=incident, reason="x" * 501)

    assert "reason" in excinfo.value.message_dict
    assert Incident.objects.get(pk=incident.pk).postmortem_requested_by is None
