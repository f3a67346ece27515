"""The postmortem API: the whole lifecycle over HTTP, sections, timeline, publishing, export."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from hansei.accounts.tests.test_api import ApiClient, assert_error
from hansei.conftest import FULL_CHECKLIST
from hansei.incidents.models import Incident
from hansei.postmortems.document.models import MAX_SECTION_CHARS, Postmortem, Revision, Status
from hansei.postmortems.template_library.models import Template


def _iso(hours_ago: float) -> str:
    return (timezone.now() - timedelta(hours=hours_ago)).isoformat()


def test_it_takes_an_incident_to_a_published_postmortem_through_the_api(
    alice: Any, bob: Any, rita: Any, checkout: Any
) -> None:
    api, reviewer = ApiClient(alice), ApiClient(rita)

    created = api.post(
        "/incidents",
        {
            "title": "Checkout API returned 500s",
            "severity": "SEV2",
            "team": "payments",
            "services": ["checkout"],
            "commander": "alice",
            "responders": ["bob"],
            "started_at": _iso(3),
            "detected_at": _iso(2.9),
            "mitigated_at": _iso(2),
            "resolved_at": _iso(1),
            "detection_method": "customer",
            "downtime_minutes": 50,
        },
    )
    assert created.status_code == 201, created.content
    incident_id = created.json()["id"]
    assert created.json()["figures"]["time_to_resolve"]["seconds"] == 2 * 3600

    requirement = api.get(f"/incidents/{incident_id}/requirement").json()
    assert requirement["required"] is True
    codes = {r["code"] for r in requirement["reasons"]}
    assert {"severity", "downtime", "monitoring_failure", "time_to_resolve"} <= codes

    started = api.post(f"/incidents/{incident_id}/postmortem", {})
    assert started.status_code == 201, started.content
    pm = started.json()
    pk = pm["id"]
    assert Incident.objects.get(pk=incident_id).postmortem_id == pk
    assert pm["status"] == "draft" and pm["owner"]["username"] == "alice"
    assert "checkout" in pm["incidents"][0]["services"]
    assert any(e["kind"] == "milestone" for e in pm["timeline"])

    section = api.put(f"/postmortems/{pk}/sections/root_causes", {"body": "A config push."})
    assert section.status_code == 200, section.content
    entry = api.post(
        f"/postmortems/{pk}/timeline",
        {"occurred_at": _iso(2.5), "text": "Config rolled back", "kind": "action"},
    )
    assert entry.status_code == 201, entry.content
    item = api.post(
        f"/postmortems/{pk}/action-items",
        {"title": "Validate configs before pushing", "owner": "bob", "priority": "P1"},
    )
    assert item.status_code == 201, item.content

    refused = api.post(f"/postmortems/{pk}/submit", {"reviewers": ["rita"]})
    assert refused.status_code == 400 and "“Trigger”" in refused.json()["detail"]
    for key in ("summary", "trigger", "resolution", "detection"):
        written = api.put(f"/postmortems/{pk}/sections/{key}", {"body": f"The {key}."})
        assert written.status_code == 200, written.content
    submitted = api.post(f"/postmortems/{pk}/submit", {"reviewers": ["rita"]})
    assert submitted.status_code == 201, submitted.content
    [first_review] = submitted.json()
    assert [r["id"] for r in reviewer.get("/reviews").json()] == [first_review["id"]]

    changes = reviewer.post(
        f"/reviews/{first_review['id']}/request-changes",
        {"comment": "Go deeper than the config push: why was it possible?"},
    )
    assert changes.status_code == 200, changes.content
    assert Postmortem.objects.get(pk=pk).status == Status.DRAFT

    fixed = api.put(
        f"/postmortems/{pk}/sections/root_causes",
        {"body": "A config push met a validator that skipped unknown keys."},
    )
    assert fixed.status_code == 200
    resubmitted = api.post(f"/postmortems/{pk}/submit", {"reviewers": ["rita"]})
    [second_review] = resubmitted.json()
    assert second_review["round"] == 2

    approved = reviewer.post(
        f"/reviews/{second_review['id']}/approve",
        {"checklist": FULL_CHECKLIST, "comment": "Thorough."},
    )
    assert approved.status_code == 200, approved.content
    assert approved.json()["decision"] == "approved"
    assert api.get(f"/postmortems/{pk}").json()["publish_blockers"] == []

    published = api.post(f"/postmortems/{pk}/publish", {})
    assert published.status_code == 201, published.content
    assert published.json()["number"] == 1
    postmortem = Postmortem.objects.get(pk=pk)
    assert postmortem.status == Status.PUBLISHED and postmortem.published_at is not None

    revisions = api.get(f"/postmortems/{pk}/revisions").json()
    assert [r["number"] for r in revisions] == [1]
    frozen = api.get(f"/postmortems/{pk}/revisions/1").json()["snapshot"]
    bodies = {s["key"]: s["body"] for s in frozen["sections"]}
    assert "validator that skipped unknown keys" in bodies["root_causes"]
    assert frozen["action_items"][0]["title"] == "Validate configs before pushing"


def test_it_refuses_to_publish_an_unreviewed_postmortem(alice: Any, make_postmortem: Any) -> None:
    postmortem = make_postmortem()
    body = assert_error(ApiClient(alice).post(f"/postmortems/{postmortem.pk}/publish", {}), 409)
    assert "approved" in body["detail"]
    postmortem.refresh_from_db()
    assert postmortem.status == Status.DRAFT and postmortem.published_at is None
    assert not Revision.objects.exists()


def test_it_keeps_the_old_section_body_when_the_new_one_is_too_long(
    alice: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    api = ApiClient(alice)
    url = f"/postmortems/{postmortem.pk}/sections/root_causes"
    assert api.put(url, {"body": "Kept."}).status_code == 200
    body = assert_error(api.put(url, {"body": "x" * (MAX_SECTION_CHARS + 1)}), 400, "body")
    assert "too long" in body["detail"]
    assert postmortem.sections.get(key="root_causes").body == "Kept."


def test_it_answers_404_for_an_unknown_section(alice: Any, make_postmortem: Any) -> None:
    postmortem = make_postmortem()
    url = f"/postmortems/{postmortem.pk}/sections/no_such_section"
    assert_error(ApiClient(alice).put(url, {"body": "x"}), 404)


def test_it_hides_a_draft_from_another_team(alice: Any, charlie: Any, make_postmortem: Any) -> None:
    postmortem = make_postmortem()
    api = ApiClient(charlie)
    assert_error(api.get(f"/postmortems/{postmortem.pk}"), 404)
    assert api.get("/postmortems").json()["total"] == 0
    url = f"/postmortems/{postmortem.pk}/sections/summary"
    body = assert_error(api.put(url, {"body": "Charlie was here."}), 404)
    assert body["detail"] == "Not found."
    assert "Charlie" not in postmortem.sections.get(key="summary").body


def test_it_lets_everyone_read_but_not_change_a_published_postmortem(
    charlie: Any, published_postmortem: Any
) -> None:
    api = ApiClient(charlie)
    detail = api.get(f"/postmortems/{published_postmortem.pk}")
    assert detail.status_code == 200
    assert detail.json()["can_edit"] is False
    assert_error(api.post(f"/postmortems/{published_postmortem.pk}/amendment"), 403)
    published_postmortem.refresh_from_db()
    assert published_postmortem.status == Status.PUBLISHED


def test_it_lets_a_teammate_change_the_details_but_not_to_a_past_due_date(
    bob: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    api = ApiClient(bob)
    url = f"/postmortems/{postmortem.pk}"
    changed = api.patch(url, {"title": "Checkout outage", "owner": "bob"})
    assert changed.status_code == 200, changed.content
    postmortem.refresh_from_db()
    assert (postmortem.title, postmortem.owner) == ("Checkout outage", bob)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert_error(api.patch(url, {"due_date": yesterday}), 400, "due_date")
    assert_error(api.patch(url, {"owner": "nobody"}), 400, "owner")
    postmortem.refresh_from_db()
    assert postmortem.due_date >= timezone.localdate() and postmortem.owner == bob


def test_it_adds_changes_and_deletes_timeline_entries(alice: Any, make_postmortem: Any) -> None:
    postmortem = make_postmortem()
    api = ApiClient(alice)
    url = f"/postmortems/{postmortem.pk}/timeline"
    added = api.post(url, {"occurred_at": "2024-05-01T10:00:00", "text": "Page fired"})
    assert added.status_code == 201, added.content
    entry = postmortem.timeline.get(pk=added.json()["id"])
    assert entry.occurred_at.isoformat() == "2024-05-01T10:00:00+00:00"

    changed = api.patch(f"{url}/{entry.pk}", {"text": "Page fired for 5xx", "is_key_event": True})
    assert changed.status_code == 200, changed.content
    entry.refresh_from_db()
    assert (entry.text, entry.is_key_event) == ("Page fired for 5xx", True)

    assert_error(api.patch(f"{url}/{entry.pk}", {"kind": "gossip"}), 400, "kind")
    assert_error(api.post(url, {"occurred_at": "2024-05-01T10:00:00", "text": " "}), 400, "text")
    assert_error(api.post(url, {"occurred_at": "yesterday", "text": "x"}), 422, "occurred_at")

    assert api.delete(f"{url}/{entry.pk}").status_code == 204
    assert not postmortem.timeline.filter(pk=entry.pk).exists()


def test_it_refuses_to_edit_a_postmortem_in_review(
    alice: Any, rita: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    api = ApiClient(alice)
    assert api.post(f"/postmortems/{postmortem.pk}/submit", {"reviewers": ["rita"]}).status_code
    url = f"/postmortems/{postmortem.pk}/sections/summary"
    before = postmortem.sections.get(key="summary").body
    assert_error(api.put(url, {"body": "Late change"}), 409)
    assert postmortem.sections.get(key="summary").body == before


def test_it_amends_a_published_postmortem_with_a_change_note(
    alice: Any, rita: Any, published_postmortem: Any
) -> None:
    api, reviewer = ApiClient(alice), ApiClient(rita)
    pk = published_postmortem.pk
    amended = api.post(f"/postmortems/{pk}/amendment")
    assert amended.status_code == 200 and amended.json()["status"] == "draft"
    [review] = api.post(f"/postmortems/{pk}/submit", {"reviewers": ["rita"]}).json()
    reviewer.post(f"/reviews/{review['id']}/approve", {"checklist": FULL_CHECKLIST})
    assert_error(api.post(f"/postmortems/{pk}/publish", {}), 400, "change_note")
    assert Revision.objects.filter(postmortem_id=pk).count() == 1
    second = api.post(f"/postmortems/{pk}/publish", {"change_note": "Added the trigger."})
    assert second.status_code == 201 and second.json()["number"] == 2
    assert [r["number"] for r in api.get(f"/postmortems/{pk}/revisions").json()] == [2, 1]


def test_it_exports_markdown_and_json(alice: Any, published_postmortem: Any) -> None:
    api = ApiClient(alice)
    pk = published_postmortem.pk
    markdown = api.get(f"/postmortems/{pk}/export", format="markdown")
    assert markdown.status_code == 200
    assert markdown["Content-Type"].startswith("text/markdown")
    assert markdown.content.decode().startswith(f"# {published_postmortem.title}")
    exported = api.get(f"/postmortems/{pk}/export", format="json", revision=1)
    assert exported.status_code == 200
    assert exported.json()["id"] == pk
    assert_error(api.get(f"/postmortems/{pk}/export", revision=7), 404)
    assert_error(api.get(f"/postmortems/{pk}/export", format="pdf"), 422, "format")


def test_it_lets_only_admins_write_templates(alice: Any, ada: Any) -> None:
    template = {
        "name": "Short form",
        "sections": [
            {"title": "What happened", "required": True},
            {"title": "Actions", "kind": "action_items"},
        ],
    }
    assert_error(ApiClient(alice).post("/templates", template), 403)
    admin = ApiClient(ada)
    created = admin.post("/templates", template)
    assert created.status_code == 201, created.content
    saved = Template.objects.get(name="Short form")
    assert [s.key for s in saved.sections.all()] == ["what-happened", "actions"]
    bad = admin.put(f"/templates/{saved.pk}", {**template, "sections": [{"title": " "}]})
    assert_error(bad, 400, "sections")
    assert saved.sections.count() == 2
    assert "Short form" in [t["name"] for t in ApiClient(alice).get("/templates").json()]


def test_it_sends_outside_readers_to_the_published_revision_during_an_amendment(
    client: Any, alice: Any, charlie: Any, rita: Any, published_postmortem: Any
) -> None:
    from hansei.postmortems.document.services import start_amendment, update_section

    start_amendment(actor=alice, postmortem=published_postmortem)
    section = published_postmortem.sections.get(key="summary")
    update_section(actor=alice, section=section, body="UNREVIEWED AMENDMENT WORDING")
    pk = published_postmortem.pk

    client.force_login(charlie)
    response = client.get(f"/api/v1/postmortems/{pk}")
    assert response.status_code == 200  # the documented document, as revision 1 published it
    assert response.json()["revision"] == 1
    assert "UNREVIEWED AMENDMENT WORDING" not in response.content.decode()
    exported = client.get(f"/api/v1/postmortems/{pk}/export?format=markdown")
    assert "UNREVIEWED AMENDMENT WORDING" not in exported.content.decode()

    client.force_login(rita)  # a reviewer of this postmortem reads the draft under review
    response = client.get(f"/api/v1/postmortems/{pk}")
    assert response.status_code == 200
    assert "UNREVIEWED AMENDMENT WORDING" in response.content.decode()


def test_it_keeps_a_timeline_link_through_the_api_and_publication(
    client: Any, alice: Any, make_postmortem: Any
) -> None:
    from hansei.postmortems.document.snapshot import build_snapshot, snapshot_to_markdown

    postmortem = make_postmortem()
    client.force_login(alice)
    url = f"/api/v1/postmortems/{postmortem.pk}/timeline"
    entry = {
        "occurred_at": "2026-11-01T10:00:00Z",
        "text": "Error rate graph",
        "link_url": "javascript:alert(1)",
    }
    assert client.post(url, entry, content_type="application/json").status_code == 400
    entry["link_url"] = "https://grafana.example.com/d/abc"
    response = client.post(url, entry, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["link_url"] == "https://grafana.example.com/d/abc"
    snapshot = build_snapshot(postmortem)
    [linked] = [e for e in snapshot["timeline"] if e["text"] == "Error rate graph"]
    assert linked["link_url"] == "https://grafana.example.com/d/abc"
    assert "<https://grafana.example.com/d/abc>" in snapshot_to_markdown(snapshot)
