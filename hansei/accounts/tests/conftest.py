"""Fixtures of the sign-in tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_login_failed


@pytest.fixture
def signals() -> Iterator[list[tuple[str, str]]]:
    """(signal, user name) for every sign-in signal sent during the test, in order: what an
    audit log subscribed to them would see."""
    received: list[tuple[str, str]] = []

    def logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
        assert request is not None
        received.append(("user_logged_in", user.username))

    def failed(sender: Any, credentials: dict[str, Any], request: Any, **kwargs: Any) -> None:
        assert request is not None
        received.append(("user_login_failed", credentials.get("username") or ""))

    def locked(sender: Any, request: Any, username: str, **kwargs: Any) -> None:
        assert request is not None
        received.append(("user_locked_out", username))

    user_logged_in.connect(logged_in)
    user_login_failed.connect(failed)
    user_locked_out.connect(locked)
    yield received
    user_logged_in.disconnect(logged_in)
    user_login_failed.disconnect(failed)
    user_locked_out.disconnect(locked)
