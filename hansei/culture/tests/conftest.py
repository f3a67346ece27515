"""Published postmortems with chosen publication times, for the culture programs' tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from django.utils import timezone

from hansei.collab.tests.conftest import servers as collab_servers
from hansei.conftest import FULL_CHECKLIST
from hansei.culture.tests.drill_story import story_postmortem


@pytest.fixture
def publish(make_postmortem: Any, make_incident: Any, alice: Any, rita: Any) -> Callable[..., Any]:
    """``publish(title, at=datetime, restricted=False)``: written by Alice (or ``writer``, for
    ``team``), reviewed by Rita; ``before(postmortem, writer)`` runs before the review."""
    from hansei.postmortems.document.models import Postmortem
    from hansei.postmortems.document.services import publish_postmortem, update_postmortem
    from hansei.reviews.services import approve_review, submit_for_review

    def make(
        title: str = "Checkout outage",
        *,
        at: datetime | None = None,
        restricted: bool = False,
        before: Callable[[Any, Any], None] | None = None,
        team: Any = None,
        writer: Any = None,
    ) -> Any:
        writer = writer or alice
        incident = make_incident(actor=writer, team=team) if team is not None else None
        postmortem = make_postmortem(actor=writer, incident=incident, title=title)
        if restricted:
            update_postmortem(actor=writer, postmortem=postmortem, restricted=True)
        if before is not None:
            before(postmortem, writer)
        [review] = submit_for_review(actor=writer, postmortem=postmortem, reviewers=[rita])
        approve_review(actor=rita, review=review, checklist=FULL_CHECKLIST, comment="Clear.")
        publish_postmortem(actor=writer, postmortem=postmortem)
        if at is not None:
            Postmortem.objects.filter(pk=postmortem.pk).update(published_at=at)
        postmortem.refresh_from_db()
        return postmortem

    return make


def moment(year: int, month: int, day: int, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour))


# Hansei server processes (ASGI, with WebSockets) for the drills' live boards.
servers = collab_servers


@pytest.fixture
def story(
    make_incident: Any, make_postmortem: Any, alice: Any, bob: Any, charlie: Any, rita: Any
) -> Any:
    """The checkout outage, published with the timeline a drill is written from."""
    return story_postmortem(make_incident, make_postmortem, alice, bob, charlie, rita)
