"""The weekly digest to chat routes: Monday mornings, once a week per route, its team's (or
every team's) publications and what is late, never a restricted postmortem's title."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from hansei.core.jobs import run_pending
from hansei.integrations.chat.services import send_chat_digests
from hansei.integrations.models import ChatRoute
from hansei.postmortems.document.services import publish_postmortem

pytestmark = pytest.mark.django_db


def _monday() -> datetime:
    day = date.today() + timedelta(days=1)
    day += timedelta(days=(0 - day.weekday()) % 7)
    return datetime(day.year, day.month, day.day, 10, tzinfo=UTC)


def test_a_route_gets_its_weekly_digest_once_on_monday_morning(
    receiver: Any, approved_postmortem: Any, alice: Any, payments: Any, search_team: Any
) -> None:
    publish_postmortem(actor=alice, postmortem=approved_postmortem)
    run_pending()
    receiver.received.clear()
    ChatRoute.objects.create(
        name="payments-weekly",
        kind="webhook",
        target=receiver.url("/pay"),
        secret="s" * 32,
        team=payments,
        events=["digest"],
    )
    ChatRoute.objects.create(
        name="search-weekly",
        kind="mattermost",
        target=receiver.url("/search"),
        team=search_team,
        events=["digest"],
    )
    ChatRoute.objects.create(name="announcements", kind="mattermost", target=receiver.url("/a"))
    monday = _monday()

    assert send_chat_digests(monday - timedelta(days=2)) == 0  # a Saturday
    assert send_chat_digests(monday.replace(hour=7)) == 0  # before working hours
    assert send_chat_digests(monday) == 2
    assert send_chat_digests(monday + timedelta(hours=3)) == 0  # the same week
    run_pending()

    by_path = {request.path: request.json for request in receiver.received}
    assert set(by_path) == {"/pay", "/search"}
    digest = by_path["/pay"]["digest"]
    assert by_path["/pay"]["event"] == "digest"
    assert digest["published"] == 1
    assert digest["latest"][0]["title"] == approved_postmortem.title
    assert by_path["/search"]["text"]  # Mattermost: the headline
    assert approved_postmortem.title not in str(by_path["/search"])  # another team's


def test_a_restricted_postmortem_is_never_named_in_a_digest(
    receiver: Any, restricted_approved_postmortem: Any, alice: Any, payments: Any
) -> None:
    publish_postmortem(actor=alice, postmortem=restricted_approved_postmortem)
    ChatRoute.objects.create(
        name="payments-weekly",
        kind="webhook",
        target=receiver.url("/pay"),
        secret="s" * 32,
        team=payments,
        events=["digest"],
    )

    send_chat_digests(_monday())
    run_pending()

    [request] = receiver.received
    assert request.json["digest"]["published"] == 0
    assert restricted_approved_postmortem.title not in request.body.decode()
