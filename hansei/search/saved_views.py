"""Saving the archive's current search, turning its alerts on or off, and deleting it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hansei import access
from hansei.core.forms import service_error_text
from hansei.core.http import AuthedRequest
from hansei.search.forms import ArchiveForm
from hansei.search.models import SavedSearch
from hansei.search.saved import (
    delete_saved_search,
    save_search,
    saved_search_url,
    set_saved_search_alerts,
)


@login_required
@require_POST
def save(request: AuthedRequest) -> HttpResponse:
    """Save the search the archive shows (its words and filters, posted back as fields)."""
    form = ArchiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("This search cannot be saved: fix it first."))
        return redirect("search:archive")
    data = form.cleaned_data
    filters = {name: data[name] for name in ("team", "service", "severity", "factor", "year")}
    try:
        saved = save_search(
            actor=request.user,
            name=request.POST.get("name", "")[:1000],
            query=data["q"],
            filters=filters,
            notify=request.POST.get("notify") == "on",
        )
    except ValidationError as error:
        messages.error(request, service_error_text(error))
        return redirect("search:archive")
    messages.success(request, _("Saved as “%(name)s”.") % {"name": saved.name})
    return redirect(saved_search_url(saved))


def _mine(request: AuthedRequest, pk: int) -> SavedSearch:
    mine = SavedSearch.objects.filter(user_id=request.user.pk)
    saved: SavedSearch = access.get_or_404(mine, pk)
    return saved


@login_required
@require_POST
def alerts(request: AuthedRequest, pk: int) -> HttpResponse:
    saved = set_saved_search_alerts(
        actor=request.user, saved=_mine(request, pk), notify=request.POST.get("notify") == "on"
    )
    if saved.notify:
        messages.success(request, _("You will hear of new postmortems matching “%(name)s”.") % {
            "name": saved.name})  # fmt: skip
    else:
        messages.success(request, _("No more alerts for “%(name)s”.") % {"name": saved.name})
    return redirect("search:archive")


@login_required
@require_POST
def delete(request: AuthedRequest, pk: int) -> HttpResponse:
    saved = _mine(request, pk)
    delete_saved_search(actor=request.user, saved=saved)
    messages.success(request, _("Deleted the saved search “%(name)s”.") % {"name": saved.name})
    return redirect("search:archive")
