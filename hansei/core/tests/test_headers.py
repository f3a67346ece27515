"""Security headers of every answer: Content-Security-Policy with a per-request nonce,
Permissions-Policy, Cross-Origin-Opener-Policy, HSTS when configured, ``no-store`` on what is
private, and no ``Server`` header from ``hansei serve``."""

from __future__ import annotations

import http.client
import signal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from hansei.cli.tests.test_serve import Process
from hansei.conftest import free_port

pytestmark = pytest.mark.django_db


def policy_of(response: Any) -> dict[str, list[str]]:
    """The Content-Security-Policy header as {directive: [sources]}."""
    directives: dict[str, list[str]] = {}
    for part in response.headers["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def nonce_of(response: Any) -> str:
    [nonce] = [s for s in policy_of(response)["script-src"] if s.startswith("'nonce-")]
    return nonce.removeprefix("'nonce-").removesuffix("'")


class PageScan(HTMLParser):
    """Every <script> of a page (attributes, and whether it has inline code), and every inline
    event handler or style attribute, which the policy would refuse."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.inline_code: list[bool] = []
        self.refused_attributes: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("on") or name == "style" or name.startswith("hx-on"):
                self.refused_attributes.append(f"<{tag} {name}={value!r}>")
            if name == "href" and (value or "").strip().lower().startswith("javascript:"):
                self.refused_attributes.append(f"<{tag} href={value!r}>")
        if tag == "script":
            self.scripts.append(dict(attrs))
            self.inline_code.append(False)
            self._in_script = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_code[-1] = True


def scan(response: Any) -> PageScan:
    parser = PageScan()
    parser.feed(response.content.decode())
    return parser


def assert_page_obeys_its_policy(response: Any, *, ours: bool = True) -> None:
    """Every executable script of our pages carries this answer's nonce; a page not ours (the
    admin's) loads files only. No event handler or style attribute anywhere."""
    assert response.status_code == 200
    nonce = nonce_of(response) if ours else None
    page = scan(response)
    assert page.scripts, "the page loads its scripts"
    for attrs, inline in zip(page.scripts, page.inline_code, strict=True):
        if attrs.get("type") == "application/json":
            assert attrs.get("src") is None  # a data block: never executed
            continue
        if ours:
            assert attrs.get("nonce") == nonce, attrs
        assert attrs.get("src") or (ours and inline), attrs
    assert page.refused_attributes == []


# --- Content-Security-Policy ----------------------------------------------------------------


def test_it_sends_a_strict_policy_with_a_fresh_nonce_on_every_answer(client: Any) -> None:
    first = client.get(reverse("accounts:login"))
    second = client.get(reverse("accounts:login"))

    policy = policy_of(first)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'", f"'nonce-{nonce_of(first)}'"]
    assert policy["style-src"] == ["'self'", f"'nonce-{nonce_of(first)}'"]
    for directive in ("script-src", "style-src", "default-src"):
        assert "'unsafe-inline'" not in policy[directive]
        assert "'unsafe-eval'" not in policy[directive]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["connect-src"] == ["'self'", "ws://testserver"]
    assert "report-uri" not in policy
    assert len(nonce_of(first)) >= 22
    assert nonce_of(first) != nonce_of(second)
    assert f'nonce="{nonce_of(first)}"' in first.content.decode()
    assert nonce_of(first) not in second.content.decode()


def test_the_websocket_origin_follows_a_secure_request(client: Any) -> None:
    response = client.get(reverse("accounts:login"), secure=True)

    assert policy_of(response)["connect-src"] == ["'self'", "wss://testserver"]


def test_it_reports_violations_where_configured(client: Any, settings: Any) -> None:
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {
            **settings.CONTENT_SECURITY_POLICY["DIRECTIVES"],
            "report-uri": ["https://reports.example.com/csp"],
        }
    }

    response = client.get(reverse("accounts:login"))

    assert policy_of(response)["report-uri"] == ["https://reports.example.com/csp"]


def test_pages_carry_the_nonce_on_every_script_and_nothing_inline(
    client: Any, alice: Any, ada: Any, make_incident: Any, make_postmortem: Any
) -> None:
    incident = make_incident()
    postmortem = make_postmortem(incident=incident)
    assert_page_obeys_its_policy(client.get(reverse("accounts:login")))
    client.force_login(alice)
    assert_page_obeys_its_policy(client.get(reverse("home:my_work")))
    assert_page_obeys_its_policy(client.get(reverse("incidents:detail", args=[incident.pk])))
    live = client.get(reverse("postmortems:detail", args=[postmortem.pk]))
    assert_page_obeys_its_policy(live)
    assert "hansei/collab.js" in live.content.decode()
    client.force_login(ada)
    assert_page_obeys_its_policy(client.get(reverse("admin:index")), ours=False)
    team_form = client.get(reverse("admin:accounts_team_add"))
    assert_page_obeys_its_policy(team_form, ours=False)


def test_markdown_tables_align_without_style_attributes(client: Any, alice: Any) -> None:
    client.force_login(alice)

    response = client.post(
        reverse("postmortems:preview"),
        {"body": "| a | b |\n|:-:|--:|\n| 1 | 2 |\n"},
    )

    html = response.content.decode()
    assert '<td class="align-center">1</td>' in html
    assert "style=" not in html


# --- other headers ----------------------------------------------------------------------------


def test_it_turns_off_browser_features_and_isolates_the_window(client: Any) -> None:
    response = client.get(reverse("accounts:login"))

    features = dict(
        item.strip().split("=", 1) for item in response.headers["Permissions-Policy"].split(",")
    )
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "interest-cohort"):
        assert features[feature] == "()"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_it_sends_no_hsts_by_default(client: Any) -> None:
    response = client.get(reverse("accounts:login"), secure=True)

    assert "Strict-Transport-Security" not in response.headers


def test_it_sends_hsts_on_secure_requests_when_configured(client: Any, settings: Any) -> None:
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True

    secure = client.get(reverse("accounts:login"), secure=True)
    plain = client.get(reverse("accounts:login"))

    assert secure.headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    assert "Strict-Transport-Security" not in plain.headers


def test_a_proxy_header_makes_a_request_secure_when_configured(client: Any, settings: Any) -> None:
    settings.SECURE_HSTS_SECONDS = 600
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

    response = client.get(reverse("accounts:login"), headers={"X-Forwarded-Proto": "https"})

    assert response.headers["Strict-Transport-Security"] == "max-age=600"


# --- Cache-Control ----------------------------------------------------------------------------


def assert_not_stored(response: Any) -> None:
    directives = {d.strip() for d in response.headers.get("Cache-Control", "").split(",")}
    assert {"no-store", "private"} <= directives, response.headers.get("Cache-Control")


def test_pages_of_a_signed_in_person_are_never_stored(
    client: Any, alice: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    client.force_login(alice)

    assert_not_stored(client.get(reverse("home:my_work")))
    assert_not_stored(client.get(reverse("postmortems:detail", args=[postmortem.pk])))
    missing = client.get("/postmortems/999999/")
    assert missing.status_code == 404
    assert_not_stored(missing)
    refused = client.post(reverse("accounts:logout"), enforce_csrf_checks=True)
    assert_not_stored(refused)


def test_api_answers_are_never_stored_whatever_their_status(client: Any, alice: Any) -> None:
    unauthenticated = client.get("/api/v1/postmortems")
    assert unauthenticated.status_code == 401
    assert_not_stored(unauthenticated)

    client.force_login(alice)
    listing = client.get("/api/v1/postmortems")
    assert listing.status_code == 200
    assert_not_stored(listing)
    missing = client.get("/api/v1/postmortems/999999")
    assert missing.status_code == 404
    assert_not_stored(missing)


def test_static_files_keep_their_cache_even_for_a_signed_in_person(client: Any, alice: Any) -> None:
    client.force_login(alice)

    response = client.get("/static/hansei/app.js")

    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    assert "Content-Security-Policy" not in response.headers


# --- a real server process --------------------------------------------------------------------


def _raw_get(port: int, path: str, **headers: str) -> tuple[int, list[tuple[str, str]]]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status, response.getheaders()
    finally:
        connection.close()


def test_hansei_serve_sends_the_headers_and_no_server_header(tmp_path: Path) -> None:
    port = free_port()
    server = Process(
        ["serve", "--no-worker", "--port", str(port)], tmp_path, HANSEI_HSTS_SECONDS="600"
    )
    try:
        server.wait_for("Hansei is running at")
        status, headers = _raw_get(port, "/accounts/login/")
        names = [name.lower() for name, _ in headers]
        values = {name.lower(): value for name, value in headers}
        assert status == 200
        assert "server" not in names
        assert "date" in names
        assert "'nonce-" in values["content-security-policy"]
        assert f"ws://127.0.0.1:{port}" in values["content-security-policy"]
        assert "camera=()" in values["permissions-policy"]
        assert "strict-transport-security" not in names  # plain HTTP: never

        # Behind a TLS-terminating proxy on this host, uvicorn trusts its X-Forwarded-Proto.
        status, headers = _raw_get(port, "/accounts/login/", **{"X-Forwarded-Proto": "https"})
        values = {name.lower(): value for name, value in headers}
        assert status == 200
        assert values["strict-transport-security"] == "max-age=600"
        assert f"wss://127.0.0.1:{port}" in values["content-security-policy"]

        status, headers = _raw_get(port, "/api/v1/postmortems")
        values = {name.lower(): value for name, value in headers}
        assert status == 401
        assert "server" not in values
        assert "no-store" in values["cache-control"]
    finally:
        assert server.stop(signal.SIGTERM) == 0
