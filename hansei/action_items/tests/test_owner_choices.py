"""An item's owner list starts with the postmortem's team, then everyone else."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hansei.action_items.services import ActionItemInput, add_action_item

pytestmark = pytest.mark.django_db


def _groups(html: str, select_id: str) -> dict[str, list[str]]:
    select = re.search(rf'<select[^>]*id="{select_id}".*?</select>', html, re.S)
    assert select is not None
    groups = re.findall(r'<optgroup label="([^"]*)">(.*?)</optgroup>', select.group(0), re.S)
    return {label: re.findall(r">([^<]+)</option>", body) for label, body in groups}


def test_the_team_comes_first_and_other_teams_stay_possible(
    make_postmortem: Any, alice: Any, bob: Any, charlie: Any
) -> None:
    postmortem = make_postmortem()
    client = Client()
    client.force_login(alice)
    page = client.get(reverse("postmortems:detail", args=[postmortem.pk])).content.decode()
    groups = _groups(page, "id_owner")
    assert list(groups) == ["Payments", "Other teams"]
    assert groups["Payments"] == ["Alice", "Bob"] and "Charlie" in groups["Other teams"]
    # Someone of another team may still own it (the database team fixes the database).
    item = add_action_item(
        actor=alice, postmortem=postmortem, data=ActionItemInput(title="Tune the pool")
    )
    response = client.post(
        reverse("action_items:edit", args=[item.pk]),
        {"title": "Tune the pool", "kind": "prevent", "owner": charlie.pk, "priority": "P2",
         "status": "open"},
    )  # fmt: skip
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.owner == charlie
