"""Tracking action items to done, from the list and the postmortem."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from hansei.accounts.tests.test_api import ApiClient
from hansei.action_items.models import ActionItem
from hansei.action_items.services import ActionItemInput, add_action_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(alice: Any, bob: Any, make_postmortem: Any) -> Any:
    postmortem = make_postmortem()
    return add_action_item(
        actor=alice,
        postmortem=postmortem,
        data=ActionItemInput(title="Cap retries with a budget", owner=bob, priority="P1"),
    )


def _edit_data(item: Any, **changes: Any) -> dict[str, Any]:
    data = {
        "title": item.title,
        "kind": item.kind,
        "owner": item.owner_id,
        "priority": item.priority,
        "status": item.status,
    }
    data.update(changes)
    return data


def test_it_lists_my_open_items(client: Any, bob: Any, item: Any) -> None:
    client.force_login(bob)
    page = client.get(reverse("action_items:list")).content.decode()
    assert "Cap retries with a budget" in page


def test_it_needs_a_reason_to_close_as_wont_do(client: Any, bob: Any, item: Any) -> None:
    client.force_login(bob)
    url = reverse("action_items:edit", args=[item.pk])
    response = client.post(url, _edit_data(item, status="wont_do"))
    assert response.status_code == 400
    assert "Say why" in response.content.decode()
    item.refresh_from_db()
    assert item.status == "open"
    response = client.post(url, _edit_data(item, status="wont_do", wont_do_reason="Superseded"))
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.wont_do_reason) == ("wont_do", "Superseded")


def test_it_lets_the_owner_mark_it_done_after_publication(
    client: Any, bob: Any, alice: Any, rita: Any, item: Any, full_checklist: Any
) -> None:
    from hansei.postmortems.document.services import publish_postmortem
    from hansei.reviews.services import approve_review, submit_for_review

    [review] = submit_for_review(actor=alice, postmortem=item.postmortem, reviewers=[rita])
    approve_review(actor=rita, review=review, checklist=full_checklist)
    publish_postmortem(actor=alice, postmortem=item.postmortem)
    client.force_login(bob)
    response = client.post(
        reverse("action_items:edit", args=[item.pk]), _edit_data(item, status="done", next="list")
    )
    assert response.headers["Location"] == reverse("action_items:list")
    item.refresh_from_db()
    assert item.status == "done" and item.completed_at is not None


def test_it_refuses_a_javascript_tracking_link(client: Any, bob: Any, item: Any) -> None:
    client.force_login(bob)
    response = client.post(
        reverse("action_items:edit", args=[item.pk]),
        _edit_data(item, tracking_url="javascript:alert(1)"),
    )
    assert response.status_code == 400
    item.refresh_from_db()
    assert item.tracking_url == ""


def test_it_hides_items_of_other_teams(client: Any, charlie: Any, item: Any) -> None:
    client.force_login(charlie)
    assert client.get(reverse("action_items:edit", args=[item.pk])).status_code == 404
    assert (
        "Cap retries"
        not in client.get(reverse("action_items:list") + "?show=open").content.decode()
    )


def test_an_owner_outside_the_team_tracks_their_item_on_the_pages_as_in_the_api(
    client: Any, alice: Any, charlie: Any, make_postmortem: Any
) -> None:
    item = add_action_item(
        actor=alice,
        postmortem=make_postmortem(),
        data=ActionItemInput(title="Add a retry budget to search", owner=charlie),
    )
    client.force_login(charlie)

    listed = client.get(reverse("action_items:list")).content.decode()
    edit_page = client.get(reverse("action_items:edit", args=[item.pk]))
    saved = client.post(
        reverse("action_items:edit", args=[item.pk]), _edit_data(item, status="in_progress")
    )
    api = ApiClient(charlie).patch(f"/action-items/{item.pk}", {"status": "done"})

    assert "Add a retry budget to search" in listed
    assert reverse("postmortems:detail", args=[item.postmortem_id]) not in listed
    assert edit_page.status_code == 200
    assert (
        reverse("postmortems:detail", args=[item.postmortem_id]) not in edit_page.content.decode()
    )
    # Saved, and sent back to their own items: the postmortem itself is not theirs to read.
    assert saved.status_code == 302 and saved.headers["Location"] == reverse("action_items:list")
    assert client.get(saved.headers["Location"]).status_code == 200
    assert api.status_code == 200
    assert ActionItem.objects.get(pk=item.pk).status == "done"
