from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hansei import access
from hansei.action_items import services
from hansei.action_items.forms import ActionItemForm
from hansei.action_items.fragments import panel_context
from hansei.action_items.models import ActionItem, ActionStatus
from hansei.action_items.queries import on_time_by_team
from hansei.core import htmx
from hansei.core.forms import apply_service_error
from hansei.core.http import AuthedRequest
from hansei.postmortems.document.models import Postmortem


@login_required
def action_item_list(request: AuthedRequest) -> HttpResponse:
    items = access.action_items_visible_to(request.user).select_related("postmortem", "owner")
    show = request.GET.get("show", "mine")
    if show == "mine":
        items = items.filter(owner=request.user).unfinished()
    elif show == "overdue":
        items = items.overdue()
    elif show == "open":
        items = items.unfinished()
    elif show == "closed":
        items = items.filter(status__in=[ActionStatus.DONE, ActionStatus.WONT_DO])
    page = Paginator(items.order_by("priority", "due_date", "id"), 30).get_page(
        request.GET.get("page")
    )
    # The owner of an item may not read its postmortem: link only those they may (one query).
    shown = {item.postmortem_id for item in page}
    readable = set(
        access.postmortems_visible_to(request.user)
        .filter(pk__in=shown)
        .values_list("pk", flat=True)
    )
    today = timezone.localdate()
    rates = on_time_by_team(access.action_items_visible_to(request.user), today)
    context = {
        "page": page,
        "show": show,
        "today": today,
        "readable": readable,
        "rates": rates,
        "sets_up_trackers": access.teams_with_tracker_settings(request.user).exists(),
    }
    return render(request, "action_items/list.html", context)


PANEL = "action_items/_panel.html"


def _back(request: AuthedRequest, postmortem: Postmortem) -> str:
    """Back to the postmortem's action items; for an item's owner who may not read the
    postmortem (outside its team), back to their action items."""
    if not access.can_view_postmortem(request.user, postmortem):
        return reverse("action_items:list")
    return reverse("postmortems:detail", args=[postmortem.pk]) + "#action-items"


@login_required
@require_POST
def add(request: AuthedRequest, pk: int) -> HttpResponse:
    postmortem = access.get_postmortem_for_user(request.user, pk)
    form = ActionItemForm(request.POST)
    outcome = htmx.attempt(
        lambda: services.add_action_item(
            actor=request.user, postmortem=postmortem, data=form.to_input()
        ),
        form=form,
    )
    return htmx.answer(
        request,
        outcome,
        fragment=PANEL,
        context=lambda: {
            "panel": panel_context(
                request.user, postmortem, action_form=None if outcome.ok else form
            )
        },
        back=_back(request, postmortem),
    )


def _get_item(request: AuthedRequest, item_id: int) -> ActionItem:
    return access.get_action_item_for_user(request.user, item_id)


@login_required
def edit(request: AuthedRequest, item_id: int) -> HttpResponse:
    item = _get_item(request, item_id)
    access.require(access.can_update_action_item(request.user, item))
    initial = {
        "title": item.title,
        "kind": item.kind,
        "owner": item.owner,
        "priority": item.priority,
        "due_date": item.due_date,
        "status": item.status,
        "wont_do_reason": item.wont_do_reason,
        "tracking_url": item.tracking_url,
    }
    form = ActionItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_action_item(actor=request.user, item=item, data=form.to_input())
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Action item saved."))
            next_url = request.POST.get("next", "")
            if next_url == "list":
                return redirect("action_items:list")
            return redirect(_back(request, item.postmortem))
    return render(
        request,
        "action_items/edit.html",
        {
            "form": form,
            "item": item,
            "next": request.GET.get("next", ""),
            "postmortem_readable": access.can_view_postmortem(request.user, item.postmortem),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def delete(request: AuthedRequest, item_id: int) -> HttpResponse:
    item = _get_item(request, item_id)
    postmortem = item.postmortem
    outcome = htmx.attempt(lambda: services.delete_action_item(actor=request.user, item=item))
    return htmx.answer(
        request,
        outcome,
        fragment=PANEL,
        context=lambda: {"panel": panel_context(request.user, postmortem)},
        back=_back(request, postmortem),
    )
