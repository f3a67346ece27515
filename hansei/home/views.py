"""The home page: what needs the signed-in person now (postmortems they own, reviews waiting
for them, their open action items, incidents that need a postmortem). It reads every app, so
it sits above them all."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from hansei import access
from hansei.action_items.models import ActionItem
from hansei.core.http import AuthedRequest
from hansei.incidents.models import PostmortemPolicy
from hansei.incidents.policy import postmortem_requirement
from hansei.postmortems.document.models import Postmortem, Status
from hansei.reviews.models import Decision, Review

# How far back "incidents that need a postmortem" looks.
NEEDS_POSTMORTEM_LIMIT = 200


@login_required
def my_work(request: AuthedRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    owned = list(
        Postmortem.objects.filter(owner=user).open().select_related("team").order_by("due_date")
    )
    reviews = list(
        Review.objects.filter(
            reviewer=user, decision=Decision.PENDING, postmortem__status=Status.IN_REVIEW
        )
        .current()
        .select_related("postmortem", "requested_by")
    )
    items = list(
        ActionItem.objects.filter(owner=user)
        .unfinished()
        .select_related("postmortem")
        .order_by("due_date", "priority")[:50]
    )
    # Visible incidents without a postmortem are exactly the user's teams' (all for admins):
    # the other visibility rules only reach incidents that have a postmortem.
    candidates = (
        access.incidents_visible_to(user)
        .without_postmortem()
        .select_related("severity", "team")[:NEEDS_POSTMORTEM_LIMIT]
    )
    policy = PostmortemPolicy.current()
    needing = []
    for incident in candidates:
        requirement = postmortem_requirement(incident, policy)
        if requirement.needed:
            needing.append((incident, requirement))
    return render(
        request,
        "home/my_work.html",
        {
            "owned": owned,
            "reviews": reviews,
            "items": items,
            "needing": needing,
            "today": today,
            "can_record": access.can_record_incidents(user),
            "overdue_count": sum(1 for p in owned if p.is_overdue(today))
            + sum(1 for i in items if i.is_overdue(today)),
        },
    )
