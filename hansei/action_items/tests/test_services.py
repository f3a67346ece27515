from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hansei.action_items.models import ActionItem, ActionKind, ActionStatus, Priority
from hansei.action_items.services import (
    ActionItemInput,
    add_action_item,
    delete_action_item,
    update_action_item,
)
from hansei.core.errors import InvalidState
from hansei.postmortems.document.models import Postmortem
from hansei.postmortems.document.services import publish_postmortem, start_amendment
from hansei.reviews.services import approve_review, submit_for_review

pytestmark = pytest.mark.django_db


def _input(**changes: Any) -> ActionItemInput:
    values: dict[str, Any] = {
        "title": "Validate configs before pushing them",
        "kind": ActionKind.PREVENT,
        "priority": Priority.P1,
        "due_date": timezone.localdate() + timedelta(days=14),
        "tracking_url": "https://tracker.example.com/PAY-123",
    }
    values.update(changes)
    return ActionItemInput(**values)


@pytest.fixture
def draft(make_postmortem: Any) -> Postmortem:
    return make_postmortem()


def test_it_adds_an_action_item_to_a_draft(draft, alice, bob):
    item = add_action_item(actor=alice, postmortem=draft, data=_input(owner=bob, title="  Lint "))

    stored = ActionItem.objects.get(pk=item.pk)
    assert stored.postmortem == draft
    assert stored.title == "Lint"
    assert (stored.kind, stored.priority, stored.status) == ("prevent", "P1", "open")
    assert stored.owner == bob
    assert stored.created_by == alice
    assert stored.completed_at is None
    assert stored.tracking_url == "https://tracker.example.com/PAY-123"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "t" * 301}, "title"),
        ({"priority": "P9"}, "priority"),
        ({"priority": "p1"}, "priority"),
        ({"kind": "blame"}, "kind"),
        ({"status": "someday"}, "status"),
        ({"status": ActionStatus.WONT_DO, "wont_do_reason": " "}, "wont_do_reason"),
        ({"wont_do_reason": "r" * 1001, "status": ActionStatus.WONT_DO}, "wont_do_reason"),
        ({"tracking_url": "javascript:alert(1)"}, "tracking_url"),
        ({"tracking_url": "ftp://tracker.example.com/1"}, "tracking_url"),
        ({"tracking_url": "PAY-123"}, "tracking_url"),
        ({"tracking_url": "https://tracker.example.com/" + "x" * 500}, "tracking_url"),
        ({"due_date": timezone.localdate() - timedelta(days=1)}, "due_date"),
    ],
)
def test_it_refuses_a_bad_action_item(draft, alice, changes, field):
    with pytest.raises(ValidationError) as excinfo:
        add_action_item(actor=alice, postmortem=draft, data=_input(**changes))

    assert field in excinfo.value.message_dict
    assert ActionItem.objects.count() == 0


def test_it_refuses_an_inactive_owner(draft, alice, bob):
    bob.is_active = False
    bob.save()

    with pytest.raises(ValidationError) as excinfo:
        add_action_item(actor=alice, postmortem=draft, data=_input(owner=bob))

    assert "owner" in excinfo.value.message_dict
    assert ActionItem.objects.count() == 0


def test_it_accepts_plain_http_links_and_no_due_date_when_the_policy_sets_none(draft, alice, ada):
    from hansei.incidents.services import update_policy

    update_policy(actor=ada, changes={"action_due_days_p0": 0, "action_due_days_p1": 0})
    update_policy(actor=ada, changes={"action_due_days_p2": 0, "action_due_days_p3": 0})
    item = add_action_item(
        actor=alice,
        postmortem=draft,
        data=_input(tracking_url="http://jira.internal/browse/PAY-1", due_date=None),
    )

    stored = ActionItem.objects.get(pk=item.pk)
    assert stored.tracking_url == "http://jira.internal/browse/PAY-1"
    assert stored.due_date is None


@pytest.mark.parametrize("who", ["charlie", "rita"])
def test_it_refuses_action_items_from_outside_the_team(draft, request, who):
    with pytest.raises(PermissionDenied):
        add_action_item(actor=request.getfixturevalue(who), postmortem=draft, data=_input())

    assert ActionItem.objects.count() == 0


def test_it_refuses_new_action_items_while_in_review(draft, alice, rita):
    submit_for_review(actor=alice, postmortem=draft, reviewers=[rita])

    with pytest.raises(InvalidState):
        add_action_item(actor=alice, postmortem=draft, data=_input())

    assert ActionItem.objects.count() == 0


def test_wont_do_keeps_its_reason_and_closes_the_item(draft, alice):
    item = add_action_item(actor=alice, postmortem=draft, data=_input())

    update_action_item(
        actor=alice,
        item=item,
        data=_input(status=ActionStatus.WONT_DO, wont_do_reason=" Service retired "),
    )

    stored = ActionItem.objects.get(pk=item.pk)
    assert stored.status == ActionStatus.WONT_DO
    assert stored.wont_do_reason == "Service retired"
    assert stored.completed_at is not None
    assert stored.is_closed


def test_reopening_an_item_clears_its_completion(draft, alice):
    item = add_action_item(actor=alice, postmortem=draft, data=_input(status=ActionStatus.DONE))
    assert ActionItem.objects.get(pk=item.pk).completed_at is not None

    update_action_item(actor=alice, item=item, data=_input(status=ActionStatus.IN_PROGRESS))

    stored = ActionItem.objects.get(pk=item.pk)
    assert stored.status == ActionStatus.IN_PROGRESS
    assert stored.completed_at is None
    assert stored.wont_do_reason == ""


def test_an_existing_past_due_date_can_be_kept_on_update(draft, alice):
    item = add_action_item(actor=alice, postmortem=draft, data=_input())
    past = timezone.localdate() - timedelta(days=3)
    ActionItem.objects.filter(pk=item.pk).update(due_date=past)
    item.refresh_from_db()

    update_action_item(
        actor=alice, item=item, data=_input(due_date=past, status=ActionStatus.IN_PROGRESS)
    )

    stored = ActionItem.objects.get(pk=item.pk)
    assert stored.due_date == past
    assert stored.status == ActionStatus.IN_PROGRESS
    assert stored.is_overdue()


def test_a_due_date_cannot_be_moved_into_the_past(draft, alice):
    item = add_action_item(actor=alice, postmortem=draft, data=_input())
    original = item.due_date

    with pytest.raises(ValidationError):
        update_action_item(
            actor=alice, item=item, data=_input(due_date=timezone.localdate() - timedelta(days=1))
        )

    assert ActionItem.objects.get(pk=item.pk).due_date == original


def test_the_owner_updates_their_item_after_publication(published_postmortem, alice, rita):
    item = ActionItem.objects.create(
        postmortem=published_postmortem, title="Add a config linter", owner=rita
    )
    data = _input(title="Add a config linter", owner=rita, status=ActionStatus.DONE)

    update_action_item(actor=rita, item=item, data=data)

    stored = ActionItem.objects.get(pk=item.pk)
    assert stored.status == ActionStatus.DONE
    assert stored.completed_at is not None


def test_the_team_updates_items_after_publication(published_postmortem, bob):
    item = ActionItem.objects.create(postmortem=published_postmortem, title="Add a config linter")

    update_action_item(actor=bob, item=item, data=_input(title="Add a config linter", owner=bob))

    assert ActionItem.objects.get(pk=item.pk).owner == bob


def test_charlie_cannot_update_someone_elses_item(published_postmortem, charlie):
    item = ActionItem.objects.create(postmortem=published_postmortem, title="Add a config linter")

    with pytest.raises(PermissionDenied):
        update_action_item(actor=charlie, item=item, data=_input(status=ActionStatus.DONE))

    assert ActionItem.objects.get(pk=item.pk).status == ActionStatus.OPEN


def test_a_bad_update_changes_nothing(draft, alice):
    item = add_action_item(actor=alice, postmortem=draft, data=_input())

    with pytest.raises(ValidationError):
        update_action_item(
            actor=alice, item=item, data=replace(_input(), title="New", priority="urgent")
        )

    assert ActionItem.objects.get(pk=item.pk).title == "Validate configs before pushing them"


def test_it_deletes_an_item_from_a_draft(draft, alice):
    item = add_action_item(actor=alice, postmortem=draft, data=_input())

    delete_action_item(actor=alice, item=item)

    assert ActionItem.objects.count() == 0


def test_it_cannot_delete_an_item_after_publication(published_postmortem, alice, rita):
    item = ActionItem.objects.create(
        postmortem=published_postmortem, title="Add a config linter", owner=rita
    )

    with pytest.raises(InvalidState):
        delete_action_item(actor=alice, item=item)
    with pytest.raises(PermissionDenied):
        delete_action_item(actor=rita, item=item)

    assert ActionItem.objects.filter(pk=item.pk).exists()


def test_an_amendment_keeps_the_published_items(draft, alice, rita, full_checklist):
    item = add_action_item(actor=alice, postmortem=draft, data=_input(title="Add a linter"))
    [review] = submit_for_review(actor=alice, postmortem=draft, reviewers=[rita])
    approve_review(actor=rita, review=review, checklist=full_checklist)
    publish_postmortem(actor=alice, postmortem=draft)
    amended = start_amendment(actor=alice, postmortem=draft)
    new = add_action_item(actor=alice, postmortem=amended, data=_input(title="Found later"))

    with pytest.raises(InvalidState):
        delete_action_item(actor=alice, item=ActionItem.objects.get(pk=item.pk))
    delete_action_item(actor=alice, item=new)

    assert list(ActionItem.objects.all()) == [item]


def test_it_cannot_delete_an_item_while_in_review(draft, alice, rita):
    item = add_action_item(actor=alice, postmortem=draft, data=_input())
    submit_for_review(actor=alice, postmortem=draft, reviewers=[rita])

    with pytest.raises(InvalidState):
        delete_action_item(actor=alice, item=item)

    assert ActionItem.objects.filter(pk=item.pk).exists()
