"""The home page: what needs the signed-in person now (postmortems they own, reviews waiting
for them, their open action items, incidents that need a postmortem). It reads every app, so
it sits above them all."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from hansei import access
from hansei.core.http import AuthedRequest
from hansei.notifications.digests import what_needs


@login_required
def my_work(request: AuthedRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    found = what_needs(user, today=today)
    return render(
        request,
        "home/my_work.html",
        {
            "owned": found.owned,
            "reviews": found.reviews,
            "items": found.items,
            "needing": found.needing,
            "today": today,
            "can_record": access.can_record_incidents(user),
            "overdue_count": sum(1 for p in found.owned if p.is_overdue(today))
            + sum(1 for i in found.items if i.is_overdue(today)),
        },
    )
