"""The admin site belongs to people with the admin role, and only to them."""

from __future__ import annotations

from typing import Any

import pytest

from hansei.accounts.models import Team, User

pytestmark = pytest.mark.django_db


def test_the_admin_role_is_what_opens_the_admin_site(client: Any, ada: Any, alice: Any) -> None:
    assert ada.is_superuser and ada.is_staff
    assert not alice.is_superuser and not alice.is_staff
    client.force_login(alice)
    assert client.get("/admin/").status_code == 302
    client.force_login(ada)
    assert client.get("/admin/").status_code == 200


def test_an_admin_creates_a_team_with_members(client: Any, ada: Any, alice: Any) -> None:
    client.force_login(ada)
    response = client.post(
        "/admin/accounts/team/add/",
        {
            "name": "Identity",
            "slug": "identity",
            "description": "",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-user": alice.pk,
            "memberships-0-is_lead": "on",
        },
    )
    assert response.status_code == 302
    team = Team.objects.get(slug="identity")
    assert list(team.leads()) == [alice]


def test_changing_the_role_changes_admin_rights(ada: Any) -> None:
    ada.role = "member"
    ada.save(update_fields=["role"])
    ada.refresh_from_db()
    assert not ada.is_superuser and not ada.is_admin


def test_createsuperuser_makes_an_admin(db: Any) -> None:
    user = User.objects.create_superuser("root", "root@example.com", "a long password 123")
    assert user.role == "admin" and user.is_admin
