"""User names are normalized (NFKC, no surrounding whitespace, case-folded) on every path that
creates users, so "Emma" cannot be created next to "emma"."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from hansei.accounts.models import User, normalize_username
from hansei.accounts.services import create_user, create_user_from_identity
from hansei.cli.main import main
from hansei.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a sturdy passphrase 42"


@pytest.mark.parametrize(
    "typed", [" emma", "emma ", "\temma", "ｅｍｍａ", "EMMA", "Emma", "\u3000Ｅｍｍａ\n"]
)
def test_every_spelling_of_a_name_normalizes_to_one(typed: str) -> None:
    assert normalize_username(typed) == "emma"


def test_it_keeps_what_tells_names_apart() -> None:
    assert normalize_username("emma.l") == "emma.l"
    assert normalize_username("佐藤") == "佐藤"
    assert normalize_username("Straße") == "strasse"


@pytest.fixture
def emma(db: Any) -> User:
    return User.objects.create_user(username="emma", email="emma@example.com", password=PASSWORD)


def test_the_service_stores_the_normalized_name(db: Any) -> None:
    user = create_user(
        username="  Ｚｏｅ ", email="zoe@example.com", password=NEW_PASSWORD, role="member"
    )
    user.refresh_from_db()
    assert user.username == "zoe"


def test_the_service_refuses_another_spelling_of_a_taken_name(emma: User) -> None:
    with pytest.raises(ValidationError) as refused:
        create_user(username="Emma", email="e2@example.com", password=NEW_PASSWORD, role="member")
    assert refused.value.message_dict["username"] == ["a user named 'emma' already exists"]
    assert User.objects.count() == 1


def test_single_sign_on_refuses_another_spelling_of_a_taken_name(emma: User) -> None:
    with pytest.raises(ValidationError, match="already exists"):
        create_user_from_identity(
            username="ＥＭＭＡ",
            email="e2@example.com",
            display_name="",
            role="member",
            issuer="https://idp.example.com",
            subject="42",
        )
    assert User.objects.count() == 1


def test_the_command_refuses_another_spelling_of_a_taken_name(
    emma: User, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(NEW_PASSWORD + "\n"))
    code = main(["createuser", " EMMA", "--email", "e2@example.com", "--password-stdin"])
    assert code == 2
    assert "a user named 'emma' already exists" in capsys.readouterr().err
    assert User.objects.count() == 1


def test_the_command_creates_the_normalized_name(
    db: Any, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(NEW_PASSWORD + "\n"))
    assert main(["createuser", "Zoe", "--email", "zoe@example.com", "--password-stdin"]) == 0
    assert "Created member zoe." in capsys.readouterr().out
    assert User.objects.filter(username="zoe").exists()


def test_createsuperuser_refuses_another_spelling_of_a_taken_name(emma: User) -> None:
    with pytest.raises(CommandError, match="already taken"):
        call_command("createsuperuser", interactive=False, username="Emma", email="e2@example.com")
    assert User.objects.count() == 1


def _add_user(client: Client, username: str) -> Any:
    return client.post(
        "/admin/accounts/user/add/",
        {
            "username": username,
            "email": "new@example.com",
            "role": "member",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "usable_password": "true",
            "sso_identities-TOTAL_FORMS": "0",
            "sso_identities-INITIAL_FORMS": "0",
        },
    )


def test_the_admin_site_refuses_another_spelling_of_a_taken_name(
    client: Client, ada: Any, emma: User
) -> None:
    client.force_login(ada)
    response = _add_user(client, "ＥＭＭＡ ")
    assert response.status_code == 200
    assert "A user with that username already exists." in response.content.decode()
    assert User.objects.filter(username__in=["emma", "ＥＭＭＡ"]).count() == 1


def test_the_admin_site_stores_the_normalized_name(client: Client, ada: Any) -> None:
    client.force_login(ada)
    assert _add_user(client, " Zoe").status_code == 302
    assert User.objects.get(email="new@example.com").username == "zoe"


def test_the_admin_site_refuses_renaming_onto_a_taken_name(
    client: Client, ada: Any, emma: User, bob: Any
) -> None:
    client.force_login(ada)
    response = client.post(
        f"/admin/accounts/user/{bob.pk}/change/",
        {
            "username": "EMMA",
            "email": bob.email,
            "role": "member",
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
            "sso_identities-TOTAL_FORMS": "0",
            "sso_identities-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    bob.refresh_from_db()
    assert bob.username == "bob"


def test_the_demo_refuses_a_database_with_another_spelling_of_its_names(db: Any) -> None:
    from hansei.demo.data import DemoConflict, load_demo

    create_user(username="EMMA", email="e@example.com", password=NEW_PASSWORD, role="member")
    with pytest.raises(DemoConflict, match="user emma"):
        load_demo()


def test_saving_a_user_stores_the_normalized_name(db: Any) -> None:
    user = User(username="\tＲｉｔａ ", email="rita@example.com")
    user.save()
    user.refresh_from_db()
    assert user.username == "rita"


# --- the data migration --------------------------------------------------------------------


def _migration() -> Any:
    import importlib

    return importlib.import_module("hansei.accounts.migrations.0003_normalize_usernames")


def _rename(user: User, raw: str) -> None:
    User.objects.filter(pk=user.pk).update(username=raw)  # as an older Hansei could store it


def test_the_migration_normalizes_existing_names(alice: Any, bob: Any) -> None:
    _rename(alice, "Alice")
    _rename(bob, " ＢＯＢ")
    _migration().normalize_usernames(apps, None)
    assert sorted(User.objects.values_list("username", flat=True)) == ["alice", "bob"]


def test_the_migration_refuses_names_that_would_collide(alice: Any, bob: Any) -> None:
    _rename(bob, "ALICE ")
    with pytest.raises(CommandError) as refused:
        _migration().normalize_usernames(apps, None)
    assert "'alice' and 'ALICE ' would all be 'alice'" in str(refused.value)
    assert sorted(User.objects.values_list("username", flat=True)) == ["ALICE ", "alice"]
