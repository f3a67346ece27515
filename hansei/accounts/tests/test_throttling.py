"""Sign-in throttling (django-axes): one counter per normalized user name, on the sign-in
page and on /admin/login/ alike, shared by every server process."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from hansei.accounts.models import User
from hansei.accounts.tests.servers import ServerProcess, hansei_process
from hansei.conftest import PASSWORD

pytestmark = pytest.mark.django_db

SIGN_IN = "/accounts/login/"
ADMIN_SIGN_IN = "/admin/login/"
PATHS = [SIGN_IN, ADMIN_SIGN_IN]
SPELLINGS = [" emma", "emma ", "\temma", "ｅｍｍａ", "EMMA", "emma"]
LOCKED = "Too many failed sign-ins for this user name"


@pytest.fixture(autouse=True)
def three_failures(settings: Any) -> None:
    settings.LOGIN_MAX_FAILURES = 3


@pytest.fixture
def emma(db: Any) -> User:
    # An admin, so that /admin/login/ would let her in.
    return User.objects.create_user(
        username="emma", email="emma@example.com", password=PASSWORD, role="admin"
    )


def sign_in(client: Client, path: str, username: str, password: str) -> Any:
    return client.post(path, {"username": username, "password": password, "next": "/"})


def is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def lock_out(client: Client, path: str, spellings: list[str]) -> Any:
    """Fail once per spelling; the last failure is the one that locks."""
    for spelling in spellings[:-1]:
        assert sign_in(client, path, spelling, "wrong").status_code == 200
    return sign_in(client, path, spellings[-1], "wrong")


@pytest.mark.parametrize("path", PATHS)
def test_every_spelling_of_a_name_counts_against_one_lockout(
    client: Client, emma: User, path: str
) -> None:
    response = lock_out(client, path, [" emma", "\tEMMA", "ｅｍｍａ"])
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert list(AccessAttempt.objects.values_list("username", flat=True).distinct()) == ["emma"]
    for spelling in SPELLINGS:
        refused = sign_in(client, path, spelling, PASSWORD)
        assert refused.status_code == 429, spelling
        assert LOCKED in refused.content.decode()
        assert not is_signed_in(client)


@pytest.mark.parametrize(("locked_at", "tried_at"), [PATHS, PATHS[::-1]])
def test_a_lockout_on_one_sign_in_path_holds_on_the_other(
    client: Client, emma: User, locked_at: str, tried_at: str
) -> None:
    assert lock_out(client, locked_at, ["emma ", "Emma", "emma"]).status_code == 429
    response = sign_in(Client(), tried_at, "emma", PASSWORD)
    assert response.status_code == 429
    assert LOCKED in response.content.decode()


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_every_spelling_signs_in_while_the_name_is_not_locked(
    client: Client, emma: User, spelling: str
) -> None:
    response = sign_in(client, SIGN_IN, spelling, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(emma.pk)


def test_the_admin_sign_in_normalizes_names_too(client: Client, emma: User) -> None:
    response = sign_in(client, ADMIN_SIGN_IN, " ＥＭＭＡ", PASSWORD)
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_the_lockout_says_so_in_japanese(client: Client, emma: User) -> None:
    response = lock_out(client, SIGN_IN, ["emma"] * 3)
    assert response.status_code == 429
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "ja"
    response = sign_in(client, SIGN_IN, "emma", PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "このユーザー名のログインの失敗が多すぎます" in page
    assert LOCKED not in page


def test_the_lockout_ends_after_the_configured_time(client: Client, emma: User) -> None:
    assert lock_out(client, SIGN_IN, ["emma"] * 3).status_code == 429
    seconds = django_settings.LOGIN_LOCKOUT_SECONDS

    def failures_were(ago: float) -> None:
        AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(seconds=ago))

    failures_were(seconds - 30)
    assert sign_in(client, SIGN_IN, "emma", PASSWORD).status_code == 429
    failures_were(seconds + 1)
    assert sign_in(client, SIGN_IN, "emma", PASSWORD).status_code == 302
    assert is_signed_in(client)


def test_the_lockout_length_is_the_setting(client: Client, emma: User, settings: Any) -> None:
    settings.LOGIN_LOCKOUT_SECONDS = 60
    assert lock_out(client, SIGN_IN, ["emma"] * 3).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(seconds=61))
    assert sign_in(client, SIGN_IN, "emma", PASSWORD).status_code == 302


def test_attempts_during_a_lockout_do_not_extend_it(client: Client, emma: User) -> None:
    assert lock_out(client, SIGN_IN, ["emma"] * 3).status_code == 429
    started = AccessAttempt.objects.get().attempt_time
    for _attempt in range(3):
        assert sign_in(client, SIGN_IN, "emma", "wrong").status_code == 429
    attempt = AccessAttempt.objects.get()
    assert attempt.attempt_time == started and attempt.failures_since_start == 3


def test_a_locked_out_users_signed_in_sessions_keep_working(emma: User) -> None:
    desk = Client()
    assert sign_in(desk, SIGN_IN, "emma", PASSWORD).status_code == 302
    assert lock_out(Client(), SIGN_IN, ["emma"] * 3).status_code == 429
    assert desk.get("/").status_code == 200
    assert desk.get("/api/v1/me").json()["username"] == "emma"


def test_a_lockout_leaves_other_names_alone(client: Client, emma: User, alice: Any) -> None:
    assert lock_out(client, SIGN_IN, ["emma"] * 3).status_code == 429
    assert sign_in(client, SIGN_IN, "alice", PASSWORD).status_code == 302


def test_a_successful_sign_in_starts_the_count_again(client: Client, emma: User) -> None:
    for _attempt in range(2):
        assert sign_in(Client(), SIGN_IN, "emma", "wrong").status_code == 200
    assert sign_in(client, SIGN_IN, "Emma", PASSWORD).status_code == 302
    for _attempt in range(2):
        assert sign_in(Client(), SIGN_IN, "emma", "wrong").status_code == 200
    assert sign_in(Client(), SIGN_IN, "emma", PASSWORD).status_code == 302


@pytest.mark.parametrize("path", PATHS)
def test_every_sign_in_path_sends_the_sign_in_signals(
    client: Client, emma: User, signals: list[tuple[str, str]], path: str
) -> None:
    sign_in(client, path, " Emma", PASSWORD)
    sign_in(Client(), path, "emma", "wrong")
    sign_in(Client(), path, "emma", "wrong")
    sign_in(Client(), path, "ｅｍｍａ", "wrong")
    sign_in(Client(), path, "emma", PASSWORD)
    # axes sends user_locked_out from its own user_login_failed receiver, connected first.
    assert signals == [
        ("user_logged_in", "emma"),
        ("user_login_failed", "emma"),
        ("user_login_failed", "emma"),
        ("user_locked_out", "emma"),
        ("user_login_failed", "emma"),
        ("user_locked_out", "emma"),
        ("user_login_failed", "emma"),
    ]


# --- several server processes (uvicorn, ASGI) ---------------------------------------------


class Browser:
    """A cookie jar and Django's CSRF dance, over real HTTP."""

    def __init__(self) -> None:
        self.session = requests.Session()

    def sign_in(self, base: str, path: str, username: str, password: str, **headers: str) -> Any:
        form = self.session.get(f"{base}{path}", headers=headers, allow_redirects=True)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
        assert token, form.text[:500]
        data = {"csrfmiddlewaretoken": token[1], "username": username, "password": password}
        return self.session.post(form.url, data=data, headers=headers, allow_redirects=False)


@pytest.fixture
def two_servers(tmp_path: Path) -> Iterator[list[ServerProcess]]:
    servers: list[ServerProcess] = []
    try:
        for _number in range(2):
            servers.append(hansei_process(tmp_path, HANSEI_LOGIN_MAX_FAILURES="3"))
        yield servers
    finally:
        for server in servers:
            server.stop()


@pytest.mark.django_db(transaction=True)
def test_two_server_processes_share_one_count(two_servers: list[ServerProcess]) -> None:
    User.objects.create_user(username="emma", email="emma@example.com", password=PASSWORD)
    first, second = (server.url for server in two_servers)
    assert Browser().sign_in(first, SIGN_IN, " emma", "wrong").status_code == 200
    assert Browser().sign_in(second, ADMIN_SIGN_IN, "EMMA", "wrong").status_code == 200
    locking = Browser().sign_in(first, SIGN_IN, "ｅｍｍａ", "wrong")
    assert locking.status_code == 429 and LOCKED in locking.text
    for base, path in [(second, SIGN_IN), (first, ADMIN_SIGN_IN), (second, ADMIN_SIGN_IN)]:
        refused = Browser().sign_in(base, path, "emma", PASSWORD)
        assert refused.status_code == 429, (base, path)
        assert LOCKED in refused.text
    japanese = Browser().sign_in(second, SIGN_IN, "emma", PASSWORD, **{"Accept-Language": "ja"})
    assert japanese.status_code == 429
    assert "このユーザー名のログインの失敗が多すぎます" in japanese.text
