"""Single sign-on against a real OpenID provider (django-oidc-provider in its own process),
with Hansei on the live server and real HTTP clients: requests, and Chromium for one flow."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from hansei.accounts.models import Membership, SsoIdentity, Team, User
from hansei.accounts.tests.servers import IdentityProvider
from hansei.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

EMMA_PASSWORD = "emma's provider password"
PROVIDER_PAGE = "Test identity provider"


@pytest.fixture(scope="session")
def identity_provider(live_server: Any, tmp_path_factory: Any) -> Iterator[IdentityProvider]:
    directory = tmp_path_factory.mktemp("identity-provider")
    provider = IdentityProvider(directory, rp_urls=[live_server.url]).start()
    yield provider
    provider.stop()


@pytest.fixture
def teams(transactional_db: Any) -> dict[str, Team]:
    return {
        slug: Team.objects.create(name=slug.capitalize(), slug=slug)
        for slug in ("platform", "payments", "search")
    }


@pytest.fixture
def provider(
    settings: Any, live_server: Any, identity_provider: IdentityProvider, teams: Any
) -> IdentityProvider:
    """Hansei configured for the test provider, whose only person is Emma, an SRE admin."""
    settings.BASE_URL = live_server.url
    settings.OIDC_RP_CLIENT_ID = IdentityProvider.CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = IdentityProvider.CLIENT_SECRET
    settings.OIDC_ISSUER = identity_provider.issuer
    settings.OIDC_RP_SCOPES = "openid email profile groups"
    settings.OIDC_PROVIDER_NAME = "Test IdP"
    settings.OIDC_TEAM_MAP = "sre=platform,payments-eng=payments"
    settings.OIDC_ROLE_MAP = "hansei-admins=admin,auditors=reviewer"
    identity_provider.people.clear()
    identity_provider.issue_id_tokens("valid")
    identity_provider.set_person(
        "emma",
        password=EMMA_PASSWORD,
        name="Emma Lindqvist",
        email="emma@example.com",
        email_verified=True,
        groups=["sre", "hansei-admins"],
    )
    return identity_provider


class Person:
    """One browser's cookies, over real HTTP, following redirects like a browser."""

    def __init__(self, hansei: str) -> None:
        self.hansei = hansei
        self.http = requests.Session()

    def start_sso(self) -> requests.Response:
        return self.http.get(f"{self.hansei}/accounts/sso/start/", timeout=30)

    def sign_in_with_sso(self, username: str, password: str) -> requests.Response:
        page = self.start_sso()
        assert PROVIDER_PAGE in page.text, page.text[:300]
        return self.sign_in_at_provider(page, username, password)

    def sign_in_at_provider(
        self, page: requests.Response, username: str, password: str
    ) -> requests.Response:
        data = {"csrfmiddlewaretoken": csrf_token(page.text)}
        data |= {"username": username, "password": password}
        return self.http.post(page.url, data=data, timeout=30)

    def me(self) -> str | None:
        response = self.http.get(f"{self.hansei}/api/v1/me", timeout=30)
        return str(response.json()["username"]) if response.status_code == 200 else None

    def sign_out(self) -> requests.Response:
        """Sign out, then go on to the provider if the page says to (as its refresh does)."""
        home = self.http.get(f"{self.hansei}/", timeout=30)
        data = {"csrfmiddlewaretoken": csrf_token(home.text)}
        left = self.http.post(f"{self.hansei}/accounts/logout/", data=data, timeout=30)
        onwards = re.search(r'http-equiv="refresh" content="0;url=([^"]+)"', left.text)
        if not onwards:
            return left
        return self.http.get(html.unescape(onwards[1]), timeout=30)


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert found, html[:300]
    return found[1]


def team_slugs(user: User) -> list[str]:
    return sorted(user.teams.values_list("slug", flat=True))


def test_a_first_sign_in_creates_the_person_with_teams_and_role_from_claims(
    live_server: Any, provider: IdentityProvider, signals: list[tuple[str, str]]
) -> None:
    emma = Person(live_server.url)
    landed = emma.sign_in_with_sso("emma", EMMA_PASSWORD)
    assert landed.status_code == 200 and landed.url == f"{live_server.url}/"
    assert "Emma Lindqvist" in landed.text
    assert emma.me() == "emma"
    user = User.objects.get()
    assert (user.username, user.email, user.display_name) == (
        "emma",
        "emma@example.com",
        "Emma Lindqvist",
    )
    assert user.role == "admin" and user.is_staff and not user.has_usable_password()
    assert team_slugs(user) == ["platform"]
    identity = SsoIdentity.objects.get(user=user)
    assert identity.issuer == provider.issuer and identity.subject
    assert signals == [("user_logged_in", "emma")]


def test_a_later_sign_in_is_the_same_person_with_the_claims_of_the_day(
    live_server: Any, provider: IdentityProvider, teams: dict[str, Team]
) -> None:
    Person(live_server.url).sign_in_with_sso("emma", EMMA_PASSWORD)
    user = User.objects.get()
    Membership.objects.create(user=user, team=teams["search"])  # an admin's, not the claims'
    provider.set_person(
        "emma",
        preferred_username="emma.lindqvist",
        name="Emma L.",
        email="emma.l@example.com",
        groups=["payments-eng"],
    )
    assert Person(live_server.url).sign_in_with_sso("emma", EMMA_PASSWORD).status_code == 200
    user = User.objects.get()  # still one person, matched by sub
    assert user.username == "emma"
    assert (user.email, user.display_name) == ("emma.l@example.com", "Emma L.")
    assert user.role == "member" and not user.is_staff
    assert team_slugs(user) == ["payments", "search"]
    provider.set_person("emma", groups=["payments-eng", "auditors"])
    Person(live_server.url).sign_in_with_sso("emma", EMMA_PASSWORD)
    user.refresh_from_db()
    assert user.role == "reviewer"


def test_an_account_with_the_verified_email_is_linked_not_duplicated(
    live_server: Any, provider: IdentityProvider
) -> None:
    local = User.objects.create_user(
        username="elindqvist", email="Emma@Example.com", password=PASSWORD, role="member"
    )
    person = Person(live_server.url)
    assert person.sign_in_with_sso("emma", EMMA_PASSWORD).status_code == 200
    assert person.me() == "elindqvist"
    assert User.objects.count() == 1
    assert SsoIdentity.objects.get().user == local


def test_a_name_alone_never_opens_someone_elses_account(
    live_server: Any, provider: IdentityProvider, signals: list[tuple[str, str]]
) -> None:
    User.objects.create_user(
        username="emma", email="emma@elsewhere.example", password=PASSWORD, role="admin"
    )
    provider.set_person("emma", email_verified=False, email="emma@elsewhere.example")
    person = Person(live_server.url)
    refused = person.sign_in_with_sso("emma", EMMA_PASSWORD)
    assert refused.status_code == 403
    assert "Hansei cannot create an account named emma for you" in refused.text
    assert person.me() is None
    assert not SsoIdentity.objects.exists()
    assert signals == [("user_login_failed", "")]


def test_no_account_is_created_when_creation_is_turned_off(
    live_server: Any, provider: IdentityProvider, settings: Any
) -> None:
    settings.OIDC_CREATE_USER = False
    refused = Person(live_server.url).sign_in_with_sso("emma", EMMA_PASSWORD)
    assert refused.status_code == 403
    assert "You have no Hansei account yet" in refused.text
    assert not User.objects.exists()


def test_a_deactivated_account_stays_out(live_server: Any, provider: IdentityProvider) -> None:
    Person(live_server.url).sign_in_with_sso("emma", EMMA_PASSWORD)
    User.objects.update(is_active=False)
    refused = Person(live_server.url).sign_in_with_sso("emma", EMMA_PASSWORD)
    assert refused.status_code == 403
    assert "This Hansei account is deactivated." in refused.text


def test_signing_out_ends_the_session_here_and_at_the_provider(
    live_server: Any, provider: IdentityProvider
) -> None:
    emma = Person(live_server.url)
    emma.sign_in_with_sso("emma", EMMA_PASSWORD)
    left = emma.sign_out()
    # Through the provider's end-session endpoint, and back to Hansei's sign-in page.
    assert any(step.url.startswith(f"{provider.issuer}/end-session") for step in left.history)
    assert left.url == f"{live_server.url}/accounts/login/"
    assert emma.me() is None
    again = emma.start_sso()
    assert PROVIDER_PAGE in again.text  # the provider asks for the password again


def test_without_provider_logout_signing_out_ends_only_hanseis_session(
    live_server: Any, provider: IdentityProvider, settings: Any
) -> None:
    settings.OIDC_END_PROVIDER_SESSION = False
    emma = Person(live_server.url)
    emma.sign_in_with_sso("emma", EMMA_PASSWORD)
    left = emma.sign_out()
    assert left.url == f"{live_server.url}/accounts/login/"
    assert not any(step.url.startswith(provider.issuer) for step in left.history)
    assert emma.me() is None
    assert emma.start_sso().url == f"{live_server.url}/"  # still signed in at the provider
    assert emma.me() == "emma"


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("tampered", "its signature does not match the provider's keys"),
        ("wrong-audience", "it was issued to another application"),
        ("expired", "it has expired"),
    ],
)
def test_a_bad_id_token_is_refused_with_a_clear_message(
    live_server: Any,
    provider: IdentityProvider,
    signals: list[tuple[str, str]],
    kind: str,
    message: str,
) -> None:
    provider.issue_id_tokens(kind)
    person = Person(live_server.url)
    refused = person.sign_in_with_sso("emma", EMMA_PASSWORD)
    assert refused.status_code == 403
    expected = f"Test IdP's sign-in token was refused: {message}. Sign in again."
    assert expected in html.unescape(refused.text)
    assert person.me() is None
    assert not User.objects.exists()
    assert signals == [("user_login_failed", "")]


def test_without_passwords_single_sign_on_is_the_way_in(
    live_server: Any, provider: IdentityProvider, settings: Any
) -> None:
    settings.PASSWORD_LOGIN = False
    User.objects.create_user(username="alice", email="a@example.com", password=PASSWORD)
    person = Person(live_server.url)
    page = person.http.get(f"{live_server.url}/accounts/login/")
    refused = person.http.post(
        page.url,
        data={
            "csrfmiddlewaretoken": csrf_token(page.text),
            "username": "alice",
            "password": PASSWORD,
        },
    )
    assert refused.status_code == 403 and "Password sign-in is turned off" in refused.text
    assert person.me() is None
    assert person.sign_in_with_sso("emma", EMMA_PASSWORD).status_code == 200
    assert person.me() == "emma"


@pytest.mark.browser
def test_a_person_signs_in_and_out_through_the_provider_in_a_browser(
    live_server: Any, provider: IdentityProvider, page: Any
) -> None:
    page.goto(f"{live_server.url}/postmortems/")
    page.get_by_role("link", name="Sign in with Test IdP").click()
    page.get_by_label("Username").fill("emma")
    page.get_by_label("Password").fill(EMMA_PASSWORD)
    page.get_by_role("button", name="Sign in to the provider").click()
    page.wait_for_url(f"{live_server.url}/postmortems/")
    assert page.locator(".nav-user").inner_text() == "Emma Lindqvist"
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    assert page.get_by_role("link", name="Sign in with Test IdP").is_visible()
    page.get_by_role("link", name="Sign in with Test IdP").click()
    # The provider's session ended too: it asks for the password again.
    page.get_by_role("button", name="Sign in to the provider").wait_for()
    assert User.objects.get().username == "emma"
