from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from hansei.action_items.services import ActionItemInput, add_action_item
from hansei.postmortems.document.models import Revision, Section
from hansei.postmortems.document.services import update_section
from hansei.postmortems.document.snapshot import build_snapshot, snapshot_to_markdown
from hansei.reviews.services import record_meeting_note

pytestmark = pytest.mark.django_db


@pytest.fixture
def filled(make_postmortem, make_incident, checkout, alice, bob):
    postmortem = make_postmortem(incident=make_incident(services=[checkout]))
    update_section(
        actor=alice,
        section=Section.objects.get(postmortem=postmortem, key="root_causes"),
        body="The deploy tool did not validate the config.",
    )
    add_action_item(
        actor=alice,
        postmortem=postmortem,
        data=ActionItemInput(
            title="Validate configs",
            owner=bob,
            priority="P1",
            due_date=timezone.localdate() + timedelta(days=7),
            tracking_url="https://tracker.example.com/PAY-1",
        ),
    )
    record_meeting_note(
        actor=alice, postmortem=postmortem, held_on=timezone.localdate(), notes="Agreed on P1."
    )
    return postmortem


def test_a_snapshot_holds_the_whole_document(filled):
    data = build_snapshot(filled)

    assert data["title"] == "Checkout API returned 500s"
    assert data["team"] == "Payments"
    assert data["owner"] == "Alice"
    assert data["status"] == "draft"
    [incident] = data["incidents"]
    assert incident["severity"] == "SEV2"
    assert incident["services"] == ["Checkout"]
    assert incident["downtime_minutes"] == 50
    assert incident["figures"]["time_to_resolve"] == "2h 00m"
    sections = {s["key"]: s for s in data["sections"]}
    assert sections["root_causes"]["body"] == "The deploy tool did not validate the config."
    assert [s["key"] for s in data["sections"]] == list(
        filled.sections.values_list("key", flat=True)
    )
    assert len(data["timeline"]) == 6  # 5 milestones and "incident recorded"
    assert data["timeline"][0]["text"].startswith("Started:")
    [item] = data["action_items"]
    assert item == {
        "id": item["id"],
        "title": "Validate configs",
        "type": "prevent",
        "owner": "Bob",
        "priority": "P1",
        "due_date": (timezone.localdate() + timedelta(days=7)).isoformat(),
        "status": "open",
        "tracking_url": "https://tracker.example.com/PAY-1",
    }
    assert data["review_meeting_notes"][0]["notes"] == "Agreed on P1."
    # Rows keep their ids, so readers of a revision can name them (postmortems.published).
    assert item["id"] == filled.action_items.get().pk
    assert all(isinstance(e["id"], int) and "source" in e for e in data["timeline"])


def test_a_snapshot_is_plain_json(filled):
    data = build_snapshot(filled)

    assert json.loads(json.dumps(data)) == data


def test_the_published_revision_keeps_its_snapshot_as_stored(published_postmortem):
    revision = Revision.objects.get()

    assert revision.snapshot["status"] == "published"
    assert revision.snapshot["published_at"] == published_postmortem.published_at.isoformat()


def test_markdown_export_has_every_part(filled):
    text = snapshot_to_markdown(build_snapshot(filled))

    assert text.startswith("# Checkout API returned 500s\n")
    assert "- Team: Payments" in text
    assert "(SEV2)" in text
    assert "## Root causes\n\nThe deploy tool did not validate the config." in text
    assert "| P1 | Prevent | Validate configs | Bob |" in text
    assert "(key event)" in text
    assert "## Review meeting notes" in text
    assert "Agreed on P1." in text
    assert text.endswith("\n") and not text.endswith("\n\n")


def test_a_japanese_snapshot_keeps_its_titles(make_postmortem):
    from hansei.postmortems.template_library.models import Template

    postmortem = make_postmortem(template=Template.objects.get(language="ja"))

    text = snapshot_to_markdown(build_snapshot(postmortem))

    assert "## 概要" in text
    assert build_snapshot(postmortem)["language"] == "ja"
