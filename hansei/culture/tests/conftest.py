"""Published postmortems with chosen publication times, for the culture programs' tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from django.utils import timezone

from hansei.conftest import FULL_CHECKLIST


@pytest.fixture
def publish(make_postmortem: Any, alice: Any, rita: Any) -> Callable[..., Any]:
    """``publish(title, at=datetime, restricted=False)``: written by Alice, reviewed by Rita."""
    from hansei.postmortems.document.models import Postmortem
    from hansei.postmortems.document.services import publish_postmortem, update_postmortem
    from hansei.reviews.services import approve_review, submit_for_review

    def make(
        title: str = "Checkout outage", *, at: datetime | None = None, restricted: bool = False
    ) -> Any:
        postmortem = make_postmortem(title=title)
        if restricted:
            update_postmortem(actor=alice, postmortem=postmortem, restricted=True)
        [review] = submit_for_review(actor=alice, postmortem=postmortem, reviewers=[rita])
        approve_review(actor=rita, review=review, checklist=FULL_CHECKLIST, comment="Clear.")
        publish_postmortem(actor=alice, postmortem=postmortem)
        if at is not None:
            Postmortem.objects.filter(pk=postmortem.pk).update(published_at=at)
        postmortem.refresh_from_db()
        return postmortem

    return make


def moment(year: int, month: int, day: int, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour))
