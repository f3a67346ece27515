"""Did the fix hold? A done item that names the factors and services it addresses is
"recurred despite fix" when a later postmortem records one of those factors on one of those
services; carried-over items are linked, not copied."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from hansei.action_items.models import ActionItem, CarriedItem, Recurrence
from hansei.action_items.queries import fixes_by_team_and_kind
from hansei.action_items.services import (
    ActionItemInput,
    add_action_item,
    carry_over_item,
    drop_carried_item,
    update_action_item,
)
from hansei.core.errors import InvalidState
from hansei.postmortems.analysis.models import ContributingFactorCategory
from hansei.postmortems.analysis.services import add_contributing_factor, remove_contributing_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def capacity(db: Any) -> Any:
    return ContributingFactorCategory.objects.get_or_create(name="Capacity")[0]


@pytest.fixture
def fix(alice: Any, make_postmortem: Any, make_incident: Any, checkout: Any, capacity: Any) -> Any:
    """A fix of an earlier postmortem, done ten days ago, for capacity on checkout."""
    earlier = make_postmortem(
        title="Checkout ran out of connections",
        incident=make_incident(services=[checkout], title="Pool exhausted"),
    )
    item = add_action_item(actor=alice, postmortem=earlier, data=ActionItemInput(
        title="Size the pool from load tests", priority="P1",
        factors=[capacity], services=[checkout], verification="Load test at 2x peak passes.",
    ))  # fmt: skip
    update_action_item(actor=alice, item=item, data=ActionItemInput(
        title=item.title, priority="P1", status="done"))  # fmt: skip
    ActionItem.objects.filter(pk=item.pk).update(completed_at=timezone.now() - timedelta(days=10))
    item.refresh_from_db()
    return item


def later(make_postmortem: Any, make_incident: Any, services: list[Any]) -> Any:
    return make_postmortem(
        title="Checkout slow again", incident=make_incident(services=services, title="Slow again")
    )


def test_the_same_factor_on_the_same_service_marks_the_fix_recurred(
    fix, alice, make_postmortem, make_incident, checkout, capacity
):
    assert set(fix.addresses_factors.all()) == {capacity}
    assert fix.verification == "Load test at 2x peak passes."
    again = later(make_postmortem, make_incident, [checkout])
    assert not Recurrence.objects.exists()  # no factor recorded yet
    factor = add_contributing_factor(
        actor=alice, postmortem=again, category=capacity, description="Pool too small"
    )
    [found] = Recurrence.objects.all()
    assert (found.item, found.postmortem, found.factor, found.service) == (
        fix, again, capacity, checkout)  # fmt: skip
    # Both sides see it.
    assert list(fix.recurrences.all()) == [found]
    assert list(again.recurred_fixes.all()) == [found]
    # Withdrawn factor: the record follows the data.
    remove_contributing_factor(actor=alice, factor=factor)
    assert not Recurrence.objects.exists()


def test_another_service_or_factor_or_an_open_item_is_no_recurrence(
    fix, alice, make_postmortem, make_incident, checkout, capacity, payments
):
    from hansei.incidents.models import Service

    search = Service.objects.create(name="Search", slug="search-svc", team=payments)
    other = ContributingFactorCategory.objects.get_or_create(name="Deploy")[0]
    elsewhere = later(make_postmortem, make_incident, [search])
    add_contributing_factor(actor=alice, postmortem=elsewhere, category=capacity, description="x")
    same_service = later(make_postmortem, make_incident, [checkout])
    add_contributing_factor(actor=alice, postmortem=same_service, category=other, description="y")
    assert not Recurrence.objects.exists()
    # Reopened: not a fix (yet), so nothing recurred despite it.
    update_action_item(actor=alice, item=fix, data=ActionItemInput(
        title=fix.title, priority="P1", status="open"))  # fmt: skip
    again = later(make_postmortem, make_incident, [checkout])
    add_contributing_factor(actor=alice, postmortem=again, category=capacity, description="z")
    assert not Recurrence.objects.exists()


def test_an_incident_before_the_fix_was_done_is_no_recurrence(
    fix, alice, make_postmortem, make_incident, checkout, capacity
):
    ActionItem.objects.filter(pk=fix.pk).update(completed_at=timezone.now() - timedelta(minutes=1))
    fix.refresh_from_db()
    update_action_item(actor=alice, item=fix, data=ActionItemInput(
        title=fix.title, priority="P1", status="done"))  # fmt: skip
    again = later(make_postmortem, make_incident, [checkout])  # began 3 hours ago
    add_contributing_factor(actor=alice, postmortem=again, category=capacity, description="x")
    assert not Recurrence.objects.exists()


def test_naming_what_an_item_addresses_later_finds_earlier_recurrences(
    alice, make_postmortem, make_incident, checkout, capacity
):
    earlier = make_postmortem(incident=make_incident(services=[checkout]))
    item = add_action_item(actor=alice, postmortem=earlier, data=ActionItemInput(
        title="Bigger pool", status="done"))  # fmt: skip
    ActionItem.objects.filter(pk=item.pk).update(completed_at=timezone.now() - timedelta(days=5))
    item.refresh_from_db()
    again = later(make_postmortem, make_incident, [checkout])
    add_contributing_factor(actor=alice, postmortem=again, category=capacity, description="x")
    assert not Recurrence.objects.exists()
    update_action_item(actor=alice, item=item, data=ActionItemInput(
        title=item.title, status="done", factors=[capacity], services=[checkout]))  # fmt: skip
    assert Recurrence.objects.get().postmortem == again


def test_fixes_held_against_recurred_by_team_and_type(
    fix, alice, make_postmortem, make_incident, checkout, capacity
):
    held = add_action_item(actor=alice, postmortem=fix.postmortem, data=ActionItemInput(
        title="Alert on pool saturation", kind="detect", status="done",
        factors=[capacity], services=[checkout]))  # fmt: skip
    add_action_item(actor=alice, postmortem=fix.postmortem, data=ActionItemInput(
        title="Names nothing it addresses", status="done"))  # fmt: skip
    ActionItem.objects.filter(pk=held.pk).update(completed_at=timezone.now() + timedelta(days=1))
    again = later(make_postmortem, make_incident, [checkout])
    add_contributing_factor(actor=alice, postmortem=again, category=capacity, description="x")
    rows = {(r.team, r.kind): (r.held, r.recurred) for r in fixes_by_team_and_kind(
        ActionItem.objects.all())}  # fmt: skip
    assert rows == {("Payments", "detect"): (1, 0), ("Payments", "prevent"): (0, 1)}


def test_an_open_item_is_carried_over_linked_not_copied(
    alice, charlie, make_postmortem, make_incident, checkout
):
    earlier = make_postmortem(title="First time")
    item = add_action_item(actor=alice, postmortem=earlier, data=ActionItemInput(
        title="Add a retry budget"))  # fmt: skip
    again = make_postmortem(title="Second time")
    carried = carry_over_item(actor=alice, item=item, into=again)
    assert (carried.item, carried.postmortem, carried.carried_by) == (item, again, alice)
    assert ActionItem.objects.filter(title="Add a retry budget").count() == 1
    with pytest.raises(InvalidState):
        carry_over_item(actor=alice, item=item, into=again)
    with pytest.raises(InvalidState):
        carry_over_item(actor=alice, item=item, into=earlier)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        carry_over_item(actor=charlie, item=item, into=again)  # not a writer of the draft
    drop_carried_item(actor=alice, item=item, postmortem=again)
    assert not CarriedItem.objects.exists()
    update_action_item(actor=alice, item=item, data=ActionItemInput(
        title=item.title, status="done"))  # fmt: skip
    with pytest.raises(InvalidState):
        carry_over_item(actor=alice, item=item, into=again)  # closed: nothing to carry


# --- on the pages -------------------------------------------------------------------------------


def test_both_postmortems_show_the_recurrence_and_the_new_draft_asks(
    client, fix, alice, make_postmortem, make_incident, checkout, capacity
):
    again = later(make_postmortem, make_incident, [checkout])
    add_contributing_factor(actor=alice, postmortem=again, category=capacity, description="x")
    client.force_login(alice)
    page = client.get(f"/postmortems/{again.pk}/").content.decode()
    assert "Fixes that did not hold" in page and "Size the pool from load tests" in page
    assert f"/postmortems/{fix.postmortem_id}/" in page
    first = client.get(f"/postmortems/{fix.postmortem_id}/").content.decode()
    assert "Recurred despite fix" in first and f"/postmortems/{again.pk}/" in first
    edit = client.get(f"/actions/{fix.pk}/edit/").content.decode()
    assert "Recurred despite fix" in edit and "Checkout slow again" in edit
    listing = client.get("/actions/?status=closed").content.decode()
    assert "Did the fixes hold?" in listing


def test_a_reader_who_cannot_read_the_later_draft_does_not_learn_of_it(
    client, fix, alice, bob, charlie, make_postmortem, make_incident, checkout, capacity, rita
):
    from hansei.conftest import FULL_CHECKLIST
    from hansei.postmortems.document.services import publish_postmortem
    from hansei.reviews.services import approve_review, submit_for_review

    earlier = fix.postmortem
    [review] = submit_for_review(actor=alice, postmortem=earlier, reviewers=[rita])
    approve_review(actor=rita, review=review, checklist=FULL_CHECKLIST, comment="ok")
    earlier.refresh_from_db()
    publish_postmortem(actor=alice, postmortem=earlier)
    again = later(make_postmortem, make_incident, [checkout])  # a payments draft
    add_contributing_factor(actor=alice, postmortem=again, category=capacity, description="x")
    client.force_login(charlie)  # another team: reads the published one, not the draft
    page = client.get(f"/postmortems/{earlier.pk}/").content.decode()
    assert "Checkout slow again" not in page and "Recurred despite fix" not in page


def test_carry_over_from_the_panel(client, alice, charlie, make_postmortem):
    earlier = make_postmortem(title="First time")
    item = add_action_item(actor=alice, postmortem=earlier, data=ActionItemInput(
        title="Add a retry budget"))  # fmt: skip
    again = make_postmortem(title="Second time")
    client.force_login(alice)
    page = client.get(f"/postmortems/{again.pk}/").content.decode()
    assert "Carry over an open item" in page and "Add a retry budget" in page
    answer = client.post(f"/actions/postmortem/{again.pk}/carry/", {"item": item.pk})
    assert answer.status_code == 302
    page = client.get(f"/postmortems/{again.pk}/").content.decode()
    assert "Carried over from earlier postmortems" in page
    # Bad input: a form error, nothing carried twice.
    for bad in ({"item": "x"}, {"item": item.pk}, {}, {"item": "99999999999999999999"}):
        assert client.post(f"/actions/postmortem/{again.pk}/carry/", bad).status_code in (
            302, 400)  # fmt: skip
    assert CarriedItem.objects.count() == 1
    client.post(f"/actions/postmortem/{again.pk}/carried/{item.pk}/drop/")
    assert not CarriedItem.objects.exists()
    client.force_login(charlie)
    assert (
        client.post(f"/actions/postmortem/{again.pk}/carry/", {"item": item.pk}).status_code == 404
    )
    assert not CarriedItem.objects.exists()


def test_the_item_page_sets_what_the_fix_addresses(client, alice, make_postmortem, make_incident,
                                                   checkout, capacity):  # fmt: skip
    postmortem = make_postmortem(incident=make_incident(services=[checkout]))
    item = add_action_item(actor=alice, postmortem=postmortem, data=ActionItemInput(title="Pool"))
    client.force_login(alice)
    page = client.get(f"/actions/{item.pk}/edit/").content.decode()
    assert "Checkout" in page and "Capacity" in page
    answer = client.post(f"/actions/{item.pk}/edit/", {
        "title": "Pool", "kind": "prevent", "priority": "P2", "status": "open",
        "factors": [capacity.pk], "services": [checkout.pk], "verification": "p99 < 200 ms",
    })  # fmt: skip
    assert answer.status_code == 302
    item.refresh_from_db()
    assert list(item.addresses_services.all()) == [checkout]
    assert item.verification == "p99 < 200 ms"
    answer = client.post(f"/actions/{item.pk}/edit/", {
        "title": "Pool", "kind": "prevent", "priority": "P2", "status": "open",
        "services": [999999], "verification": "x" * 2001})  # fmt: skip
    assert answer.status_code == 400
    assert list(item.addresses_services.all()) == [checkout]


# --- through the API ----------------------------------------------------------------------------


def test_the_api_sets_what_a_fix_addresses_and_reports_what_held(
    alice, fix, make_postmortem, make_incident, checkout, capacity
):
    from hansei.accounts.tests.test_api import ApiClient

    api = ApiClient(alice)
    body = api.get(f"/action-items/{fix.pk}").json()
    assert (body["addresses_factors"], body["addresses_services"]) == (["Capacity"], ["checkout"])
    again = later(make_postmortem, make_incident, [checkout])
    add_contributing_factor(actor=alice, postmortem=again, category=capacity, description="x")
    [found] = api.get(f"/postmortems/{again.pk}/recurrences").json()
    assert (found["item"]["id"], found["factor"], found["service"]) == (
        fix.pk, "Capacity", "checkout")  # fmt: skip
    assert api.get(f"/action-items/{fix.pk}/recurrences").json()[0]["postmortem_id"] == again.pk
    assert api.get("/action-items/fixes").json() == [
        {"team": "Payments", "kind": "prevent", "held": 0, "recurred": 1}]  # fmt: skip
    # Changing what it addresses through PATCH re-checks: no longer the same service.
    answer = api.patch(f"/action-items/{fix.pk}", {"addresses_services": []})
    assert answer.status_code == 200 and answer.json()["addresses_services"] == []
    assert api.get(f"/postmortems/{again.pk}/recurrences").json() == []
    for bad in ({"addresses_services": ["nope"]}, {"addresses_factors": ["Nope"]},
                {"addresses_factors": "Capacity"}, {"verification": "x" * 2001},
                {"addresses_services": None}, {"addresses_factors": [["x"]]}):  # fmt: skip
        answer = api.patch(f"/action-items/{fix.pk}", bad)
        assert 400 <= answer.status_code < 500, bad
    assert fix.addresses_factors.count() == 1


def test_the_api_carries_items_over(alice, charlie, make_postmortem):
    from hansei.accounts.tests.test_api import ApiClient

    earlier = make_postmortem(title="First time")
    item = add_action_item(actor=alice, postmortem=earlier, data=ActionItemInput(title="Budget"))
    again = make_postmortem(title="Second time")
    api = ApiClient(alice)
    answer = api.post(f"/postmortems/{again.pk}/carried-items", {"item": item.pk})
    assert answer.status_code == 201 and answer.json()["item"]["title"] == "Budget"
    assert api.post(f"/postmortems/{again.pk}/carried-items", {"item": item.pk}).status_code == 409
    assert [c["item"]["id"] for c in api.get(f"/postmortems/{again.pk}/carried-items").json()] == [
        item.pk]  # fmt: skip
    for bad in ({}, {"item": "x"}, {"item": 2**70}, {"item": 0}, {"item": None}):
        assert api.post(f"/postmortems/{again.pk}/carried-items", bad).status_code in (400, 422)
    outsider = ApiClient(charlie)
    assert (
        outsider.post(f"/postmortems/{again.pk}/carried-items", {"item": item.pk}).status_code
        == 404
    )
    assert api.delete(f"/postmortems/{again.pk}/carried-items/{item.pk}").status_code == 204
    assert not CarriedItem.objects.exists()
