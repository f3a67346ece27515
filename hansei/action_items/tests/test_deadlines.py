"""Deadlines by priority: a new item without a due date gets the policy's for its priority,
admins set them, and each team's record of kept deadlines shows on the action items page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hansei.accounts.tests.test_api import ApiClient
from hansei.action_items.models import ActionItem
from hansei.action_items.services import ActionItemInput, add_action_item, update_action_item
from hansei.incidents.models import PostmortemPolicy
from hansei.incidents.services import update_policy

pytestmark = pytest.mark.django_db


def test_a_new_item_without_a_due_date_gets_its_prioritys_deadline(
    alice: Any, ada: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    today = timezone.localdate()
    chosen = today + timedelta(days=3)
    update_policy(actor=ada, changes={"action_due_days_p3": 0})

    p0 = add_action_item(
        actor=alice, postmortem=postmortem, data=ActionItemInput(title="Cap", priority="P0")
    )
    p2 = add_action_item(
        actor=alice, postmortem=postmortem, data=ActionItemInput(title="Docs", priority="P2")
    )
    mine = add_action_item(
        actor=alice,
        postmortem=postmortem,
        data=ActionItemInput(title="Alert", priority="P1", due_date=chosen),
    )
    p3 = add_action_item(
        actor=alice, postmortem=postmortem, data=ActionItemInput(title="Later", priority="P3")
    )

    assert p0.due_date == today + timedelta(days=7)
    assert p2.due_date == today + timedelta(days=56)
    assert mine.due_date == chosen  # a date given is kept
    assert p3.due_date is None  # 0: no default


def test_admins_set_the_deadlines_on_the_policy_page_and_in_the_api(
    client: Client, ada: Any, alice: Any, sev: Any
) -> None:
    client.force_login(ada)
    form = client.get(reverse("incidents:policy_edit")).context["form"]
    data = {k: v for k, v in form.initial.items() if v not in (None, False)}
    for s in sev(1).__class__.objects.all():
        data.update({f"sev{s.pk}-name": s.name, f"sev{s.pk}-due_days": s.due_days})
        if s.requires_postmortem:
            data[f"sev{s.pk}-requires_postmortem"] = "on"
    data["action_due_days_p1"] = 21

    assert client.post(reverse("incidents:policy_edit"), data).status_code == 302
    assert PostmortemPolicy.current().action_due_days_p1 == 21
    assert "21 days" in client.get(reverse("incidents:policy")).content.decode()

    data["action_due_days_p1"] = 400
    refused = client.post(reverse("incidents:policy_edit"), data)
    assert refused.status_code in (200, 400) and 'class="errorlist' in refused.content.decode()
    assert PostmortemPolicy.current().action_due_days_p1 == 21

    api = ApiClient(ada)
    assert api.patch("/policy", {"action_due_days_p0": 10}).json()["action_due_days_p0"] == 10
    assert api.patch("/policy", {"action_due_days_p0": -1}).status_code == 422
    assert ApiClient(alice).patch("/policy", {"action_due_days_p0": 3}).status_code == 403
    assert PostmortemPolicy.current().action_due_days_p0 == 10


def test_the_action_items_page_shows_each_teams_kept_deadlines(
    client: Client, alice: Any, charlie: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    items = [
        add_action_item(actor=alice, postmortem=postmortem, data=ActionItemInput(title=title))
        for title in ("On time", "Late", "Still open and late", "Open")
    ]
    yesterday = timezone.localdate() - timedelta(days=1)
    done = ActionItemInput(title="On time", status="done", due_date=items[0].due_date)
    update_action_item(actor=alice, item=items[0], data=done)
    ActionItem.objects.filter(pk=items[1].pk).update(due_date=yesterday)
    update_action_item(
        actor=alice,
        item=ActionItem.objects.get(pk=items[1].pk),
        data=ActionItemInput(title="Late", status="done", due_date=yesterday),
    )
    ActionItem.objects.filter(pk=items[2].pk).update(due_date=yesterday)

    client.force_login(alice)
    page = client.get(reverse("action_items:list")).content.decode()

    [rate] = page.split('id="on-time"')[1:]
    assert "Payments" in rate and "50%" in rate and "(1 / 2)" in rate
    assert '<span class="badge badge-overdue">1</span>' in rate
    client.force_login(charlie)  # another team: none of this draft's items are his to see
    assert 'id="on-time"' not in client.get(reverse("action_items:list")).content.decode()
