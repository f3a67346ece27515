"""The domain-event mechanism: who hears what, and when."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import fields
from typing import Any

import pytest
from django.db import transaction

from hansei.accounts.models import Team
from hansei.core import events
from hansei.core.events import Event


@pytest.fixture
def registry() -> Iterator[None]:
    """Kinds and listeners declared by a test go away with it."""
    kinds, listeners = dict(events.KINDS), {k: list(v) for k, v in events._listeners.items()}
    yield
    events.KINDS.clear()
    events.KINDS.update(kinds)
    events._listeners.clear()
    events._listeners.update(listeners)


@pytest.fixture
def happened(registry: None) -> events.Kind:
    return events.kind("test_thing_happened", "Something happened in a test.", parts=("timeline",))


def _make_team(slug: str) -> None:
    Team.objects.create(slug=slug, name=slug)


def test_it_runs_in_transaction_listeners_at_once_and_they_roll_back_with_the_change(
    db: Any, happened: events.Kind
) -> None:
    events.listen(happened, lambda event: _make_team("heard"), when=events.IN_TRANSACTION)

    with pytest.raises(RuntimeError), transaction.atomic():
        _make_team("change")
        events.emit(happened, object_id=1)
        assert Team.objects.filter(slug="heard").exists()
        raise RuntimeError("the service fails after announcing")

    assert not Team.objects.filter(slug__in=["change", "heard"]).exists()


def test_a_failing_in_transaction_listener_undoes_the_change(
    db: Any, happened: events.Kind
) -> None:
    def broken(event: Event) -> None:
        raise ValueError("the index is full")

    events.listen(happened, broken, when=events.IN_TRANSACTION)

    with pytest.raises(ValueError), transaction.atomic():
        _make_team("change")
        events.emit(happened)

    assert not Team.objects.filter(slug="change").exists()


def test_it_runs_after_commit_listeners_only_once_the_change_is_committed(
    db: Any, happened: events.Kind, django_capture_on_commit_callbacks: Any
) -> None:
    heard: list[Event] = []
    events.listen(happened, heard.append, when=events.AFTER_COMMIT)

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        events.emit(happened, postmortem_id=7, actor_id=3)
        assert heard == []
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        events.emit(happened, postmortem_id=8)
        raise RuntimeError("rolled back")

    assert heard == [Event(happened, actor_id=3, postmortem_id=7)]


def test_a_failing_after_commit_listener_is_logged_and_the_change_stays(
    db: Any, happened: events.Kind, django_capture_on_commit_callbacks: Any, caplog: Any
) -> None:
    def broken(event: Event) -> None:
        raise ConnectionError("the channel layer is down")

    events.listen(happened, broken, when=events.AFTER_COMMIT)

    with (
        caplog.at_level(logging.ERROR, logger="hansei.core.events"),
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        _make_team("change")
        events.emit(happened)

    assert Team.objects.filter(slug="change").exists()
    assert "the channel layer is down" in caplog.text


def test_listeners_of_every_kind_hear_each_event_first_and_listening_twice_is_once(
    db: Any, happened: events.Kind
) -> None:
    order: list[str] = []

    def specific(event: Event) -> None:
        order.append("specific")

    def every(event: Event) -> None:
        order.append(f"every:{event.kind.name}")

    events.listen(happened, specific, when=events.IN_TRANSACTION)
    events.listen(events.EVERY, every, when=events.IN_TRANSACTION)
    events.listen(events.EVERY, every, when=events.IN_TRANSACTION)

    events.emit(happened)

    assert order == ["every:test_thing_happened", "specific"]


def test_it_refuses_unknown_kinds_second_declarations_and_unknown_page_parts(
    happened: events.Kind,
) -> None:
    stranger = events.Kind("never_declared", "Not in the catalogue.")

    with pytest.raises(ValueError, match="declared twice"):
        events.kind("test_thing_happened", "Again.")
    with pytest.raises(ValueError, match="unknown page parts"):
        events.kind("test_other_thing", "Bad parts.", parts=("sidebar",))
    with pytest.raises(ValueError, match="unknown event kind"):
        events.emit(stranger)
    with pytest.raises(ValueError, match="unknown event kind"):
        events.listen(stranger, print, when=events.AFTER_COMMIT)


def test_an_event_carries_ids_and_never_content(db: Any, happened: events.Kind) -> None:
    event = events.emit(happened, postmortem_id=4)

    assert {f.name: f.type for f in fields(Event)} == {
        "kind": "Kind",
        "actor_id": "int | None",
        "postmortem_id": "int | None",
        "incident_id": "int | None",
        "object_id": "int | None",
    }
    assert event.id_of("postmortem_id") == 4
    with pytest.raises(ValueError, match="carries no object_id"):
        event.id_of("object_id")
