"""The incident API: recording, reading, the requirement decision, starting postmortems, policy."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from hansei.accounts.tests.test_api import ApiClient, assert_error
from hansei.incidents.models import Incident, PostmortemPolicy
from hansei.postmortems.document.models import Postmortem


def _iso(hours_ago: float) -> str:
    return (timezone.now() - timedelta(hours=hours_ago)).isoformat()


def _incident(**overrides: Any) -> dict[str, Any]:
    return {
        "title": "Search results were empty",
        "severity": "3",
        "team": "payments",
        "started_at": _iso(2),
        "detected_at": _iso(1.5),
        "resolved_at": _iso(1),
        **overrides,
    }


def test_it_records_an_incident_with_services_and_people(
    alice: Any, bob: Any, checkout: Any
) -> None:
    response = ApiClient(alice).post(
        "/incidents",
        _incident(services=["checkout"], commander="bob", responders=["alice", "bob"]),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    incident = Incident.objects.get(pk=body["id"])
    assert (incident.severity.name, incident.team.slug) == ("SEV3", "payments")
    assert incident.commander == bob and incident.created_by == alice
    assert sorted(u.username for u in incident.responders.all()) == ["alice", "bob"]
    assert body["services"] == ["checkout"] and body["status"] == "resolved"
    assert body["figures"]["time_to_detect"]["text"] == "30m"


def test_it_refuses_to_record_an_incident_for_another_team(charlie: Any, payments: Any) -> None:
    body = assert_error(ApiClient(charlie).post("/incidents", _incident()), 403)
    assert "your own teams" in body["detail"]
    assert not Incident.objects.exists()


def test_it_names_unknown_people_teams_and_services(alice: Any) -> None:
    api = ApiClient(alice)
    body = assert_error(api.post("/incidents", _incident(responders=["zed"])), 400, "responders")
    assert "zed" in body["detail"]
    assert_error(api.post("/incidents", _incident(commander="zed")), 400, "commander")
    assert_error(api.post("/incidents", _incident(team="nope")), 400, "team")
    assert_error(api.post("/incidents", _incident(services=["nope"])), 400, "services")
    assert_error(api.post("/incidents", _incident(severity="SEV9")), 400, "severity")
    assert not Incident.objects.exists()


def test_it_refuses_milestones_out_of_order(alice: Any) -> None:
    response = ApiClient(alice).post(
        "/incidents", _incident(started_at=_iso(1), detected_at=_iso(2), resolved_at=None)
    )
    body = assert_error(response, 400, "detected_at")
    assert "before" in body["errors"]["detected_at"][0]
    assert not Incident.objects.exists()


def test_it_refuses_a_milestone_in_the_future(alice: Any) -> None:
    response = ApiClient(alice).post("/incidents", _incident(resolved_at=_iso(-2)))
    assert_error(response, 400, "resolved_at")
    assert not Incident.objects.exists()


def test_it_refuses_a_time_it_cannot_keep(alice: Any) -> None:
    api = ApiClient(alice)
    for moment in ("0001-01-01T00:00:00+14:00", "1899-12-31T23:00:00Z", "0001-01-01T00:00:00"):
        body = assert_error(api.post("/incidents", _incident(started_at=moment)), 400)
        assert "from 1900 to 9998" in body["detail"]
    assert not Incident.objects.exists()


def test_it_answers_400_for_malformed_json_and_saves_nothing(alice: Any) -> None:
    response = ApiClient(alice).post("/incidents", raw='{"title": "Half a body", ')
    body = assert_error(response, 400)
    assert body["detail"] == "The request body is not valid JSON."
    assert not Incident.objects.exists()


def test_it_answers_422_for_a_malformed_time(alice: Any) -> None:
    body = assert_error(
        ApiClient(alice).post("/incidents", _incident(started_at="last tuesday")),
        422,
        "started_at",
    )
    assert "started_at" in body["detail"]


def test_it_lists_only_incidents_the_user_can_see(
    alice: Any, charlie: Any, make_incident: Any
) -> None:
    make_incident()
    make_incident(title="Still burning", mitigated_at=None, resolved_at=None)
    mine = ApiClient(alice).get("/incidents").json()
    assert mine["total"] == 2
    active = ApiClient(alice).get("/incidents", status="active").json()
    assert [i["title"] for i in active["items"]] == ["Still burning"]
    assert ApiClient(charlie).get("/incidents").json() == {
        "items": [],
        "total": 0,
        "limit": 50,
        "offset": 0,
    }


def test_it_answers_404_for_another_teams_incident(charlie: Any, make_incident: Any) -> None:
    incident = make_incident()
    api = ApiClient(charlie)
    assert_error(api.get(f"/incidents/{incident.pk}"), 404)
    assert_error(api.patch(f"/incidents/{incident.pk}", {"title": "Mine now"}), 404)
    assert_error(api.post(f"/incidents/{incident.pk}/postmortem", {}), 404)
    assert Incident.objects.get(pk=incident.pk).title == incident.title


def test_it_changes_only_the_fields_sent(bob: Any, make_incident: Any) -> None:
    incident = make_incident()
    response = ApiClient(bob).patch(f"/incidents/{incident.pk}", {"title": "Checkout 500s"})
    assert response.status_code == 200, response.content
    updated = Incident.objects.get(pk=incident.pk)
    assert updated.title == "Checkout 500s"
    assert updated.downtime_minutes == incident.downtime_minutes
    assert updated.detected_at == incident.detected_at


def test_it_keeps_an_incident_unchanged_when_a_change_is_invalid(
    bob: Any, make_incident: Any
) -> None:
    incident = make_incident()
    api = ApiClient(bob)
    late = (incident.resolved_at + timedelta(minutes=1)).isoformat()
    response = api.patch(f"/incidents/{incident.pk}", {"title": "New", "detected_at": late})
    assert_error(response, 400, "acknowledged_at")
    assert_error(api.patch(f"/incidents/{incident.pk}", {"title": None}), 422, "title")
    assert Incident.objects.get(pk=incident.pk).title == incident.title


def test_it_explains_why_a_postmortem_is_required(alice: Any, make_incident: Any, sev: Any) -> None:
    incident = make_incident(severity=sev(3), downtime_minutes=2, resolved_at=None)
    api = ApiClient(alice)
    assert api.get(f"/incidents/{incident.pk}/requirement").json() == {
        "required": False,
        "requested": False,
        "needed": False,
        "reasons": [],
    }
    requested = api.post(f"/incidents/{incident.pk}/postmortem-request", {"reason": "Learn"})
    assert requested.status_code == 200
    assert requested.json()["postmortem_requested_by"] == "alice"
    decision = api.get(f"/incidents/{incident.pk}/requirement").json()
    assert decision["needed"] is True and decision["requested"] is True
    again = api.post(f"/incidents/{incident.pk}/postmortem-request", {"reason": "Again"})
    assert_error(again, 409)
    assert Incident.objects.get(pk=incident.pk).postmortem_request_reason == "Learn"


def test_it_starts_one_postmortem_per_incident(alice: Any, bob: Any, make_incident: Any) -> None:
    incident = make_incident()
    api = ApiClient(alice)
    started = api.post(f"/incidents/{incident.pk}/postmortem", {"owner": "bob"})
    assert started.status_code == 201, started.content
    postmortem = Postmortem.objects.get(pk=started.json()["id"])
    assert postmortem.owner == bob and postmortem.incidents.get() == incident
    assert started.json()["sections"][0]["key"] == "summary"
    assert_error(api.post(f"/incidents/{incident.pk}/postmortem", {}), 409)
    assert Postmortem.objects.count() == 1


def test_it_refuses_to_start_a_postmortem_due_in_the_past(alice: Any, make_incident: Any) -> None:
    incident = make_incident()
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = ApiClient(alice).post(
        f"/incidents/{incident.pk}/postmortem", {"due_date": yesterday}
    )
    assert_error(response, 400, "due_date")
    assert not Postmortem.objects.exists()
    assert Incident.objects.get(pk=incident.pk).postmortem_id is None


def test_it_shows_the_policy_to_everyone_but_lets_only_admins_change_it(
    alice: Any, ada: Any
) -> None:
    assert ApiClient(alice).get("/policy").json()["downtime_minutes_threshold"] == 5
    assert_error(ApiClient(alice).patch("/policy", {"downtime_minutes_threshold": 1}), 403)
    assert PostmortemPolicy.current().downtime_minutes_threshold == 5
    admin = ApiClient(ada)
    changed = admin.patch("/policy", {"downtime_minutes_threshold": 10, "required_approvals": 2})
    assert changed.status_code == 200, changed.content
    assert changed.json()["updated_by"]["username"] == "ada"
    policy = PostmortemPolicy.current()
    assert (policy.downtime_minutes_threshold, policy.required_approvals) == (10, 2)
    bad = admin.patch("/policy", {"announcement_recipients": "ops@example.com, not-an-address"})
    assert_error(bad, 400, "announcement_recipients")
    assert PostmortemPolicy.current().announcement_recipients == ""


def test_it_lists_severities_in_order(alice: Any) -> None:
    severities = ApiClient(alice).get("/severities").json()
    assert [s["name"] for s in severities] == ["SEV1", "SEV2", "SEV3", "SEV4"]


def test_it_lets_only_admins_change_a_severity(alice: Any, ada: Any, sev: Any) -> None:
    assert_error(ApiClient(alice).patch("/severities/3", {"requires_postmortem": True}), 403)
    assert sev(3).requires_postmortem is False
    changed = ApiClient(ada).patch("/severities/3", {"requires_postmortem": True, "due_days": 4})
    assert changed.status_code == 200, changed.content
    assert (sev(3).requires_postmortem, sev(3).due_days) == (True, 4)
    assert_error(ApiClient(ada).patch("/severities/3", {"name": "SEV1"}), 400, "name")
    assert_error(ApiClient(ada).patch("/severities/9", {"due_days": 1}), 404)
