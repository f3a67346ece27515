"""WebSocket handshakes and frames against a real server: the Origin check (scheme, host and
port), odd room names and frames nobody expects never cause a server error."""

from __future__ import annotations

import re
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from hansei.collab.live import broadcast
from hansei.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def _session_cookie(server: Any, username: str) -> str:
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login = opener.open(f"{server.url}/accounts/login/").read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login)
    assert csrf
    fields = {"csrfmiddlewaretoken": csrf.group(1), "username": username, "password": PASSWORD}
    opener.open(f"{server.url}/accounts/login/", urllib.parse.urlencode(fields).encode())
    cookies = {cookie.name: cookie.value for cookie in jar}
    assert "sessionid" in cookies
    return f"sessionid={cookies['sessionid']}"


def _close_code(url: str, headers: dict[str, str]) -> int | None:
    """Open a socket and read until it closes: its close code, or None if it stayed open."""
    try:
        with connect(url, additional_headers=headers, open_timeout=10) as socket:
            try:
                socket.recv(timeout=3)
                socket.recv(timeout=3)
            except TimeoutError:
                return None
            except ConnectionClosed as closed:
                return closed.rcvd.code if closed.rcvd else None
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else None
    return None


def _no_server_error(server: Any) -> None:
    log = server.log.read_text()
    assert "Traceback" not in log and "Internal Server Error" not in log, log[-3000:]


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("{url}", True),
        ("http://localhost:9999", False),  # the host of an allowed host, another port
        ("https://127.0.0.1:{port}", False),  # another scheme
        ("http://127.0.0.1:{other}", False),
        ("http://evil.example", False),
        ("null", False),
        ("", False),
    ],
)
def test_a_browser_session_must_come_from_the_site_s_own_origin(
    make_postmortem: Any, alice: Any, servers: Any, origin: str, allowed: bool
) -> None:
    postmortem = make_postmortem()
    server = servers()
    cookie = _session_cookie(server, "alice")
    sent = origin.format(url=server.url, port=server.port, other=server.port + 1)
    headers = {"Cookie": cookie, **({"Origin": sent} if sent else {})}
    url = f"ws://127.0.0.1:{server.port}/ws/collab/{broadcast.room_name(postmortem.pk)}"
    code = _close_code(url, headers)
    if allowed:
        assert code is None  # the room answered and kept the socket open
    else:
        assert code == 4403
    _no_server_error(server)


def test_a_trusted_origin_from_the_settings_is_allowed(
    make_postmortem: Any, alice: Any, servers: Any
) -> None:
    postmortem = make_postmortem()
    server = servers(HANSEI_CSRF_TRUSTED_ORIGINS="https://*.example.org")
    cookie = _session_cookie(server, "alice")
    url = f"ws://127.0.0.1:{server.port}/ws/collab/{broadcast.room_name(postmortem.pk)}"
    trusted = {"Cookie": cookie, "Origin": "https://hansei.example.org"}
    assert _close_code(url, trusted) is None
    other_port = {"Cookie": cookie, "Origin": "https://hansei.example.org:8443"}
    assert _close_code(url, other_port) == 4403
    lookalike = {"Cookie": cookie, "Origin": "https://evilexample.org"}
    assert _close_code(url, lookalike) == 4403


@pytest.mark.parametrize(
    "room", ["postmortem-%C2%B2", "postmortem-99999999999999999999", "postmortem--1", "x"]
)
def test_an_odd_room_name_is_refused_without_a_server_error(
    alice: Any, servers: Any, token_for: Any, room: str
) -> None:
    server = servers()
    headers = {"Authorization": f"Bearer {token_for(alice)}"}
    assert _close_code(f"ws://127.0.0.1:{server.port}/ws/collab/{room}", headers) == 4403
    _no_server_error(server)


def test_the_events_socket_ignores_whatever_a_page_sends(
    make_postmortem: Any, alice: Any, servers: Any, token_for: Any
) -> None:
    postmortem = make_postmortem()
    server = servers()
    headers = {"Authorization": f"Bearer {token_for(alice)}"}
    url = f"ws://127.0.0.1:{server.port}/ws/postmortems/{postmortem.pk}/events/"
    with connect(url, additional_headers=headers, open_timeout=10) as socket:
        socket.send(b"\x00\xff binary")
        socket.send("not json")
        socket.send('{"deeply": ' * 5000 + "1" + "}" * 5000)
        socket.ping().wait(5)  # still open and answering
    _no_server_error(server)


def test_an_events_socket_for_an_id_no_database_holds_is_refused(
    alice: Any, servers: Any, token_for: Any
) -> None:
    server = servers()
    headers = {"Authorization": f"Bearer {token_for(alice)}"}
    url = f"ws://127.0.0.1:{server.port}/ws/postmortems/{'9' * 30}/events/"
    with (
        pytest.raises((InvalidStatus, ConnectionClosed)),
        connect(url, additional_headers=headers, open_timeout=10) as socket,
    ):
        socket.recv(timeout=3)
    _no_server_error(server)


def test_readers_outside_an_amendment_hear_none_of_its_page_events(
    make_postmortem: Any,
    alice: Any,
    charlie: Any,
    bob: Any,
    rita: Any,
    servers: Any,
    token_for: Any,
) -> None:
    from hansei.postmortems.tests.amendment import amended_postmortem

    amended = amended_postmortem(make_postmortem(), alice, rita)
    server = servers()
    url = f"ws://127.0.0.1:{server.port}/ws/postmortems/{amended.postmortem.pk}/events/"
    outside = {"Authorization": f"Bearer {token_for(charlie)}"}
    with (
        pytest.raises((InvalidStatus, ConnectionClosed)),
        connect(url, additional_headers=outside, open_timeout=10) as socket,
    ):
        socket.recv(timeout=3)
    writer = {"Authorization": f"Bearer {token_for(bob)}"}
    with connect(url, additional_headers=writer, open_timeout=10) as socket:
        socket.ping().wait(5)
    _no_server_error(server)
