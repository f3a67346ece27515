"""The action item API: adding while drafting, tracking to done after publication."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from hansei.accounts.tests.test_api import ApiClient, assert_error
from hansei.action_items.models import ActionItem, ActionStatus


def _add(api: ApiClient, postmortem: Any, **fields: Any) -> Any:
    return api.post(
        f"/postmortems/{postmortem.pk}/action-items", {"title": "Add a canary", **fields}
    )


def test_it_adds_an_action_item_with_an_owner_and_a_due_date(
    alice: Any, bob: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    due = (timezone.localdate() + timedelta(days=7)).isoformat()
    response = _add(
        ApiClient(alice),
        postmortem,
        owner="bob",
        priority="P1",
        kind="detect",
        due_date=due,
        tracking_url="https://tracker.example.com/PAY-1",
    )
    assert response.status_code == 201, response.content
    item = ActionItem.objects.get(pk=response.json()["id"])
    assert (item.owner, item.priority, item.kind, item.created_by) == (bob, "P1", "detect", alice)
    assert item.due_date.isoformat() == due


def test_it_refuses_a_due_date_in_the_past(alice: Any, make_postmortem: Any) -> None:
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    body = assert_error(_add(ApiClient(alice), make_postmortem(), due_date=yesterday), 400)
    assert body["errors"]["due_date"] == ["The due date cannot be in the past."]
    assert not ActionItem.objects.exists()


def test_it_refuses_an_unknown_owner_a_bad_priority_and_a_bad_link(
    alice: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    api = ApiClient(alice)
    assert_error(_add(api, postmortem, owner="ghost"), 400, "owner")
    assert_error(_add(api, postmortem, priority="P9"), 400, "priority")
    assert_error(_add(api, postmortem, tracking_url="javascript:alert(1)"), 400, "tracking_url")
    long_link = "https://tracker.example.com/" + "x" * 600
    assert_error(_add(api, postmortem, tracking_url=long_link), 400, "tracking_url")
    assert not ActionItem.objects.exists()


def test_it_lists_my_action_items_and_a_postmortems(
    alice: Any, bob: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    api = ApiClient(alice)
    _add(api, postmortem, owner="bob", title="Bob's")
    _add(api, postmortem, owner="alice", title="Alice's")
    assert [i["title"] for i in ApiClient(bob).get("/action-items").json()["items"]] == ["Bob's"]
    listed = api.get(f"/postmortems/{postmortem.pk}/action-items").json()
    assert sorted(i["title"] for i in listed) == ["Alice's", "Bob's"]
    everything = api.get("/action-items", owner="").json()
    assert everything["total"] == 2


def test_it_lets_the_owner_close_an_item_after_publication(
    alice: Any, rita: Any, published_postmortem: Any
) -> None:
    item = ActionItem.objects.create(postmortem=published_postmortem, title="Fix it", owner=rita)
    api = ApiClient(rita)
    assert_error(api.patch(f"/action-items/{item.pk}", {"status": "wont_do"}), 400)
    done = api.patch(f"/action-items/{item.pk}", {"status": "done"})
    assert done.status_code == 200, done.content
    item.refresh_from_db()
    assert item.status == ActionStatus.DONE and item.completed_at is not None
    assert item.title == "Fix it"


def test_it_keeps_published_action_items(alice: Any, published_postmortem: Any) -> None:
    item = ActionItem.objects.create(postmortem=published_postmortem, title="Keep me")
    assert_error(ApiClient(alice).delete(f"/action-items/{item.pk}"), 409)
    assert ActionItem.objects.filter(pk=item.pk).exists()


def test_it_deletes_a_drafts_action_item(alice: Any, make_postmortem: Any) -> None:
    created = _add(ApiClient(alice), make_postmortem())
    assert ApiClient(alice).delete(f"/action-items/{created.json()['id']}").status_code == 204
    assert not ActionItem.objects.exists()


def test_it_hides_another_teams_action_items(
    alice: Any, charlie: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    created = _add(ApiClient(alice), postmortem).json()
    api = ApiClient(charlie)
    assert_error(api.get(f"/action-items/{created['id']}"), 404)
    assert_error(api.patch(f"/action-items/{created['id']}", {"title": "Mine"}), 404)
    assert_error(api.delete(f"/action-items/{created['id']}"), 404)
    assert_error(_add(api, postmortem), 404)
    assert api.get("/action-items", owner="").json()["total"] == 0
    assert ActionItem.objects.get().title == "Add a canary"
