"""Timeline entries: added and edited in place on the postmortem page (htmx), or plain forms."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hansei import access
from hansei.core.errors import InvalidState
from hansei.core.forms import apply_service_error, form_error_text, service_error_text
from hansei.core.http import AuthedRequest, is_htmx
from hansei.postmortems.document.models import Postmortem
from hansei.postmortems.timeline import services
from hansei.postmortems.timeline.context import timeline_context
from hansei.postmortems.timeline.forms import TimelineEntryForm
from hansei.postmortems.timeline.models import TimelineEntry, TimelineKind


def _back(pk: int) -> HttpResponse:
    return redirect(reverse("postmortems:detail", args=[pk]) + "#timeline")


@login_required
@require_POST
def timeline_add(request: AuthedRequest, pk: int) -> HttpResponse:
    postmortem = access.get_postmortem_for_user(request.user, pk)
    form = TimelineEntryForm(request.POST)
    if form.is_valid():
        try:
            services.add_timeline_entry(
                actor=request.user, postmortem=postmortem, **form.cleaned_data
            )
        except (ValidationError, InvalidState) as error:
            apply_service_error(form, error)
    ok = not form.errors
    if is_htmx(request):
        context = timeline_context(
            request,
            postmortem,
            timeline_form=None if ok else form,
            show_all=request.POST.get("show_all") == "1",
        )
        return render(
            request,
            "postmortems/timeline/_timeline.html",
            {"tl": context},
            status=200 if ok else 400,
        )
    if not ok:
        messages.error(request, form_error_text(form))
    return _back(pk)


@login_required
def timeline_edit(request: AuthedRequest, pk: int, entry_id: int) -> HttpResponse:
    postmortem = access.get_postmortem_for_user(request.user, pk)
    entry = get_object_or_404(postmortem.timeline, pk=entry_id)
    access.require(access.can_edit_postmortem(request.user, postmortem))
    toggle = request.POST.get("toggle_key") == "1" or request.POST.get("toggle_milestone") == "1"
    if request.method == "POST" and toggle:
        return _toggle(request, postmortem, entry)
    initial = {
        "occurred_at": entry.occurred_at,
        "text": entry.text,
        "kind": entry.kind,
        "is_key_event": entry.is_key_event,
        "link_url": entry.link_url,
    }
    form = TimelineEntryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_timeline_entry(actor=request.user, entry=entry, **form.cleaned_data)
        except (ValidationError, InvalidState) as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Timeline entry saved."))
            return _back(pk)
    return render(
        request,
        "postmortems/timeline/timeline_edit.html",
        {"form": form, "postmortem": postmortem, "entry": entry},
        status=400 if form.errors else 200,
    )


def _toggle(request: AuthedRequest, postmortem: Postmortem, entry: TimelineEntry) -> HttpResponse:
    """One click: star or unstar a key event, or tag or untag a milestone marker."""
    is_key_event, kind = entry.is_key_event, entry.kind
    if request.POST.get("toggle_key") == "1":
        is_key_event = not is_key_event
    else:
        milestone = kind == TimelineKind.MILESTONE
        kind = TimelineKind.EVENT if milestone else TimelineKind.MILESTONE
    try:
        services.update_timeline_entry(
            actor=request.user,
            entry=entry,
            occurred_at=entry.occurred_at,
            text=entry.text,
            kind=kind,
            is_key_event=is_key_event,
        )
    except (ValidationError, InvalidState) as error:
        messages.error(request, service_error_text(error))
    if is_htmx(request):
        context = timeline_context(request, postmortem, show_all=True)
        return render(request, "postmortems/timeline/_timeline.html", {"tl": context})
    return _back(postmortem.pk)


@login_required
@require_POST
def timeline_delete(request: AuthedRequest, pk: int, entry_id: int) -> HttpResponse:
    postmortem = access.get_postmortem_for_user(request.user, pk)
    entry = get_object_or_404(postmortem.timeline, pk=entry_id)
    try:
        services.delete_timeline_entry(actor=request.user, entry=entry)
    except InvalidState as error:
        messages.error(request, error.message)
    if is_htmx(request):
        return render(
            request,
            "postmortems/timeline/_timeline.html",
            {"tl": timeline_context(request, postmortem)},
        )
    return _back(pk)
