"""The draft's history as services: a version at every step, periodic versions while people
write, restoring a section."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hansei.conftest import FULL_CHECKLIST
from hansei.core.errors import InvalidState
from hansei.postmortems.document import live_text
from hansei.postmortems.document.models import Postmortem, Section, YUpdate
from hansei.postmortems.document.services import publish_postmortem, start_amendment, update_section
from hansei.postmortems.history.models import Version, VersionReason
from hansei.postmortems.history.services import (
    current_text,
    record_periodic_version,
    restore_section,
)
from hansei.reviews.services import approve_review, request_changes, submit_for_review

pytestmark = pytest.mark.django_db


def _reasons(postmortem: Postmortem) -> list[str]:
    versions = Version.objects.filter(postmortem=postmortem).order_by("number")
    return list(versions.values_list("reason", flat=True))


def _summary(postmortem: Postmortem) -> Section:
    return Section.objects.get(postmortem=postmortem, key="summary")


def _age_versions(postmortem: Postmortem, seconds: int) -> None:
    Version.objects.filter(postmortem=postmortem).update(
        created_at=timezone.now() - timedelta(seconds=seconds)
    )


def test_it_keeps_a_version_at_every_step_of_the_process(
    make_postmortem: Any, alice: Any, rita: Any
) -> None:
    postmortem = make_postmortem()
    root = Section.objects.get(postmortem=postmortem, key="root_causes")
    submitted_root = root.body  # written before it could be submitted
    [review] = submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])
    request_changes(actor=rita, review=review, comment="Go deeper on the root cause.")
    update_section(actor=alice, section=root, body="The deploy tool did not validate.")
    [review] = submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])
    approve_review(actor=rita, review=review, checklist=FULL_CHECKLIST)
    publish_postmortem(actor=alice, postmortem=postmortem)
    start_amendment(actor=alice, postmortem=postmortem)

    assert _reasons(postmortem) == [
        VersionReason.CREATED,
        VersionReason.SUBMITTED,
        VersionReason.CHANGES_REQUESTED,
        VersionReason.SUBMITTED,
        VersionReason.APPROVED,
        VersionReason.PUBLISHED,
        VersionReason.AMENDMENT,
    ]
    versions = list(Version.objects.filter(postmortem=postmortem).order_by("number"))
    assert [v.number for v in versions] == [1, 2, 3, 4, 5, 6, 7]
    assert [v.actor for v in versions] == [alice, alice, rita, alice, rita, alice, alice]
    assert versions[1].sections["root_causes"] == submitted_root
    assert versions[3].sections["root_causes"] == "The deploy tool did not validate."
    assert versions[0].sections["summary"] == "Payments failed for 50 minutes after a config push."
    assert set(versions[0].sections) == set(
        Section.objects.filter(postmortem=postmortem).values_list("key", flat=True)
    )
    assert versions[0].title == "Checkout API returned 500s"


def test_it_keeps_an_edited_version_once_the_interval_has_passed(
    make_postmortem: Any, settings: Any
) -> None:
    settings.COLLAB_VERSION_INTERVAL = 600
    postmortem = make_postmortem()
    Section.objects.filter(pk=_summary(postmortem).pk).update(body="Typed live.")

    assert record_periodic_version(postmortem.pk) is None  # the created version is recent
    _age_versions(postmortem, 601)
    version = record_periodic_version(postmortem.pk)

    assert version is not None
    assert version.number == 2
    assert version.reason == VersionReason.EDITED
    assert version.actor is None
    assert version.sections["summary"] == "Typed live."
    Section.objects.filter(pk=_summary(postmortem).pk).update(body="Typed more.")
    assert record_periodic_version(postmortem.pk) is None  # v2 is recent
    assert _reasons(postmortem) == [VersionReason.CREATED, VersionReason.EDITED]


def test_it_never_keeps_a_version_identical_to_the_previous_one(
    make_postmortem: Any, settings: Any
) -> None:
    settings.COLLAB_VERSION_INTERVAL = 0
    postmortem = make_postmortem(complete=False)
    _age_versions(postmortem, 3600)

    assert record_periodic_version(postmortem.pk) is None

    Postmortem.objects.filter(pk=postmortem.pk).update(title="Checkout API errors")
    version = record_periodic_version(postmortem.pk)
    assert version is not None and version.title == "Checkout API errors"
    assert record_periodic_version(postmortem.pk) is None
    assert Version.objects.filter(postmortem=postmortem).count() == 2


def test_it_keeps_no_periodic_version_of_a_postmortem_that_is_gone(db: Any) -> None:
    assert record_periodic_version(987654) is None
    assert not Version.objects.exists()


def test_the_current_text_reads_the_live_document_without_writing(
    make_postmortem: Any,
) -> None:
    postmortem = make_postmortem()
    assert current_text(postmortem).sections["summary"].startswith("Payments failed")
    assert not YUpdate.objects.filter(postmortem_id=postmortem.pk).exists()  # nothing seeded

    live_text.replace_section_text(postmortem_id=postmortem.pk, key="summary", text="Live words.")

    assert _summary(postmortem).body.startswith("Payments failed")  # not materialized yet
    assert current_text(postmortem).sections["summary"] == "Live words."


def test_it_restores_a_section_into_the_live_document_and_the_database(
    make_postmortem: Any, alice: Any, bob: Any
) -> None:
    postmortem = make_postmortem()
    first = Version.objects.get(postmortem=postmortem)
    update_section(actor=alice, section=_summary(postmortem), body="A worse summary.")

    version = restore_section(actor=bob, postmortem=postmortem, version=first, key="summary")

    original = "Payments failed for 50 minutes after a config push."
    assert _summary(postmortem).body == original
    assert _summary(postmortem).updated_by == bob
    doc, _last = live_text.load_doc(postmortem.pk)
    assert live_text.section_text(doc, "summary") == original
    assert version.number == 2
    assert version.reason == VersionReason.RESTORED
    assert version.actor == bob
    assert version.note == "Restored “Summary” from version 1"
    assert version.sections["summary"] == original


@pytest.mark.parametrize("who", ["rita", "charlie"])
def test_only_writers_restore(make_postmortem: Any, alice: Any, request: Any, who: str) -> None:
    postmortem = make_postmortem()
    first = Version.objects.get(postmortem=postmortem)
    update_section(actor=alice, section=_summary(postmortem), body="Edited.")

    with pytest.raises(PermissionDenied):
        restore_section(
            actor=request.getfixturevalue(who), postmortem=postmortem, version=first, key="summary"
        )

    assert _summary(postmortem).body == "Edited."
    assert Version.objects.filter(postmortem=postmortem).count() == 1


def test_it_restores_nothing_outside_a_draft(published_postmortem: Any, alice: Any) -> None:
    first = Version.objects.filter(postmortem=published_postmortem).order_by("number").first()
    assert first is not None
    count = Version.objects.filter(postmortem=published_postmortem).count()

    with pytest.raises(InvalidState, match="published"):
        restore_section(actor=alice, postmortem=published_postmortem, version=first, key="summary")

    assert Version.objects.filter(postmortem=published_postmortem).count() == count


@pytest.mark.parametrize("key", ["no_such_section", "timeline"])
def test_it_restores_only_text_sections_the_version_has(
    make_postmortem: Any, alice: Any, key: str
) -> None:
    postmortem = make_postmortem()
    first = Version.objects.get(postmortem=postmortem)

    with pytest.raises(ValidationError):
        restore_section(actor=alice, postmortem=postmortem, version=first, key=key)

    assert Version.objects.filter(postmortem=postmortem).count() == 1
    assert not YUpdate.objects.filter(postmortem_id=postmortem.pk).exists()


def test_it_refuses_a_version_of_another_postmortem(
    make_postmortem: Any, make_incident: Any, alice: Any
) -> None:
    postmortem = make_postmortem()
    other = make_postmortem(incident=make_incident(title="Other outage"))
    foreign = Version.objects.get(postmortem=other)
    update_section(actor=alice, section=_summary(postmortem), body="Ours.")

    with pytest.raises(ValidationError):
        restore_section(actor=alice, postmortem=postmortem, version=foreign, key="summary")

    assert _summary(postmortem).body == "Ours."


def test_restoring_the_text_it_already_has_changes_nothing(
    make_postmortem: Any, alice: Any
) -> None:
    postmortem = make_postmortem()
    first = Version.objects.get(postmortem=postmortem)

    with pytest.raises(ValidationError, match="nothing to restore"):
        restore_section(actor=alice, postmortem=postmortem, version=first, key="summary")

    assert Version.objects.filter(postmortem=postmortem).count() == 1
