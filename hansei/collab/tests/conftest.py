from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from hansei.collab.tests.servers import HanseiServer, YClient


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[Callable[..., HanseiServer]]:
    """Start Hansei server processes on the test database; all stopped at the end."""
    started: list[HanseiServer] = []

    def start(port: int | None = None, **env: str) -> HanseiServer:
        server = HanseiServer(tmp_path, port=port, **env).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def yclients() -> Iterator[Callable[..., YClient]]:
    """Stock Yjs clients (Node); all closed at the end."""
    opened: list[YClient] = []

    def connect(server: HanseiServer, room: str, token: str) -> YClient:
        client = YClient(server.ws_url, room, token)
        opened.append(client)
        return client

    yield connect
    for client in opened:
        client.close()


@pytest.fixture
def token_for() -> Callable[[Any], str]:
    from hansei.accounts.services import create_api_token

    def make(user: Any) -> str:
        return create_api_token(actor=user, name="live editing test")[1]

    return make
