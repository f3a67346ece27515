"""Publishing records the writing check's open findings, per rule, with the publication
(nothing else remembers them: the check runs on the live draft)."""

from __future__ import annotations

from typing import Any

import pytest

from hansei.conftest import FULL_CHECKLIST, fill_required_sections
from hansei.insights.models import PublicationCheck
from hansei.postmortems.document.services import publish_postmortem, start_amendment
from hansei.postmortems.writing_check.services import dismiss_finding
from hansei.reviews.services import approve_review, submit_for_review

pytestmark = pytest.mark.django_db


def _approve(postmortem: Any, alice: Any, rita: Any) -> None:
    [review] = submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])
    approve_review(actor=rita, review=review, checklist=FULL_CHECKLIST, comment="Thorough.")
    postmortem.refresh_from_db()


def test_it_records_the_open_findings_of_each_rule_at_publication(
    alice: Any, rita: Any, make_postmortem: Any
) -> None:
    postmortem = make_postmortem(complete=False)
    fill_required_sections(postmortem)
    # Two blaming sentences, each alone in a short section, and no action items.
    postmortem.sections.filter(key__in=["trigger", "detection"]).update(
        body="Bob broke the deploy."
    )
    dismiss_finding(
        actor=alice,
        postmortem=postmortem,
        fingerprint="",
        rule_id="blame-person",
        section_key="trigger",
        text="Bob broke",
        reason="A quotation from the chat log.",
    )
    _approve(postmortem, alice, rita)
    revision = publish_postmortem(actor=alice, postmortem=postmortem)

    check = PublicationCheck.objects.get(revision=revision)
    assert check.postmortem_id == postmortem.pk
    assert check.published_at == revision.published_at
    # blame-person: the one in "detection" (the trigger's was dismissed); section-thin: both
    # one-sentence sections; action-items-missing: there are none.
    assert dict(check.rules.values_list("rule_id", "count")) == {
        "action-items-missing": 1,
        "blame-person": 1,
        "section-thin": 2,
    }
    assert check.open_findings == 4


def test_an_amendment_is_a_publication_of_its_own(
    alice: Any, rita: Any, published_postmortem: Any
) -> None:
    start_amendment(actor=alice, postmortem=published_postmortem)
    _approve(published_postmortem, alice, rita)
    publish_postmortem(actor=alice, postmortem=published_postmortem, change_note="Fixed a date.")
    numbers = PublicationCheck.objects.filter(postmortem=published_postmortem).values_list(
        "revision__number", flat=True
    )
    assert sorted(numbers) == [1, 2]
