"""Which tracker API failures the queue retries (temporary) and which it shows and stops
(permanent)."""

from __future__ import annotations

from typing import Any

import pytest

from hansei.integrations.trackers.http import call, token_of
from hansei.integrations.transport import TransportError


@pytest.mark.parametrize(
    ("status", "body", "permanent"),
    [
        (503, {"message": "down"}, False),
        (429, {"message": "slow down"}, False),
        (409, {"message": "edit conflict"}, False),
        (401, {"message": "Bad credentials"}, True),
        (404, {"message": "Not Found"}, True),
        (400, {"errors": [{"message": "Too many", "extensions": {"code": "RATELIMITED"}}]}, False),
        (
            400,
            {"errors": [{"message": "Bad input", "extensions": {"code": "INVALID_INPUT"}}]},
            True,
        ),
        (400, {"errors": [{"extensions": "odd"}]}, True),
        (302, None, True),
    ],
)
def test_failures_are_temporary_or_permanent(fake_api: Any, status, body, permanent) -> None:
    fake_api.route("GET", "/thing", lambda found, request: (status, body))
    with pytest.raises(TransportError) as caught:
        call("GET", f"{fake_api.url}/thing", headers={})
    assert caught.value.permanent is permanent
    assert str(status) in caught.value.message


def test_a_server_that_is_down_is_temporary(fake_api: Any) -> None:
    fake_api.stop()
    with pytest.raises(TransportError) as caught:
        call("GET", f"{fake_api.url}/thing", headers={})
    assert not caught.value.permanent


def test_a_json_answer_is_returned_decoded(fake_api: Any) -> None:
    fake_api.route("GET", "/thing", lambda found, request: (200, {"ok": [1, None]}))
    assert call("GET", f"{fake_api.url}/thing", headers={}) == {"ok": [1, None]}


def test_the_token_comes_from_the_named_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HANSEI_TRACKER_X", "  secret  ")
    assert token_of("HANSEI_TRACKER_X") == "secret"
    monkeypatch.delenv("HANSEI_TRACKER_X")
    with pytest.raises(TransportError, match="HANSEI_TRACKER_X is not set") as caught:
        token_of("HANSEI_TRACKER_X")
    assert caught.value.permanent
