from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hansei.incidents.models import DetectionMethod, Intervention, PostmortemPolicy
from hansei.incidents.policy import (
    postmortem_is_required,
    postmortem_requirement,
)
from hansei.incidents.services import request_postmortem, update_policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def small(make_incident: Any, sev: Any) -> Any:
    """Build a small SEV3 found by an alert, resolved in 30 minutes, with ``overrides``."""

    def make(**overrides: Any) -> Any:
        now = timezone.now()
        values: dict[str, Any] = {
            "title": "Search latency blip",
            "severity": sev(3),
            "started_at": now - timedelta(minutes=40),
            "detected_at": now - timedelta(minutes=39),
            "acknowledged_at": now - timedelta(minutes=38),
            "mitigated_at": now - timedelta(minutes=20),
            "resolved_at": now - timedelta(minutes=10),
            "detection_method": DetectionMethod.ALERT,
            "downtime_minutes": None,
            "summary": "",
        }
        values.update(overrides)
        return make_incident(**values)

    return make


def _codes(incident: Any) -> list[str]:
    return [reason.code for reason in postmortem_requirement(incident).reasons]


def test_no_rule_fires_for_a_small_sev3_found_by_an_alert(small):
    incident = small()

    requirement = postmortem_requirement(incident)

    assert requirement.required is False
    assert requirement.reasons == []
    assert requirement.needed is False
    assert postmortem_is_required(incident) is False


@pytest.mark.parametrize(("level", "fires"), [(1, True), (2, True), (3, False), (4, False)])
def test_the_severity_rule_follows_the_severity_setting(small, sev, level, fires):
    incident = small(severity=sev(level))

    assert ("severity" in _codes(incident)) is fires


def test_the_severity_rule_names_the_severity(small, sev):
    [reason] = postmortem_requirement(small(severity=sev(1))).reasons

    assert reason.code == "severity"
    assert "SEV1" in reason.text


def test_a_severity_marked_as_requiring_one_fires(small, sev):
    severity = sev(3)
    severity.requires_postmortem = True
    severity.save()

    assert _codes(small(severity=severity)) == ["severity"]


@pytest.mark.parametrize(("minutes", "fires"), [(0, False), (4, False), (5, True), (600, True)])
def test_the_downtime_rule_fires_at_the_threshold(small, minutes, fires):
    incident = small(downtime_minutes=minutes)

    assert ("downtime" in _codes(incident)) is fires


def test_the_downtime_reason_gives_the_minutes_and_the_threshold(small):
    [reason] = postmortem_requirement(small(downtime_minutes=5)).reasons

    assert reason.code == "downtime"
    assert "5 min" in reason.text
    assert "threshold 5 min" in reason.text


def test_the_downtime_threshold_comes_from_the_policy(small, ada):
    update_policy(actor=ada, changes={"downtime_minutes_threshold": 30})

    assert "downtime" not in _codes(small(downtime_minutes=29))
    assert "downtime" in _codes(small(downtime_minutes=30))


def test_data_loss_fires(small):
    [reason] = postmortem_requirement(small(data_loss=True)).reasons

    assert reason.code == "data_loss"
    assert reason.text == "Data was lost"


def test_data_loss_does_not_fire_when_the_policy_turns_it_off(small, ada):
    update_policy(actor=ada, changes={"on_data_loss": False})

    assert _codes(small(data_loss=True)) == []


@pytest.mark.parametrize("kind", [k for k in Intervention.values if k])
def test_any_on_call_intervention_fires(small, kind):
    [reason] = postmortem_requirement(small(intervention=kind)).reasons

    assert reason.code == "intervention"
    assert str(Intervention(kind).label) in reason.text


def test_a_monitoring_failure_fires(small):
    [reason] = postmortem_requirement(small(monitoring_failure=True)).reasons

    assert reason.code == "monitoring_failure"
    assert reason.text == "Monitoring failed to catch it"


@pytest.mark.parametrize("method", [DetectionMethod.PERSON, DetectionMethod.CUSTOMER])
def test_detection_by_a_person_or_a_customer_is_a_monitoring_failure(small, method):
    [reason] = postmortem_requirement(small(detection_method=method)).reasons

    assert reason.code == "monitoring_failure"
    assert str(method.label).lower() in reason.text


def test_detection_by_people_does_not_fire_when_the_policy_turns_it_off(small, ada):
    update_policy(actor=ada, changes={"on_monitoring_failure": False})

    assert _codes(small(detection_method=DetectionMethod.CUSTOMER, monitoring_failure=True)) == []


@pytest.mark.parametrize(("minutes", "fires"), [(59, False), (60, True)])
def test_the_time_to_resolve_rule_fires_at_the_threshold(small, minutes, fires):
    start = timezone.now() - timedelta(hours=3)
    incident = small(
        started_at=start,
        detected_at=start,
        acknowledged_at=start,
        mitigated_at=start,
        resolved_at=start + timedelta(minutes=minutes),
    )

    assert ("time_to_resolve" in _codes(incident)) is fires


def test_the_time_to_resolve_reason_gives_the_minutes(small):
    start = timezone.now() - timedelta(hours=3)
    incident = small(
        started_at=start,
        detected_at=None,
        acknowledged_at=None,
        mitigated_at=None,
        resolved_at=start + timedelta(minutes=75),
    )

    [reason] = postmortem_requirement(incident).reasons

    assert reason.code == "time_to_resolve"
    assert "75 min" in reason.text
    assert "threshold 60 min" in reason.text


def test_an_unresolved_incident_does_not_fire_the_time_to_resolve_rule(small):
    incident = small(started_at=timezone.now() - timedelta(days=2), resolved_at=None)

    assert "time_to_resolve" not in _codes(incident)


def test_billing_impact_fires(small):
    assert _codes(small(billing_impact=True)) == ["billing_impact"]


def test_a_stakeholder_request_fires(small):
    assert _codes(small(stakeholder_request=True)) == ["stakeholder_request"]


def test_every_rule_that_fires_is_listed_in_order(small, sev):
    start = timezone.now() - timedelta(hours=3)
    incident = small(
        severity=sev(1),
        started_at=start,
        detected_at=start + timedelta(minutes=10),
        acknowledged_at=None,
        mitigated_at=None,
        resolved_at=start + timedelta(minutes=90),
        downtime_minutes=90,
        data_loss=True,
        intervention=Intervention.ROLLBACK,
        detection_method=DetectionMethod.CUSTOMER,
        billing_impact=True,
        stakeholder_request=True,
    )

    requirement = postmortem_requirement(incident)

    assert requirement.required is True
    assert [reason.code for reason in requirement.reasons] == [
        "severity",
        "downtime",
        "data_loss",
        "intervention",
        "monitoring_failure",
        "time_to_resolve",
        "billing_impact",
        "stakeholder_request",
    ]


def test_a_request_makes_it_needed_but_not_required(small, bob):
    incident = small()
    request_postmortem(actor=bob, incident=incident)

    requirement = postmortem_requirement(incident)

    assert requirement.required is False
    assert requirement.requested is True
    assert requirement.needed is True


# --- editing the policy ---------------------------------------------------------------------


def test_an_admin_changes_the_thresholds(ada):
    policy = update_policy(
        actor=ada,
        changes={
            "downtime_minutes_threshold": 15,
            "resolve_minutes_threshold": 120,
            "required_approvals": 2,
            "announcement_recipients": "eng@example.com, sre@example.com\nops@example.com",
        },
    )

    stored = PostmortemPolicy.current()
    assert policy.pk == stored.pk == 1
    assert stored.downtime_minutes_threshold == 15
    assert stored.resolve_minutes_threshold == 120
    assert stored.required_approvals == 2
    assert stored.updated_by == ada
    assert stored.recipients() == ["eng@example.com", "sre@example.com", "ops@example.com"]


def test_without_recipients_announcements_go_to_the_configured_list(settings):
    settings.HANSEI_ANNOUNCE_TO = ["all@example.com"]

    assert PostmortemPolicy.current().recipients() == ["all@example.com"]


@pytest.mark.parametrize("who", ["alice", "rita", "charlie"])
def test_only_an_admin_changes_the_policy(request, who):
    user = request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        update_policy(actor=user, changes={"downtime_minutes_threshold": 1})

    assert PostmortemPolicy.current().downtime_minutes_threshold == 5


def test_it_refuses_a_bad_email_among_the_recipients(ada):
    with pytest.raises(ValidationError) as excinfo:
        update_policy(
            actor=ada,
            changes={"announcement_recipients": "eng@example.com\nnot an address"},
        )

    assert "not an address" in excinfo.value.message_dict["announcement_recipients"][0]
    assert PostmortemPolicy.current().announcement_recipients == ""


def test_it_refuses_zero_required_approvals_and_keeps_the_other_changes_out(ada):
    with pytest.raises(ValidationError) as excinfo:
        update_policy(actor=ada, changes={"required_approvals": 0, "downtime_minutes_threshold": 9})

    assert "required_approvals" in excinfo.value.message_dict
    stored = PostmortemPolicy.current()
    assert stored.required_approvals == 1
    assert stored.downtime_minutes_threshold == 5


def test_it_refuses_unknown_policy_fields(ada):
    with pytest.raises(ValidationError):
        update_policy(actor=ada, changes={"pk": 7})

    assert PostmortemPolicy.objects.count() == 1


def test_it_refuses_a_negative_threshold(ada):
    with pytest.raises(ValidationError):
        update_policy(actor=ada, changes={"downtime_minutes_threshold": -1})

    assert PostmortemPolicy.current().downtime_minutes_threshold == 5
