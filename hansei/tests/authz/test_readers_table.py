"""The table-level rules (who, of everyone, may read a postmortem; who reads its live
content) give the same answers as the per-person rules, for every role in every state."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from hansei import access
from hansei.accounts.models import User
from hansei.action_items.models import ActionItem
from hansei.tests.authz.world import STATES, World, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    from django.db import transaction

    from hansei.action_items.services import ActionItemInput, add_action_item

    with django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        alice = User.objects.get(username="alice")
        for state in ("draft", "amendment"):
            # one the draft (or the amendment) adds, owned by someone outside the team
            add_action_item(
                actor=alice,
                postmortem=built.cases[state].postmortem,
                data=ActionItemInput(title=f"Outside help {state}", owner=built.users["member"]),
            )
        yield built
        transaction.set_rollback(True)


@pytest.mark.parametrize("state", STATES)
def test_the_readers_of_a_postmortem_are_those_the_rule_lets_read_it(
    world: World, state: str
) -> None:
    postmortem = world.cases[state].postmortem
    everyone = list(User.objects.all())  # the world's six roles and Alice, its owner
    assert len(everyone) >= 6

    readers = set(access.readers_of_postmortem(postmortem))
    live = set(access.live_content_readers(postmortem))

    assert readers == {u for u in everyone if access.can_view_postmortem(u, postmortem)}
    assert live == {u for u in readers if access.can_read_live_content(u, postmortem)}


@pytest.mark.parametrize("state", STATES)
def test_the_readers_of_an_action_item_are_those_the_rule_lets_see_it(
    world: World, state: str
) -> None:
    everyone = list(User.objects.all())
    items = ActionItem.objects.filter(postmortem=world.cases[state].postmortem)
    assert items.exists()

    for item in items:
        readers = set(access.readers_of_action_item(item))
        seeing = {u for u in everyone if access.action_items_visible_to(u).filter(pk=item.pk)}
        assert readers == seeing, item.title
