"""Services announce what happened; the apps above hear it (``core.events``)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hansei.action_items.services import ActionItemInput, add_action_item
from hansei.collab.comments.services import start_comment_thread
from hansei.collab.live import broadcast
from hansei.conftest import fill_required_sections
from hansei.core import events
from hansei.core.events import Event
from hansei.core.models import Job
from hansei.incidents.models import Incident, PostmortemPolicy
from hansei.notifications.models import Notification
from hansei.postmortems.document.services import publish_postmortem, start_amendment
from hansei.reviews.services import approve_review, submit_for_review
from hansei.search.models import SearchDocument

PACKAGE = Path(__file__).resolve().parent.parent


@pytest.fixture
def heard() -> Iterator[list[Event]]:
    """Every event announced during the test, in order."""
    found: list[Event] = []
    events.listen(events.EVERY, found.append, when=events.IN_TRANSACTION)
    yield found
    events._listeners[(events.EVERY, events.IN_TRANSACTION)].remove(found.append)


def _names(heard: list[Event]) -> list[str]:
    return [event.kind.name for event in heard]


def test_a_postmortems_life_is_announced_step_by_step_with_ids(
    heard: list[Event], make_incident: Any, alice: Any, rita: Any, full_checklist: Any
) -> None:
    from hansei.postmortems.document.services import create_postmortem

    incident = make_incident()
    postmortem = create_postmortem(actor=alice, incident=incident)
    fill_required_sections(postmortem)
    [review] = submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])
    approve_review(actor=rita, review=review, checklist=full_checklist)
    revision = publish_postmortem(actor=alice, postmortem=postmortem)
    start_amendment(actor=alice, postmortem=postmortem)

    names = _names(heard)
    lifecycle = [
        "incident_recorded",
        "postmortem_created",
        "postmortem_submitted",
        "review_requested",
        "review_decided",
        "postmortem_approved",
        "postmortem_published",
        "amendment_started",
    ]
    assert [name for name in names if name in lifecycle] == lifecycle
    assert "incident_resolved" in names and "incident_event_recorded" in names
    by_name = {event.kind.name: event for event in heard}
    assert by_name["review_requested"].object_id == review.pk
    assert by_name["postmortem_published"].object_id == revision.pk
    assert by_name["postmortem_created"].incident_id == incident.pk
    assert {e.postmortem_id for e in heard if e.postmortem_id} == {postmortem.pk}
    assert by_name["review_decided"].actor_id == rita.pk


def test_listeners_above_do_the_work_lower_layers_no_longer_call(
    approved_postmortem: Any, rita: Any, bob: Any, alice: Any
) -> None:
    PostmortemPolicy.objects.update(announcement_recipients="all-engineering@example.com")

    publish_postmortem(actor=alice, postmortem=approved_postmortem)
    start_amendment(actor=alice, postmortem=approved_postmortem)
    start_comment_thread(actor=alice, postmortem=approved_postmortem, body="@bob have a look")

    # Search indexed the publication; the review request and the announcement were queued
    # as e-mails, and the publication and Bob's mention reached his inbox, in the same
    # transactions as the changes.
    assert SearchDocument.objects.filter(postmortem=approved_postmortem).exists()
    mails = [job.payload for job in Job.objects.filter(kind="notifications.email")]
    assert [m["recipient"] for m in mails if m["template"] == "review_requested"] == [rita.pk]
    assert "all-engineering@example.com" in [m.get("address") for m in mails]

    assert sorted(n.kind for n in Notification.objects.filter(recipient=bob)) == [
        "mention",
        "published",
    ]


def test_a_draft_timeline_follows_its_incident_through_events(
    make_postmortem: Any, alice: Any
) -> None:
    from hansei.incidents.services import IncidentInput, update_incident

    postmortem = make_postmortem()
    incident = Incident.objects.get(postmortem=postmortem)
    data = IncidentInput(
        title="Checkout API returned 502s",
        severity=incident.severity,
        team=incident.team,
        started_at=incident.started_at,
        detected_at=incident.detected_at,
        acknowledged_at=incident.acknowledged_at,
        mitigated_at=incident.mitigated_at,
        resolved_at=incident.resolved_at,
    )

    update_incident(actor=alice, incident=incident, data=data)

    texts = list(postmortem.timeline.values_list("text", flat=True))
    assert any("Checkout API returned 502s" in text for text in texts)
    assert not any(text.endswith("returned 500s") and "Resolved" in text for text in texts)


def test_open_pages_hear_of_changes_after_commit_naming_the_parts(
    make_postmortem: Any, alice: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    sent: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(broadcast, "_send", lambda group, message: sent.append((group, message)))
    postmortem = make_postmortem()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        add_action_item(actor=alice, postmortem=postmortem, data=ActionItemInput(title="Fix it"))
        assert sent == []
    for callback in callbacks:
        callback()

    assert sent == [
        (
            f"collab.events.{postmortem.pk}",
            {"type": "postmortem.changed", "parts": ["action_items"]},
        )
    ]


def _emitted_names() -> set[str]:
    """The event constants named in an ``events.emit(...)`` call anywhere in the app code."""
    names: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        if "tests" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and ast.unparse(node.func) == "events.emit":
                names |= {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    return names


def test_every_kind_of_event_is_announced_somewhere() -> None:
    emitted = _emitted_names()
    modules = [path for path in PACKAGE.rglob("events.py") if "core" not in path.parts]
    declared = {
        target.id
        for path in modules
        for node in ast.parse(path.read_text(encoding="utf-8")).body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name) and target.id.isupper() and target.id != "STATE_PARTS"
    }
    # Kinds chosen at run time by a conditional expression inside emit() are named too.
    assert declared, "no event kinds found"
    assert declared <= emitted, f"declared but never announced: {sorted(declared - emitted)}"


def test_every_page_part_an_event_names_is_on_the_postmortem_page() -> None:
    templates = "".join(
        path.read_text(encoding="utf-8") for path in PACKAGE.rglob("templates/**/*.html")
    )
    named = {part for kind in events.KINDS.values() for part in kind.parts}
    missing = {
        part
        for part in named
        if f'data-live-part="{part}' not in templates
        and f' {part}"' not in templates
        and f" {part} " not in templates
    }
    assert named and not missing, f"parts no page shows: {missing}"
