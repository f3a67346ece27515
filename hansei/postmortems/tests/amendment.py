"""A published postmortem whose amendment is being drafted, with a marker in every draft part.

Readers outside the amendment must never meet ``DRAFT_MARK``: the published revision carries
``PUBLISHED_MARK`` in the same places instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone

from hansei.action_items.services import ActionItemInput, add_action_item
from hansei.collab.comments.services import start_comment_thread
from hansei.conftest import FULL_CHECKLIST
from hansei.postmortems.analysis import services as analysis
from hansei.postmortems.document.models import Postmortem, Section
from hansei.postmortems.document.services import (
    publish_postmortem,
    start_amendment,
    update_postmortem,
    update_section,
)
from hansei.postmortems.timeline.services import add_timeline_entry
from hansei.reviews.models import Review
from hansei.reviews.services import (
    approve_review,
    record_meeting_note,
    request_changes,
    submit_for_review,
)

DRAFT_MARK = "zqxdraftmark"
PUBLISHED_MARK = "zqxpublishedmark"


@dataclass
class Amended:
    postmortem: Postmortem
    published_item_id: int
    draft_item_id: int
    draft_review_id: int
    published_review_id: int


def _write(postmortem: Postmortem, actor: Any, mark: str, owner: Any) -> int:
    """Put ``mark`` into every part a draft can change; returns the new action item's id."""
    section = Section.objects.filter(postmortem=postmortem, kind="markdown").first()
    assert section is not None
    update_section(actor=actor, section=section, body=f"What happened: {mark} in the text.")
    add_timeline_entry(
        actor=actor,
        postmortem=postmortem,
        occurred_at=timezone.now() - timedelta(hours=2),
        text=f"Timeline: {mark}",
    )
    analysis.update_impact(
        actor=actor, postmortem=postmortem, data=analysis.ImpactInput(notes=f"Impact {mark}")
    )
    analysis.add_contributing_factor(
        actor=actor, postmortem=postmortem, category=None, description=f"Factor {mark}"
    )
    analysis.start_why_chain(
        actor=actor, postmortem=postmortem, problem=f"Chain {mark}", whys=[f"Why {mark}"]
    )
    record_meeting_note(
        actor=actor, postmortem=postmortem, held_on=timezone.localdate(), notes=f"Notes {mark}"
    )
    item = add_action_item(
        actor=actor,
        postmortem=postmortem,
        data=ActionItemInput(title=f"Action {mark}", owner=owner),
    )
    return item.pk


def amended_postmortem(postmortem: Postmortem, author: Any, reviewer: Any) -> Amended:
    """Publish ``postmortem`` (a draft of ``author``'s team) with the published mark, then
    start an amendment that writes the draft mark everywhere, through one review round that
    asked for changes with a comment quoting it, and a comment thread on its text."""
    update_postmortem(actor=author, postmortem=postmortem, title=f"Title {PUBLISHED_MARK}")
    published_item = _write(postmortem, author, PUBLISHED_MARK, owner=author)
    [first] = submit_for_review(actor=author, postmortem=postmortem, reviewers=[reviewer])
    approve_review(actor=reviewer, review=first, checklist=FULL_CHECKLIST, comment="Fine.")
    publish_postmortem(actor=author, postmortem=postmortem)

    start_amendment(actor=author, postmortem=postmortem)
    postmortem.refresh_from_db()
    update_postmortem(actor=author, postmortem=postmortem, title=f"Title {DRAFT_MARK}")
    draft_item = _write(postmortem, author, DRAFT_MARK, owner=author)
    [second] = submit_for_review(actor=author, postmortem=postmortem, reviewers=[reviewer])
    request_changes(actor=reviewer, review=second, comment=f"Review {DRAFT_MARK}")
    postmortem.refresh_from_db()
    section = Section.objects.filter(postmortem=postmortem, kind="markdown").first()
    assert section is not None
    start_comment_thread(
        actor=author,
        postmortem=postmortem,
        body=f"Comment {DRAFT_MARK}",
        section_key=section.key,
        quote=DRAFT_MARK,
    )
    return Amended(
        postmortem=postmortem,
        published_item_id=published_item,
        draft_item_id=draft_item,
        draft_review_id=second.pk,
        published_review_id=Review.objects.get(pk=first.pk).pk,
    )
