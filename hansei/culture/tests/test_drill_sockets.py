"""A drill's socket: its readers hear "changed" (nothing else) after a change commits;
someone who may not read its postmortem, or nobody signed in, is closed out."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from hansei.accounts.services import create_api_token
from hansei.collab.tests.test_sockets import _session_cookie
from hansei.culture.drills.services import create_drill
from hansei.culture.tests.drill_story import story_postmortem

pytestmark = pytest.mark.django_db(transaction=True)


def _api(server: Any, user: Any, method: str, path: str) -> int:
    _token, raw = create_api_token(actor=user, name="drill socket")
    request = urllib.request.Request(
        f"{server.url}/api/v1{path}",
        data=b"{}",
        headers={"Authorization": f"Bearer {raw}", "Content-Type": "application/json"},
        method=method,
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return int(response.status)


def _socket(server: Any, drill: Any, user: Any = None) -> Any:
    headers = {"Origin": server.url}
    if user is not None:
        headers["Cookie"] = _session_cookie(server, user.username)
    url = f"ws://127.0.0.1:{server.port}/ws/drills/{drill.pk}/"
    return connect(url, additional_headers=headers)


def test_readers_hear_that_the_drill_changed_and_outsiders_are_closed_out(
    servers: Any, make_incident: Any, make_postmortem: Any,
    alice: Any, bob: Any, charlie: Any, rita: Any,
) -> None:  # fmt: skip
    postmortem = story_postmortem(make_incident, make_postmortem, alice, bob, charlie, rita)
    drill = create_drill(actor=alice, postmortem=postmortem, game_master=rita)
    server = servers()

    card = drill.cards.first()
    with _socket(server, drill, bob) as player, _socket(server, drill, charlie) as other:
        assert _api(server, rita, "POST", f"/culture/drills/{drill.pk}/start") == 200
        assert json.loads(player.recv(timeout=5)) == {"type": "changed"}
        assert json.loads(other.recv(timeout=5)) == {"type": "changed"}
        assert _api(server, rita, "PUT", f"/culture/drills/cards/{card.pk}/revealed") == 200
        assert json.loads(player.recv(timeout=5)) == {"type": "changed"}

    type(postmortem).objects.filter(pk=postmortem.pk).update(restricted=True)
    for user in (charlie, None):  # outside the team now; not signed in
        with _socket(server, drill, user) as outsider, pytest.raises(ConnectionClosed) as closed:
            outsider.recv(timeout=5)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403
