"""Whom a mention may be suggested: ``access.people_to_mention`` is the list form of the rules
that decide who is told of a comment (``can_comment_on_postmortem``, ``can_comment_on_text``)."""

from __future__ import annotations

from typing import Any

import pytest

from hansei import access
from hansei.accounts.models import User
from hansei.conftest import person
from hansei.tests.authz.world import STATES, build_world

pytestmark = pytest.mark.django_db


def _told(people: list[User], postmortem: Any, *, on_text: bool) -> set[str]:
    rule = access.can_comment_on_text if on_text else access.can_comment_on_postmortem
    # Fresh users: the team ids a User caches must not leak between checks.
    return {u.username for u in people if rule(User.objects.get(pk=u.pk), postmortem)}


def test_it_offers_exactly_the_people_a_comment_would_tell_in_every_state(
    builtin_data: None,
) -> None:
    world = build_world()
    ivy = person("ivy", "member", world.cases["draft"].postmortem.team)
    User.objects.filter(pk=ivy.pk).update(is_active=False)
    people = list(User.objects.all())
    wrong = []
    for state in STATES:
        postmortem = world.cases[state].postmortem
        for on_text in (False, True):
            expected = _told(people, postmortem, on_text=on_text)
            for role, actor in world.users.items():
                actor = User.objects.get(pk=actor.pk)
                offered = access.people_to_mention(actor, postmortem, on_text=on_text)
                may_write = actor.username in expected
                got = {u.username for u in offered}
                if got != (expected if may_write else set()):
                    wrong.append(f"{state} {role} on_text={on_text}: {sorted(got)}")
    assert not wrong, "\n".join(wrong)
