"""A person's page (/people/<user name>/): their teams, the postmortems they own that the
reader may read, the months they won, and the kudos they received."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from hansei import access
from hansei.accounts.models import User, normalize_username
from hansei.core.http import AuthedRequest
from hansei.culture.awards.models import AwardRound
from hansei.culture.kudos.queries import kudos_given_count, kudos_received


@login_required
def person(request: AuthedRequest, username: str) -> HttpResponse:
    found = User.objects.filter(username=normalize_username(username), is_active=True).first()
    if found is None:
        raise Http404
    owned = access.postmortems_visible_to(request.user).filter(owner=found).published()
    won = (
        AwardRound.objects.filter(winner__postmortem__in=owned.values("pk"))
        .select_related("winner__postmortem")
        .order_by("-month")
    )
    context = {
        "person": found,
        "teams": found.teams.order_by("name"),
        "postmortems": owned.select_related("team").order_by("-published_at")[:20],
        "published": owned.count(),
        "won": list(won),
        "kudos": kudos_received(request.user, found),
        "given": kudos_given_count(request.user, found),
    }
    return render(request, "culture/person.html", context)
