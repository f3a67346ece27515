from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from hansei import access
from hansei.accounts.models import Membership, User
from hansei.incidents.models import Incident
from hansei.postmortems.document.models import Postmortem

pytestmark = pytest.mark.django_db

EVERYONE = ("alice", "bob", "charlie", "rita", "ada")


def _people(request: Any) -> dict[str, Any]:
    return {name: request.getfixturevalue(name) for name in EVERYONE}


def _who_sees_postmortem(request: Any, postmortem: Postmortem) -> set[str]:
    people = _people(request)
    # Fresh users: the team ids a User caches must not leak between checks.
    return {
        name
        for name, user in people.items()
        if access.can_view_postmortem(User.objects.get(pk=user.pk), postmortem)
        and access.postmortems_visible_to(User.objects.get(pk=user.pk))
        .filter(pk=postmortem.pk)
        .exists()
    }


def _who_sees_incident(request: Any, incident: Incident) -> set[str]:
    people = _people(request)
    return {
        name
        for name, user in people.items()
        if access.incidents_visible_to(User.objects.get(pk=user.pk)).filter(pk=incident.pk).exists()
    }


def test_a_draft_is_seen_by_its_team_and_admins(request, make_postmortem):
    postmortem = make_postmortem()

    assert _who_sees_postmortem(request, postmortem) == {"alice", "bob", "ada"}


def test_a_draft_in_review_is_also_seen_by_its_reviewer(request, approved_postmortem):
    assert _who_sees_postmortem(request, approved_postmortem) == {"alice", "bob", "rita", "ada"}


def test_a_published_postmortem_is_seen_by_everyone_signed_in(request, published_postmortem):
    assert _who_sees_postmortem(request, published_postmortem) == set(EVERYONE)


def test_a_restricted_published_postmortem_stays_with_the_team_and_its_reviewers(
    request, restricted_approved_postmortem, alice
):
    from hansei.postmortems.document.services import publish_postmortem

    approved_postmortem = restricted_approved_postmortem
    publish_postmortem(actor=alice, postmortem=approved_postmortem)
    other_reviewer = User.objects.create_user("vera", "vera@example.com", role="reviewer")

    assert _who_sees_postmortem(request, approved_postmortem) == {"alice", "bob", "rita", "ada"}
    assert not access.can_view_postmortem(other_reviewer, approved_postmortem)


def test_an_incident_is_seen_by_its_team_and_admins(request, make_incident):
    incident = make_incident()

    assert _who_sees_incident(request, incident) == {"alice", "bob", "ada"}


def test_an_incident_with_a_published_postmortem_is_seen_by_everyone(request, published_postmortem):
    incident = published_postmortem.incidents.get()

    assert _who_sees_incident(request, incident) == set(EVERYONE)


def test_an_incident_under_review_is_seen_by_the_reviewer(request, approved_postmortem):
    incident = approved_postmortem.incidents.get()

    assert _who_sees_incident(request, incident) == {"alice", "bob", "rita", "ada"}


def test_nobody_signed_out_or_deactivated_sees_anything(published_postmortem, bob):
    bob.is_active = False
    bob.save()

    for user in (AnonymousUser(), bob, None):
        assert not access.postmortems_visible_to(user).exists()
        assert not access.incidents_visible_to(user).exists()
        assert not access.can_write_for_team(user, published_postmortem.team)


def test_visibility_lists_each_postmortem_once(published_postmortem, make_postmortem, bob, alice):
    from hansei.reviews.models import Review

    Review.objects.create(postmortem=published_postmortem, reviewer=bob, round=5)

    assert list(access.postmortems_visible_to(bob)) == [published_postmortem]


def test_get_postmortem_for_user_returns_what_the_user_may_read(make_postmortem, bob):
    postmortem = make_postmortem()

    assert access.get_postmortem_for_user(bob, postmortem.pk) == postmortem
    assert access.get_postmortem_for_user(bob, str(postmortem.pk)) == postmortem


def test_get_postmortem_for_user_hides_a_draft_from_charlie(make_postmortem, charlie):
    postmortem = make_postmortem()

    with pytest.raises(Http404):
        access.get_postmortem_for_user(charlie, postmortem.pk)


@pytest.mark.parametrize(
    "junk", ["abc", "", None, "1.5", "-1", "0", "999999", "99999999999999999999999", "1; drop"]
)
def test_get_postmortem_for_user_answers_404_to_junk_ids(make_postmortem, ada, junk):
    make_postmortem()

    with pytest.raises(Http404):
        access.get_postmortem_for_user(ada, junk)
    with pytest.raises(Http404):
        access.get_incident_for_user(ada, junk)


def test_get_incident_for_user_hides_an_incident_from_charlie(make_incident, charlie, bob):
    incident = make_incident()

    assert access.get_incident_for_user(bob, incident.pk) == incident
    with pytest.raises(Http404):
        access.get_incident_for_user(charlie, incident.pk)


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("alice", True), ("bob", True), ("ada", True), ("charlie", False), ("rita", False)],
)
def test_only_team_writers_and_admins_edit(request, make_postmortem, who, allowed):
    postmortem = make_postmortem()
    user = request.getfixturevalue(who)

    assert access.can_edit_postmortem(user, postmortem) is allowed
    assert access.can_publish_postmortem(user, postmortem) is allowed
    assert access.can_manage_incident(user, postmortem.incidents.get()) is allowed


def test_a_reviewer_on_the_team_reads_but_does_not_write(make_postmortem, rita, payments):
    Membership.objects.create(user=rita, team=payments)
    postmortem = make_postmortem()
    rita = User.objects.get(pk=rita.pk)

    assert access.can_view_postmortem(rita, postmortem)
    assert not access.can_edit_postmortem(rita, postmortem)
    assert not access.can_write_for_team(rita, payments)


def test_only_admins_administer(request):
    people = _people(request)

    assert {name for name, user in people.items() if access.can_administer(user)} == {"ada"}


def test_a_superuser_is_an_admin(db):
    root = User.objects.create_superuser("root", "root@example.com", "pw")

    assert access.can_administer(root)
    assert root.is_admin
