"""The live unread count: a page's inbox socket hears "changed" after a change to that
person's inbox commits (never its content, never someone else's), and a real browser's top
bar follows without a reload."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from hansei.accounts.services import create_api_token
from hansei.collab.comments.services import start_comment_thread
from hansei.collab.tests.test_sockets import _session_cookie
from hansei.conftest import signed_in_page


def _api(server: Any, user: Any, path: str, body: dict[str, Any] | None = None) -> Any:
    _token, raw = create_api_token(actor=user, name="live count")
    request = urllib.request.Request(
        f"{server.url}/api/v1{path}",
        data=json.dumps(body or {}).encode(),
        headers={"Authorization": f"Bearer {raw}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


def _inbox_socket(server: Any, user: Any) -> Any:
    headers = {"Cookie": _session_cookie(server, user.username), "Origin": server.url}
    return connect(f"ws://127.0.0.1:{server.port}/ws/inbox/", additional_headers=headers)


@pytest.mark.django_db(transaction=True)
def test_the_socket_hears_of_my_inbox_after_commit_and_nothing_of_others(
    alice: Any, bob: Any, charlie: Any, make_postmortem: Any, servers: Any
) -> None:
    postmortem = make_postmortem()
    server = servers()
    with _inbox_socket(server, bob) as mine, _inbox_socket(server, charlie) as theirs:
        assert (
            _api(server, alice, f"/postmortems/{postmortem.pk}/comments", {"body": "@bob look"})
            == 201
        )
        assert json.loads(mine.recv(timeout=5)) == {"type": "changed"}
        assert _api(server, bob, "/notifications/read") == 204
        assert json.loads(mine.recv(timeout=5)) == {"type": "changed"}
        with pytest.raises(TimeoutError):
            theirs.recv(timeout=0.5)


@pytest.mark.django_db(transaction=True)
def test_a_stranger_is_closed_out(db: Any, servers: Any) -> None:
    server = servers()
    url = f"ws://127.0.0.1:{server.port}/ws/inbox/"
    with connect(url) as stranger, pytest.raises(ConnectionClosed) as closed:
        stranger.recv(timeout=5)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403


@pytest.mark.django_db
def test_the_badge_is_my_count_and_asks_strangers_to_sign_in(
    client: Client, alice: Any, bob: Any, make_postmortem: Any
) -> None:
    start_comment_thread(actor=alice, postmortem=make_postmortem(), body="@bob look")
    client.force_login(bob)

    badge = client.get(reverse("notifications:badge"))

    assert badge.status_code == 200 and "no-store" in badge["Cache-Control"]
    assert "1 unread" in badge.content.decode()
    assert Client().get(reverse("notifications:badge")).status_code == 302


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_top_bar_counts_a_mention_without_a_reload(
    browser: Any, make_postmortem: Any, alice: Any, bob: Any, servers: Any
) -> None:
    postmortem = make_postmortem()
    server = servers()
    watcher = signed_in_page(browser, server.url, "bob")
    watcher.goto(f"{server.url}/notifications/settings/")
    watcher.wait_for_selector("#inbox-link[data-live='on']")
    watcher.evaluate("() => { window.notReloaded = true; }")
    writer = signed_in_page(browser, server.url, "alice")
    writer.goto(f"{server.url}/postmortems/{postmortem.pk}/")

    panel = writer.locator("#comment-panel")
    panel.get_by_label("New comment").fill("@bob could you check? ")
    panel.get_by_role("button", name="Comment", exact=True).click()

    expect(watcher.locator("#inbox-link .badge")).to_have_attribute("title", "1 unread")
    assert watcher.evaluate("() => window.notReloaded") is True
