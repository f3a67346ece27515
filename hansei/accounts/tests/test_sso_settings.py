"""Single sign-on settings, the sign-in page with and without it, and local passwords turned
off. The flows against a real provider are in test_sso.py."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from hansei.accounts.sso.checks import check_sign_in_settings
from hansei.accounts.sso.config import mapping, parse_mapping
from hansei.conftest import PASSWORD, free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def sso_settings(settings: Any) -> Any:
    settings.OIDC_RP_CLIENT_ID = "hansei"
    settings.OIDC_RP_CLIENT_SECRET = "secret"
    settings.OIDC_ISSUER = f"http://127.0.0.1:{free_port()}/nobody-here"
    settings.OIDC_PROVIDER_NAME = "Example ID"
    return settings


def test_the_sign_in_page_is_as_before_without_single_sign_on(client: Client) -> None:
    page = client.get("/accounts/login/").content.decode()
    assert 'name="password"' in page
    assert "Sign in with" not in page and "/accounts/sso/" not in page
    assert client.get("/accounts/sso/start/").status_code == 404
    assert client.get("/accounts/sso/callback/?code=x&state=y").status_code == 404


def test_the_sign_in_page_offers_the_provider_when_configured(
    client: Client, sso_settings: Any
) -> None:
    page = client.get("/accounts/login/?next=/archive/").content.decode()
    assert 'name="password"' in page
    assert "Sign in with Example ID" in page
    assert 'href="/accounts/sso/start/?next=%2Farchive%2F"' in page


def test_the_button_speaks_japanese(client: Client, sso_settings: Any) -> None:
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "Example ID でログイン" in page


def test_an_unreachable_provider_is_a_clear_answer(client: Client, sso_settings: Any) -> None:
    response = client.get("/accounts/sso/start/")
    assert response.status_code == 503
    assert "Example ID cannot be reached right now" in response.content.decode()


def test_a_callback_for_no_sign_in_in_progress_is_refused(
    client: Client, sso_settings: Any, signals: list[tuple[str, str]]
) -> None:
    response = client.get("/accounts/sso/callback/?code=abc&state=def")
    assert response.status_code == 403
    assert "The sign-in with Example ID failed" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert signals == [("user_login_failed", "")]


def test_a_callback_for_a_state_this_session_never_had_is_refused(
    client: Client, sso_settings: Any
) -> None:
    session = client.session
    session["oidc_states"] = {"mine": {"nonce": "n", "code_verifier": None, "added_on": 0}}
    session.save()
    response = client.get("/accounts/sso/callback/?code=abc&state=forged")
    assert response.status_code == 403
    assert "This sign-in has expired or was already used." in response.content.decode()


def test_a_provider_error_is_shown(
    client: Client, sso_settings: Any, signals: list[tuple[str, str]]
) -> None:
    response = client.get("/accounts/sso/callback/?error=access_denied&state=def")
    assert response.status_code == 403
    assert "Example ID did not sign you in (access_denied)" in response.content.decode()
    assert signals == [("user_login_failed", "")]


# --- local passwords turned off -----------------------------------------------------------


def test_without_passwords_the_page_offers_only_the_provider(
    client: Client, sso_settings: Any
) -> None:
    sso_settings.PASSWORD_LOGIN = False
    page = client.get("/accounts/login/").content.decode()
    assert 'name="password"' not in page
    assert "Sign in with Example ID" in page


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_without_passwords_a_password_is_refused_everywhere(
    client: Client, sso_settings: Any, ada: Any, path: str
) -> None:
    sso_settings.PASSWORD_LOGIN = False
    response = client.post(path, {"username": "ada", "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 403
    assert "Password sign-in is turned off: sign in with Example ID." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_without_passwords_the_admin_sign_in_sends_people_to_the_provider_button(
    client: Client, sso_settings: Any
) -> None:
    sso_settings.PASSWORD_LOGIN = False
    response = client.get("/admin/login/?next=/admin/accounts/team/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/accounts/team/"


def test_without_passwords_password_sessions_end_everywhere(
    client: Client, sso_settings: Any, alice: Any
) -> None:
    assert (
        client.post("/accounts/login/", {"username": "alice", "password": PASSWORD}).status_code
        == 302
    )
    assert client.get("/api/v1/me").status_code == 200
    sso_settings.PASSWORD_LOGIN = False
    assert client.get("/").status_code == 302
    assert client.get("/api/v1/me").status_code == 401


def test_without_passwords_the_password_backend_signs_nobody_in(
    sso_settings: Any, alice: Any
) -> None:
    from django.contrib.auth import authenticate
    from django.http import HttpRequest

    request = HttpRequest()
    assert authenticate(request, username="alice", password=PASSWORD) == alice
    sso_settings.PASSWORD_LOGIN = False
    assert authenticate(request, username="alice", password=PASSWORD) is None


# --- settings ------------------------------------------------------------------------------


def test_a_mapping_reads_group_value_pairs() -> None:
    assert parse_mapping(" sre=platform, payments-eng = payments ,sre=search,", variable="X") == {
        "sre": ("platform", "search"),
        "payments-eng": ("payments",),
    }


@pytest.mark.parametrize("text", ["sre", "=platform", "sre=", "sre=platform,oops"])
def test_a_malformed_mapping_names_the_variable(text: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="HANSEI_OIDC_TEAM_MAP"):
        parse_mapping(text, variable="HANSEI_OIDC_TEAM_MAP")


def test_the_most_capable_mapped_role_wins(settings: Any) -> None:
    settings.OIDC_ROLE_MAP = "auditors=reviewer,sre=member,leads=admin,leads=reviewer"
    settings.OIDC_DEFAULT_ROLE = "reviewer"
    found = mapping()
    assert found.role_for(["auditors", "sre"]) == "member"
    assert found.role_for(["leads"]) == "admin"
    assert found.role_for(["visitors"]) == "reviewer"


def test_the_checks_report_settings_nobody_could_sign_in_with(settings: Any) -> None:
    assert check_sign_in_settings() == []
    settings.PASSWORD_LOGIN = False
    assert [error.id for error in check_sign_in_settings()] == ["hansei.E101"]
    settings.OIDC_RP_CLIENT_ID = "hansei"
    settings.OIDC_ROLE_MAP = "sre=boss"
    assert [error.id for error in check_sign_in_settings()] == ["hansei.E102", "hansei.E103"]
    settings.OIDC_ISSUER = "https://idp.example.com"
    settings.OIDC_ROLE_MAP = "sre=admin"
    assert check_sign_in_settings() == []
