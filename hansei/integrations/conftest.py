"""What every tracker's tests share: a team whose postmortem has an action item, a
configuration pointing at a local stand-in of the tracker's API, the worker's queue run on
demand, and webhook deliveries posted to Hansei's endpoint."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from hansei.integrations.trackers.tests.server import FakeApi

TOKEN = "tracker-token-for-tests"


@pytest.fixture
def fake_api() -> Iterator[FakeApi]:
    server = FakeApi()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def tracker_token(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("HANSEI_TRACKER_TEST_TOKEN", TOKEN)
    return TOKEN


@pytest.fixture
def configure(payments: Any, tracker_token: str, ada: Any) -> Callable[..., Any]:
    """Set up the payments team's tracker through the service, as an admin would."""
    from hansei.integrations.trackers.registry import tracker_for
    from hansei.integrations.trackers.services import TrackerInput, save_tracker

    def make(kind: str, base_url: str, **overrides: Any) -> Any:
        defaults = tracker_for(kind).defaults
        values: dict[str, Any] = {
            "kind": kind,
            "base_url": base_url,
            "token_variable": "HANSEI_TRACKER_TEST_TOKEN",
            "project": "OPS",
            "done_states": list(defaults.done_states),
            "wont_do_states": list(defaults.wont_do_states),
            "priority_mapping": dict(defaults.priority_mapping),
        }
        values.update(overrides)
        return save_tracker(actor=ada, team=payments, data=TrackerInput(**values))

    return make


@pytest.fixture
def item(make_postmortem: Any, alice: Any) -> Any:
    """An open P1 action item of a payments draft, owned by alice."""
    from datetime import timedelta

    from django.utils import timezone

    from hansei.action_items.services import ActionItemInput, add_action_item

    postmortem = make_postmortem(title="Checkout latency during the sale")
    return add_action_item(
        actor=alice,
        postmortem=postmortem,
        data=ActionItemInput(
            title="Add a circuit breaker to the card gateway client",
            owner=alice,
            priority="P1",
            due_date=timezone.localdate() + timedelta(days=20),
        ),
    )


@pytest.fixture
def run_jobs(db: Any) -> Callable[[], int]:
    """Run every job that is due now, as the worker would; how many ran."""
    from hansei.core.jobs import run_pending

    return lambda: run_pending()


@pytest.fixture
def hook(client: Any) -> Callable[..., Any]:
    """POST a webhook body to a configuration's URL; the response."""

    def post(config: Any, body: bytes, headers: dict[str, str], token: str | None = None) -> Any:
        url = f"/hooks/trackers/{config.kind}/{token or config.webhook_token}/"
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
        return client.post(url, data=body, content_type="application/json", **extra)

    return post
