"""Published postmortems with known text, for search tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from hansei.conftest import FULL_CHECKLIST, fill_required_sections


@pytest.fixture
def publish(make_incident: Any, alice: Any, rita: Any) -> Callable[..., Any]:
    """Write, review and publish a postmortem: ``publish(title, summary=..., restricted=...)``."""
    from hansei.action_items.services import ActionItemInput, add_action_item
    from hansei.postmortems.document.services import (
        publish_postmortem,
        update_postmortem,
        update_section,
    )
    from hansei.postmortems.timeline.services import add_timeline_entry
    from hansei.reviews.services import approve_review, submit_for_review

    def make(
        title: str,
        summary: str = "",
        *,
        actor: Any = None,
        restricted: bool = False,
        language: str = "en",
        timeline: tuple[str, ...] = (),
        actions: tuple[str, ...] = (),
        **incident: Any,
    ) -> Any:
        actor = actor or alice
        from hansei.postmortems.document.queries import default_template
        from hansei.postmortems.document.services import create_postmortem

        created = make_incident(actor=actor, title=title, **incident)
        postmortem = create_postmortem(
            actor=actor, incident=created, title=title, template=default_template(language)
        )
        if restricted:
            update_postmortem(actor=actor, postmortem=postmortem, restricted=True)
        first = postmortem.sections.filter(kind="markdown").order_by("position").first()
        # Before the first edit, which seeds the live text from the sections' rows.
        fill_required_sections(postmortem, "n/a")  # a word no search test looks for
        update_section(actor=actor, section=first, body=summary or "n/a")
        for text in timeline:
            add_timeline_entry(
                actor=actor, postmortem=postmortem, occurred_at=timezone.now(), text=text
            )
        for action in actions:
            add_action_item(actor=actor, postmortem=postmortem, data=ActionItemInput(title=action))
        [review] = submit_for_review(actor=actor, postmortem=postmortem, reviewers=[rita])
        approve_review(actor=rita, review=review, checklist=FULL_CHECKLIST, comment="Fine.")
        publish_postmortem(actor=actor, postmortem=postmortem)
        postmortem.refresh_from_db()
        return postmortem

    return make
