"""The parts other apps add to the postmortem document."""

from __future__ import annotations

from typing import Any

import pytest

from hansei.postmortems.document import parts
from hansei.postmortems.document.snapshot import build_snapshot, snapshot_to_markdown
from hansei.postmortems.template_library.models import SectionKind


def test_the_apps_above_register_their_parts_and_the_review_check() -> None:
    keys = {part.key for part in parts.snapshot_parts()}
    assert {"action_items", "review_meeting_notes"} <= keys
    assert any(check.__module__ == "hansei.reviews.document" for check in parts.publish_checks())


def test_publishing_fails_closed_without_a_check(monkeypatch: Any) -> None:
    monkeypatch.setattr(parts, "_publish_checks", [])
    with pytest.raises(RuntimeError, match="No publish check"):
        parts.publish_checks()


def test_two_parts_cannot_share_a_key() -> None:
    taken = parts.snapshot_parts()[0]
    with pytest.raises(ValueError, match="Two snapshot parts"):
        parts.add_snapshot_part(parts.SnapshotPart(key=taken.key, data=lambda pm: None))


@pytest.mark.django_db
def test_a_part_is_kept_in_the_snapshot_and_shown_in_its_section(
    monkeypatch: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem()
    part = parts.SnapshotPart(
        key="probe",
        data=lambda pm: [pm.pk],
        markdown=lambda data: [f"probe of {data[0]}"],
        section_kind=SectionKind.ACTION_ITEMS,
    )
    monkeypatch.setattr(parts, "_snapshot_parts", {**parts._snapshot_parts, "probe": part})
    data = build_snapshot(postmortem)
    assert data["probe"] == [postmortem.pk]
    text = snapshot_to_markdown(data)
    actions = text.index("## Action items")
    assert text.index(f"probe of {postmortem.pk}") > actions


@pytest.mark.django_db
def test_an_old_snapshot_without_a_part_still_exports(make_postmortem: Any) -> None:
    data = build_snapshot(make_postmortem())
    del data["action_items"], data["review_meeting_notes"]
    text = snapshot_to_markdown(data)
    assert "| Priority |" in text  # the table's header, with no rows
