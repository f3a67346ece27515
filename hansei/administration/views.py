"""The admin pages' entry: what an admin looks after, and where."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from hansei import access
from hansei.accounts.models import Team, User
from hansei.core.http import AuthedRequest
from hansei.integrations.models import Integration


@login_required
def index(request: AuthedRequest) -> HttpResponse:
    access.require(access.can_administer(request.user))
    return render(
        request,
        "administration/index.html",
        {
            "people": User.objects.filter(is_active=True).count(),
            "teams": Team.objects.count(),
            "integrations": Integration.objects.filter(is_active=True).count(),
        },
    )
