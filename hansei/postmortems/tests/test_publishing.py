"""Publishing and amendments: never unreviewed, frozen revisions, announcements."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hansei.conftest import FULL_CHECKLIST
from hansei.core.errors import InvalidState
from hansei.core.models import Job
from hansei.postmortems.document.models import Postmortem, Revision, Section, Status
from hansei.postmortems.document.queries import publish_blockers
from hansei.postmortems.document.services import publish_postmortem, start_amendment, update_section
from hansei.reviews.services import approve_review, submit_for_review

pytestmark = pytest.mark.django_db


def _section(postmortem: Postmortem, key: str) -> Section:
    return Section.objects.get(postmortem=postmortem, key=key)


def _approve(postmortem: Postmortem, author: Any, reviewer: Any) -> None:
    [review] = submit_for_review(actor=author, postmortem=postmortem, reviewers=[reviewer])
    approve_review(actor=reviewer, review=review, checklist=FULL_CHECKLIST)


# --- publishing -----------------------------------------------------------------------------


def test_it_refuses_to_publish_an_unreviewed_postmortem(make_postmortem, alice):
    postmortem = make_postmortem()

    with pytest.raises(InvalidState):
        publish_postmortem(actor=alice, postmortem=postmortem)

    stored = Postmortem.objects.get(pk=postmortem.pk)
    assert stored.status == Status.DRAFT
    assert stored.published_at is None
    assert Revision.objects.count() == 0
    assert publish_blockers(stored) == ["Only an approved postmortem can be published."]


def test_it_refuses_to_publish_while_in_review(make_postmortem, alice, rita):
    postmortem = make_postmortem()
    submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])

    with pytest.raises(InvalidState):
        publish_postmortem(actor=alice, postmortem=postmortem)

    assert Postmortem.objects.get(pk=postmortem.pk).status == Status.IN_REVIEW
    assert Revision.objects.count() == 0


def test_it_rechecks_approvals_when_the_status_was_forced_in_the_database(make_postmortem, alice):
    postmortem = make_postmortem()
    Postmortem.objects.filter(pk=postmortem.pk).update(status=Status.APPROVED)
    postmortem.refresh_from_db()

    with pytest.raises(InvalidState) as excinfo:
        publish_postmortem(actor=alice, postmortem=postmortem)

    assert "approval" in excinfo.value.message
    assert publish_blockers(postmortem) != []
    stored = Postmortem.objects.get(pk=postmortem.pk)
    assert stored.published_at is None
    assert Revision.objects.count() == 0
    assert not Job.objects.filter(payload__subject__startswith="[Postmortem]").exists()


def test_it_rechecks_when_a_pending_round_was_forced_to_approved(make_postmortem, alice, rita):
    postmortem = make_postmortem()
    submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])
    Postmortem.objects.filter(pk=postmortem.pk).update(status=Status.APPROVED)

    with pytest.raises(InvalidState):
        publish_postmortem(actor=alice, postmortem=postmortem)

    assert Revision.objects.count() == 0


def test_it_publishes_an_approved_postmortem(approved_postmortem, alice):
    assert publish_blockers(approved_postmortem) == []

    revision = publish_postmortem(actor=alice, postmortem=approved_postmortem)

    stored = Postmortem.objects.get(pk=approved_postmortem.pk)
    assert stored.status == Status.PUBLISHED
    assert stored.published_at is not None
    assert Revision.objects.get() == revision
    assert revision.number == 1
    assert revision.published_by == alice
    assert revision.change_note == ""
    assert revision.snapshot["title"] == "Checkout API returned 500s"
    assert revision.snapshot["status"] == Status.PUBLISHED
    assert revision.snapshot["sections"][0]["key"] == "summary"
    assert len(revision.snapshot["timeline"]) == 6  # 5 milestones and "incident recorded"
    assert revision.snapshot["incidents"][0]["severity"] == "SEV2"


def test_publishing_queues_the_announcement(approved_postmortem, alice, settings):
    settings.HANSEI_ANNOUNCE_TO = ["engineering@example.com"]

    publish_postmortem(actor=alice, postmortem=approved_postmortem)

    job = Job.objects.get(payload__address="engineering@example.com")
    assert job.kind == "notifications.email"
    assert job.finished_at is None
    assert job.payload["template"] == "published"
    assert job.payload["url"] == f"/postmortems/{approved_postmortem.pk}/"


@pytest.mark.parametrize("who", ["rita", "charlie"])
def test_only_the_team_publishes(approved_postmortem, request, who):
    with pytest.raises(PermissionDenied):
        publish_postmortem(actor=request.getfixturevalue(who), postmortem=approved_postmortem)

    assert Postmortem.objects.get(pk=approved_postmortem.pk).status == Status.APPROVED
    assert Revision.objects.count() == 0


def test_it_cannot_publish_twice(published_postmortem, alice):
    with pytest.raises(InvalidState):
        publish_postmortem(actor=alice, postmortem=published_postmortem)

    assert Revision.objects.count() == 1


# --- amendments -----------------------------------------------------------------------------


def test_an_amendment_becomes_revision_2_and_keeps_revision_1(published_postmortem, alice, rita):
    first = Revision.objects.get()
    first_snapshot = dict(first.snapshot)
    first_published_at = published_postmortem.published_at

    amended = start_amendment(actor=alice, postmortem=published_postmortem)
    assert Postmortem.objects.get(pk=amended.pk).status == Status.DRAFT
    assert amended.is_amendment
    update_section(
        actor=alice,
        section=_section(amended, "root_causes"),
        body="The deploy tool did not validate the config.",
    )
    _approve(amended, alice, rita)
    revision = publish_postmortem(actor=alice, postmortem=amended, change_note="Root cause found.")

    stored = Postmortem.objects.get(pk=amended.pk)
    assert stored.status == Status.PUBLISHED
    assert stored.published_at == first_published_at
    assert revision.number == 2
    assert revision.is_amendment
    assert revision.change_note == "Root cause found."
    bodies = {s["key"]: s["body"] for s in revision.snapshot["sections"]}
    assert bodies["root_causes"] == "The deploy tool did not validate the config."
    first.refresh_from_db()
    assert first.snapshot == first_snapshot
    first_root = {s["key"]: s["body"] for s in first.snapshot["sections"]}["root_causes"]
    assert first_root and first_root != bodies["root_causes"]
    assert stored.latest_revision() == revision


def test_an_amendment_needs_a_change_note(published_postmortem, alice, rita):
    amended = start_amendment(actor=alice, postmortem=published_postmortem)
    _approve(amended, alice, rita)

    with pytest.raises(ValidationError) as excinfo:
        publish_postmortem(actor=alice, postmortem=amended, change_note="   ")

    assert "change_note" in excinfo.value.message_dict
    assert Postmortem.objects.get(pk=amended.pk).status == Status.APPROVED
    assert Revision.objects.count() == 1


def test_an_amendment_is_not_published_on_the_previous_rounds_approvals(
    published_postmortem, alice
):
    amended = start_amendment(actor=alice, postmortem=published_postmortem)
    update_section(actor=alice, section=_section(amended, "summary"), body="Unreviewed words")
    Postmortem.objects.filter(pk=amended.pk).update(status=Status.APPROVED)

    with pytest.raises(InvalidState):
        publish_postmortem(actor=alice, postmortem=amended, change_note="Sneaky")

    assert Revision.objects.count() == 1


def test_only_a_published_postmortem_can_be_amended(make_postmortem, alice):
    postmortem = make_postmortem()

    with pytest.raises(InvalidState):
        start_amendment(actor=alice, postmortem=postmortem)

    assert Postmortem.objects.get(pk=postmortem.pk).status == Status.DRAFT


def test_charlie_cannot_start_an_amendment(published_postmortem, charlie):
    with pytest.raises(PermissionDenied):
        start_amendment(actor=charlie, postmortem=published_postmortem)

    assert Postmortem.objects.get(pk=published_postmortem.pk).status == Status.PUBLISHED


def test_it_refuses_a_change_note_over_500_characters(approved_postmortem, alice):
    with pytest.raises(ValidationError):
        publish_postmortem(actor=alice, postmortem=approved_postmortem, change_note="n" * 501)

    assert Revision.objects.count() == 0
