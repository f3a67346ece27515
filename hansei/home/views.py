"""The home page: what needs the signed-in person now (postmortems they own, reviews waiting
for them, their open action items, incidents that need a postmortem, process surveys asked of
them), and today in postmortem history. It reads every app, so
it sits above them all."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from hansei import access
from hansei.core.http import AuthedRequest
from hansei.culture.feedback.queries import pending_surveys
from hansei.notifications.digests import anniversaries_for, what_needs
from hansei.postmortems.document.models import Status
from hansei.reviews.models import Decision, Review


@login_required
def my_work(request: AuthedRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    found = what_needs(user, today=today)
    # Drafts a reviewer sent back come first, saying who asked for what: they wait on you.
    returned: dict[int, Review] = {}
    for review in (
        Review.objects.filter(
            postmortem__in=[p.pk for p in found.owned if p.status == Status.DRAFT],
            decision=Decision.CHANGES_REQUESTED,
            round=F("postmortem__review_round"),
        )
        .select_related("reviewer")
        .order_by("decided_at")
    ):
        returned.setdefault(review.postmortem_id, review)
    for postmortem in found.owned:
        postmortem.sent_back = returned.get(postmortem.pk)  # type: ignore[attr-defined]
    found.owned.sort(key=lambda p: p.pk not in returned)  # stable: soonest due first within
    return render(
        request,
        "home/my_work.html",
        {
            "owned": found.owned,
            "reviews": found.reviews,
            "items": found.items,
            "needing": found.needing,
            "history": anniversaries_for(user, [today]),
            "surveys": list(pending_surveys(user)),
            "today": today,
            "can_record": access.can_record_incidents(user),
            "overdue_count": sum(1 for p in found.owned if p.is_overdue(today))
            + sum(1 for i in found.items if i.is_overdue(today)),
        },
    )
