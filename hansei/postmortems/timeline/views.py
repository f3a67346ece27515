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
from hansei.core import htmx
from hansei.core.errors import InvalidState
from hansei.core.forms import apply_service_error
from hansei.core.http import AuthedRequest
from hansei.postmortems.document.models import Postmortem
from hansei.postmortems.page import page_showing
from hansei.postmortems.timeline import services
from hansei.postmortems.timeline.context import timeline_context
from hansei.postmortems.timeline.forms import TimelineEntryForm
from hansei.postmortems.timeline.models import TimelineEntry, TimelineKind

FRAGMENT = "postmortems/timeline/_timeline.html"


def _back_url(pk: int) -> str:
    return reverse("postmortems:detail", args=[pk]) + "#timeline"


@login_required
@require_POST
def timeline_add(request: AuthedRequest, pk: int) -> HttpResponse:
    postmortem = access.get_postmortem_for_user(request.user, pk)
    form = TimelineEntryForm(request.POST, incidents=list(postmortem.incidents.all()))
    outcome = htmx.attempt(
        lambda: services.add_timeline_entry(
            actor=request.user, postmortem=postmortem, **form.cleaned_data
        ),
        form=form,
    )
    return htmx.answer(
        request,
        outcome,
        fragment=FRAGMENT,
        context=lambda: {
            "timeline": timeline_context(
                request,
                postmortem,
                timeline_form=None if outcome.ok else form,
                show_all=request.POST.get("show_all") == "1",
            )
        },
        back=_back_url(pk),
        page=page_showing(request, postmortem),
    )


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
    form = TimelineEntryForm(
        request.POST or None, initial=initial, incidents=list(postmortem.incidents.all())
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_timeline_entry(actor=request.user, entry=entry, **form.cleaned_data)
        except (ValidationError, InvalidState) as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Timeline entry saved."))
            return redirect(_back_url(pk))
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
    outcome = htmx.attempt(
        lambda: services.update_timeline_entry(
            actor=request.user,
            entry=entry,
            occurred_at=entry.occurred_at,
            text=entry.text,
            kind=kind,
            is_key_event=is_key_event,
        )
    )
    return htmx.answer(
        request,
        outcome,
        fragment=FRAGMENT,
        context=lambda: {"timeline": timeline_context(request, postmortem, show_all=True)},
        back=_back_url(postmortem.pk),
    )


@login_required
@require_POST
def timeline_delete(request: AuthedRequest, pk: int, entry_id: int) -> HttpResponse:
    postmortem = access.get_postmortem_for_user(request.user, pk)
    entry = get_object_or_404(postmortem.timeline, pk=entry_id)
    outcome = htmx.attempt(lambda: services.delete_timeline_entry(actor=request.user, entry=entry))
    return htmx.answer(
        request,
        outcome,
        fragment=FRAGMENT,
        context=lambda: {"timeline": timeline_context(request, postmortem)},
        back=_back_url(pk),
    )
