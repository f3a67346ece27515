"""Reading the audit log: admins only, on a page, through the API and as JSON lines; nobody
changes or deletes an entry through the product."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from hansei.accounts.tests.test_api import ApiClient, assert_error
from hansei.core import audit
from hansei.core.models import AppendOnlyError, AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(ada: Any, alice: Any, payments: Any) -> list[AuditEvent]:
    role = {"role": audit.change("member", "admin")}
    name = {"name": audit.change("P", "Payments")}
    made = [
        audit.record("user.role_changed", actor=ada, target=alice, changes=role),
        audit.record("team.changed", actor=ada, target=payments, changes=name),
        audit.record("auth.sign_in_failed", actor_name="mallory", target_name="mallory"),
    ]
    audit.record("auth.signed_in", actor=alice, target=alice, detail="password")
    return made


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_admins_read_and_filter_the_log_on_its_page(ada: Any, entries: Any) -> None:
    page = _client(ada).get("/audit/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Role changed" in html and "member → admin" in html and "mallory" in html

    people = _client(ada).get("/audit/", {"action": "user"}).content.decode()
    assert "<strong>Role changed</strong>" in people
    assert "<strong>Team changed</strong>" not in people
    by_actor = _client(ada).get("/audit/", {"actor": "mallory"}).content.decode()
    assert "<strong>Failed sign-in</strong>" in by_actor
    assert "<strong>Role changed</strong>" not in by_actor


def test_a_bad_filter_is_a_form_error_not_a_server_error(ada: Any) -> None:
    response = _client(ada).get("/audit/", {"since": "2026-13-40", "action": "nope"})
    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()
    response = _client(ada).get("/audit/", {"since": "2026-02-01", "until": "2026-01-01"})
    assert response.status_code == 400


def test_days_beyond_any_time_kept_bound_nothing(ada: Any, entries: Any) -> None:
    extremes = {"since": "0001-01-01", "until": "9999-12-31"}
    page = _client(ada).get("/audit/", extremes)
    assert page.status_code == 200 and "mallory" in page.content.decode()
    api = ApiClient(ada)
    assert api.get("/audit-events", **extremes).json()["total"] == AuditEvent.objects.count()
    export = _client(ada).get("/audit/export.jsonl", extremes)
    actions = {
        json.loads(line)["action"] for line in b"".join(export.streaming_content).splitlines()
    }
    assert {"user.role_changed", "team.changed", "auth.sign_in_failed"} <= actions


def test_nobody_else_reads_the_log(alice: Any, rita: Any, entries: Any) -> None:
    for user in (alice, rita):
        assert _client(user).get("/audit/").status_code == 403
        assert _client(user).get("/audit/export.jsonl").status_code == 403
        assert_error(ApiClient(user).get("/audit-events"), 403)
        assert_error(ApiClient(user).get("/audit-events/export"), 403)
    assert Client().get("/audit/").status_code == 302  # to the sign-in page
    assert Client().get("/api/v1/audit-events").status_code == 401


def test_the_api_pages_and_filters_the_log(ada: Any, entries: Any) -> None:
    api = ApiClient(ada)  # its token's creation is the newest entry
    page = api.get("/audit-events", limit=2).json()
    assert page["total"] == 5 and len(page["items"]) == 2
    assert [e["action"] for e in page["items"]] == ["token.created", "auth.signed_in"]
    failed = api.get("/audit-events", action="auth.sign_in_failed").json()["items"]
    assert [(e["actor"], e["actor_id"]) for e in failed] == [("mallory", None)]
    today = timezone.localdate()
    window = api.get("/audit-events", since=str(today), until=str(today)).json()
    assert window["total"] == 5
    later = api.get("/audit-events", since=str(today + timedelta(days=1))).json()
    assert later["total"] == 0
    assert_error(api.get("/audit-events", since="not a date"), 422, "since")


def test_the_export_is_json_lines_oldest_first_and_is_itself_recorded(
    ada: Any, entries: Any
) -> None:
    response = _client(ada).get("/audit/export.jsonl", {"action": "team"})
    assert response["Content-Type"].startswith("application/x-ndjson")
    assert response["Content-Disposition"].startswith("attachment;")
    lines = b"".join(response.streaming_content).decode().splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["action"] for r in records] == ["team.changed"]
    assert records[0]["changes"] == {"name": {"from": "P", "to": "Payments"}}
    [noted] = AuditEvent.objects.filter(action="audit.exported")
    assert noted.actor == ada and noted.changes == {"filter": {"action": "team"}}

    api = ApiClient(ada).get("/audit-events/export")
    lines = b"".join(api.streaming_content).decode().splitlines()
    actions = [json.loads(line)["action"] for line in lines]
    assert actions[0] == "user.role_changed" and "audit.exported" in actions


def test_entries_cannot_be_changed_or_deleted(entries: list[AuditEvent]) -> None:
    entry = entries[0]
    entry.detail = "rewritten"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=entry.pk).update(detail="rewritten")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=entry.pk).detail == ""


def test_the_admin_site_does_not_offer_the_log(ada: Any, entries: Any) -> None:
    assert _client(ada).get("/admin/core/auditevent/").status_code == 404
