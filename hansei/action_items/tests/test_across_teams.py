"""The action items page across teams: filters, bulk changes and the CSV export, each
showing and changing only what the person may see and update."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from hansei.action_items.models import ActionItem
from hansei.action_items.services import ActionItemInput, add_action_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(alice: Any, bob: Any, charlie: Any, make_postmortem: Any, make_incident: Any,
          search_team: Any) -> dict[str, Any]:  # fmt: skip
    """Three payments items and one of the search team."""
    from hansei.postmortems.document.services import create_postmortem

    payments = make_postmortem(title="Checkout outage")
    soon = timezone.localdate() + timedelta(days=3)
    made = {
        "breaker": add_action_item(actor=alice, postmortem=payments, data=ActionItemInput(
            title="Add a circuit breaker", owner=bob, priority="P0", due_date=soon)),
        "alert": add_action_item(actor=alice, postmortem=payments, data=ActionItemInput(
            title='=HYPERLINK("http://evil")', owner=None, priority="P2")),
        "runbook": add_action_item(actor=alice, postmortem=payments, data=ActionItemInput(
            title="Write the runbook", owner=alice, priority="P1", status="done")),
    }  # fmt: skip
    search = create_postmortem(
        actor=charlie,
        incident=make_incident(actor=charlie, team=search_team, title="Search slow"),
    )
    made["search"] = add_action_item(actor=charlie, postmortem=search, data=ActionItemInput(
        title="Shard the index", owner=charlie, priority="P1"))  # fmt: skip
    ActionItem.objects.filter(pk=made["breaker"].pk).update(
        due_date=timezone.localdate() - timedelta(days=1)
    )
    return made


def titles(response: Any) -> set[str]:
    text = response.content.decode()
    return {t for t in ("circuit breaker", "HYPERLINK", "runbook", "Shard") if t in text}


def test_filters_combine(client, ada, items, payments):
    client.force_login(ada)
    every = client.get("/actions/?status=")  # no filter given: the "mine" preset
    assert every.status_code == 200
    assert titles(client.get(f"/actions/?team={payments.slug}")) == {
        "circuit breaker", "HYPERLINK", "runbook"}  # fmt: skip
    assert titles(client.get("/actions/?priority=P1")) == {"runbook", "Shard"}
    assert titles(client.get("/actions/?owner=nobody")) == {"HYPERLINK"}
    assert titles(client.get("/actions/?owner=bob&status=unfinished")) == {"circuit breaker"}
    assert titles(client.get("/actions/?overdue=yes")) == {"circuit breaker"}
    assert titles(client.get(f"/actions/?team={payments.slug}&status=closed")) == {"runbook"}
    assert titles(client.get("/actions/?tracker=none&priority=P0")) == {"circuit breaker"}


def test_filters_never_show_what_the_person_cannot_see(client, bob, items, search_team):
    client.force_login(bob)  # payments: not the search team's draft
    assert "Shard" not in client.get("/actions/?status=unfinished").content.decode()
    # Not even by naming its team: the team is not one of the choices.
    answer = client.get(f"/actions/?team={search_team.slug}")
    assert answer.status_code == 400 and "Shard" not in answer.content.decode()


@pytest.mark.parametrize(
    "query",
    ["priority=P9", "status=gone", "owner=nobody-by-that-name", "overdue=maybe",
     "tracker=lost", "tracker_state=%ED%A0%80", "team=" + "x" * 300, "owner=%00"],
)  # fmt: skip
def test_bad_filters_get_a_400_with_the_reason(client, ada, items, query):
    client.force_login(ada)
    answer = client.get(f"/actions/?{query}")
    assert answer.status_code == 400
    # A form error on the page (a NUL is refused before any form, in plain words).
    assert "errorlist" in answer.content.decode() or "NUL" in answer.content.decode()
    assert client.get(f"/actions/export.csv?{query}").status_code == 400


def test_bulk_update_changes_every_chosen_item_or_none(client, alice, items):
    client.force_login(alice)
    chosen = [items["breaker"].pk, items["alert"].pk]
    answer = client.post("/actions/bulk/", {
        "items": chosen, "priority": "P1", "query": "status=unfinished"})  # fmt: skip
    assert answer.status_code == 302 and answer["Location"].endswith("?status=unfinished")
    assert set(ActionItem.objects.filter(pk__in=chosen).values_list("priority", flat=True)) == {
        "P1"}  # fmt: skip
    # Won't do without a reason: refused for all, nothing changed.
    client.post("/actions/bulk/", {"items": chosen, "status": "wont_do"})
    assert not ActionItem.objects.filter(pk__in=chosen, status="wont_do").exists()
    page = client.get("/actions/?status=unfinished").content.decode()
    assert "Nothing was changed" in page
    # With a reason, both.
    client.post("/actions/bulk/", {"items": chosen, "status": "wont_do",
                                   "wont_do_reason": "Replaced by the new gateway"})  # fmt: skip
    assert ActionItem.objects.filter(pk__in=chosen, status="wont_do").count() == 2


def test_bulk_update_cannot_reach_items_the_person_cannot_update(client, bob, charlie, items):
    client.force_login(charlie)  # the search team: cannot see payments' draft items
    answer = client.post(
        "/actions/bulk/", {"items": [items["breaker"].pk, items["search"].pk], "priority": "P3"}
    )
    assert answer.status_code == 404
    assert ActionItem.objects.get(pk=items["breaker"].pk).priority == "P0"
    assert ActionItem.objects.get(pk=items["search"].pk).priority == "P1"  # all or nothing


@pytest.mark.parametrize(
    "data",
    [{}, {"items": []}, {"items": ["x"], "priority": "P1"}, {"items": ["99999999999999999999"]},
     {"items": ["$breaker"]}, {"items": ["$breaker"], "priority": "P7"},
     {"items": ["$breaker"], "due_date": "never"}],
)  # fmt: skip
def test_bad_bulk_requests_change_nothing(client, alice, items, data):
    client.force_login(alice)
    data = {k: [str(items["breaker"].pk) if v == "$breaker" else v for v in vs]
            if isinstance(vs, list) else vs for k, vs in data.items()}  # fmt: skip
    before = list(ActionItem.objects.order_by("pk").values())
    answer = client.post("/actions/bulk/", data)
    assert answer.status_code == 302
    assert list(ActionItem.objects.order_by("pk").values()) == before


def test_the_csv_export_has_the_filtered_items_and_runs_no_formulas(client, ada, items, payments):
    client.force_login(ada)
    answer = client.get(f"/actions/export.csv?team={payments.slug}&status=unfinished")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/csv")
    text = b"".join(answer.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {row["title"] for row in rows} == {
        "Add a circuit breaker",
        '\'=HYPERLINK("http://evil")',
    }
    breaker = next(row for row in rows if row["priority"] == "P0")
    assert (breaker["owner"], breaker["overdue"], breaker["team"]) == ("bob", "yes", "Payments")
    assert breaker["url"].endswith(f"/actions/{items['breaker'].pk}/edit/")


def test_the_csv_export_shows_only_what_the_person_may_see(client, bob, items):
    client.force_login(bob)
    answer = client.get("/actions/export.csv?status=unfinished")
    text = b"".join(answer.streaming_content).decode("utf-8-sig")
    assert "Shard the index" not in text and "Add a circuit breaker" in text


# --- the same through the API ------------------------------------------------------------------


def test_the_api_filters_like_the_page(ada, items, payments):
    from hansei.accounts.tests.test_api import ApiClient

    api = ApiClient(ada)
    found = api.get("/action-items", owner="", team=payments.slug, status="unfinished").json()
    assert {i["title"] for i in found["items"]} == {
        "Add a circuit breaker", '=HYPERLINK("http://evil")'}  # fmt: skip
    assert found["items"][0]["tracker"] is None
    assert api.get("/action-items", owner="nobody").json()["total"] == 1
    assert api.get("/action-items", owner="", tracker="linked").json()["total"] == 0
    for bad in ({"team": "nope"}, {"priority": "P9"}, {"tracker": "x"}, {"status": "gone"},
                {"tracker_state": "x" * 101}, {"owner": "nobody-at-all"}):  # fmt: skip
        answer = api.get("/action-items", **bad)
        assert answer.status_code == 400, bad
        assert next(iter(bad)) in answer.json()["errors"]


def test_the_api_bulk_update_is_all_or_nothing(alice, charlie, items):
    from hansei.accounts.tests.test_api import ApiClient

    api = ApiClient(alice)
    chosen = [items["breaker"].pk, items["alert"].pk]
    answer = api.post("/action-items/bulk", {"items": chosen, "priority": "P3", "owner": "bob"})
    assert answer.status_code == 200, answer.json()
    assert {(i["priority"], i["owner"]) for i in answer.json()} == {("P3", "bob")}
    answer = api.post("/action-items/bulk", {"items": chosen, "status": "wont_do"})
    assert answer.status_code == 400 and "Say why" in answer.json()["detail"]
    assert not ActionItem.objects.filter(status="wont_do").exists()
    # Someone else's item, unseen: 404, nothing changed.
    other = ApiClient(charlie)
    answer = other.post("/action-items/bulk", {"items": chosen, "priority": "P0"})
    assert answer.status_code == 404
    assert ActionItem.objects.get(pk=chosen[0]).priority == "P3"


@pytest.mark.parametrize(
    "body",
    [{}, {"items": []}, {"items": [1]}, {"items": [2**70], "priority": "P1"},
     {"items": [-1], "priority": "P1"}, {"items": "1", "priority": "P1"},
     {"items": [1] * 201, "priority": "P1"}, {"items": [1], "priority": None},
     {"items": [1], "owner": "\ud800"}, {"items": [{"a": []}], "priority": "P1"}],
)  # fmt: skip
def test_bad_api_bulk_requests_get_a_4xx_and_change_nothing(alice, items, body):
    from hansei.accounts.tests.test_api import ApiClient

    before = list(ActionItem.objects.order_by("pk").values())
    answer = ApiClient(alice).post("/action-items/bulk", body)
    assert 400 <= answer.status_code < 500, answer.content
    assert list(ActionItem.objects.order_by("pk").values()) == before


def test_the_api_exports_csv(ada, items):
    from hansei.accounts.tests.test_api import ApiClient

    answer = ApiClient(ada).get("/action-items/export.csv", status="closed")
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(answer.streaming_content).decode("utf-8-sig"))))
    assert [row["title"] for row in rows] == ["Write the runbook"]
