"""The leaders' view (/culture/leaders/, ``?month=YYYY-MM``): for admins and team leads, the
management involvement the postmortem guides ask for."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from hansei import access
from hansei.core.http import AuthedRequest
from hansei.culture.leaders import queries


@login_required
def leaders(request: AuthedRequest) -> HttpResponse:
    access.require(access.can_read_leaders_view(request.user))
    month = queries.month_from(request.GET.get("month"))
    context = {"view": queries.leaders_view(request.user, month)}
    return render(request, "culture/leaders.html", context)
