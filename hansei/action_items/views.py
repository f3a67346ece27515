from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from hansei import access
from hansei.accounts.models import Team
from hansei.action_items import services
from hansei.action_items.export import csv_lines
from hansei.action_items.forms import (
    ActionItemForm,
    BulkUpdateForm,
    CarryOverForm,
    ItemFilterForm,
)
from hansei.action_items.fragments import panel_context
from hansei.action_items.models import ActionItem, ActionItemQuerySet
from hansei.action_items.queries import fixes_by_team_and_kind, on_time_by_team, tracker_states
from hansei.core import htmx
from hansei.core.forms import apply_service_error, form_error_text, row_id
from hansei.core.http import AuthedRequest
from hansei.postmortems.document.models import Postmortem

# The tabs above the filters: each a preset of them.
PRESETS = {
    "mine": {"owner": "me", "status": "unfinished"},
    "open": {"status": "unfinished"},
    "overdue": {"overdue": "yes"},
    "closed": {"status": "closed"},
}


def _filtered(request: AuthedRequest) -> tuple[ItemFilterForm, ActionItemQuerySet, str]:
    """The filter form as asked (a tab's preset when none is given), the items it selects
    among those the person may see, and the tab it matches."""
    visible = access.action_items_visible_to(request.user)
    asked = {
        name: str(request.GET[name]) for name in ItemFilterForm.base_fields if request.GET.get(name)
    }
    show = request.GET.get("show", "")
    if not asked:
        show = show if show in PRESETS else "mine"
        asked = dict(PRESETS[show])
    else:
        show = next((name for name, preset in PRESETS.items() if preset == asked), "")
    teams = list(Team.objects.filter(pk__in=visible.values("postmortem__team")).order_by("name"))
    form = ItemFilterForm(asked, actor=request.user, teams=teams, states=tracker_states(visible))
    if not form.is_valid():
        return form, visible.none(), show
    items = form.to_filter().apply(visible, timezone.localdate())
    return form, items, show


@login_required
def action_item_list(request: AuthedRequest) -> HttpResponse:
    form, items, show = _filtered(request)
    items = items.select_related("postmortem", "postmortem__team", "owner", "tracker_link")
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
    fixes = fixes_by_team_and_kind(access.action_items_visible_to(request.user))
    updatable = {item.pk for item in page if access.can_update_action_item(request.user, item)}
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "show": show,
        "filters": form,
        "query": query.urlencode(),
        "today": today,
        "readable": readable,
        "updatable": updatable,
        "bulk": BulkUpdateForm(choices=[]),
        "rates": rates,
        "fixes": fixes,
        "sets_up_trackers": access.teams_with_tracker_settings(request.user).exists(),
    }
    return render(request, "action_items/list.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def bulk_update(request: AuthedRequest) -> HttpResponse:
    """Change the chosen items at once; back to the list as it was filtered."""
    visible = access.action_items_visible_to(request.user)
    wanted = {row_id(pk) for pk in request.POST.getlist("items")} - {None}
    found = {item.pk: item for item in visible.filter(pk__in=wanted).select_related("postmortem")}
    if wanted - set(found):
        raise Http404  # an item the person may not see: as if it did not exist
    form = BulkUpdateForm(request.POST, choices=list(found))
    back = reverse("action_items:list") + "?" + request.POST.get("query", "")[:2000]
    if not form.is_valid():
        messages.error(request, form_error_text(form))
        return redirect(back)
    chosen = [found[pk] for pk in form.cleaned_data["items"]]
    try:
        done = services.bulk_update_action_items(
            actor=request.user, items=chosen, change=form.to_change()
        )
    except ValidationError as error:
        messages.error(
            request, _("Nothing was changed: %(why)s") % {"why": " ".join(error.messages)}
        )
    else:
        messages.success(
            request,
            ngettext("%(n)s action item updated.", "%(n)s action items updated.", len(done))
            % {"n": len(done)},
        )
    return redirect(back)


@login_required
def export_csv(request: AuthedRequest) -> HttpResponseBase:
    """The filtered items as CSV, every page of them (a spreadsheet's cells never run
    formulas: values starting with = + - @ are quoted)."""
    form, items, _show = _filtered(request)
    if form.errors:
        return HttpResponse(form_error_text(form), status=400, content_type="text/plain")
    rows = items.select_related("postmortem", "postmortem__team", "owner", "tracker_link")
    response = StreamingHttpResponse(
        csv_lines(rows.order_by("priority", "due_date", "id").iterator(500), request.user),
        content_type="text/csv; charset=utf-8",
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="action-items-{stamp}.csv"'
    return response


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
    form = ActionItemForm(request.POST, team=postmortem.team)
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
        "factors": list(item.addresses_factors.all()),
        "services": list(item.addresses_services.all()),
        "verification": item.verification,
    }
    form = ActionItemForm(request.POST or None, initial=initial, item=item)
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
            # Where this fix did not hold: the later postmortems the person may read.
            "recurrences": item.recurrences.filter(
                postmortem__in=access.postmortems_visible_to(request.user)
            ).select_related("postmortem", "factor", "service"),
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


@login_required
@require_POST
def carry_over(request: AuthedRequest, pk: int) -> HttpResponse:
    """Carry an open item of an earlier postmortem into this draft (linked, not copied)."""
    postmortem = access.get_postmortem_for_user(request.user, pk)
    access.require(access.can_edit_postmortem(request.user, postmortem))
    form = CarryOverForm(request.POST, user=request.user, postmortem=postmortem)
    outcome = htmx.attempt(
        lambda: services.carry_over_item(
            actor=request.user, item=form.cleaned_data["item"], into=postmortem
        ),
        form=form,
    )
    return htmx.answer(
        request,
        outcome,
        fragment=PANEL,
        context=lambda: {"panel": panel_context(request.user, postmortem)},
        back=_back(request, postmortem),
    )


@login_required
@require_POST
def drop_carried(request: AuthedRequest, pk: int, item_id: int) -> HttpResponse:
    postmortem = access.get_postmortem_for_user(request.user, pk)
    access.require(access.can_edit_postmortem(request.user, postmortem))
    item = _get_item(request, item_id)
    outcome = htmx.attempt(
        lambda: services.drop_carried_item(actor=request.user, item=item, postmortem=postmortem)
    )
    return htmx.answer(
        request,
        outcome,
        fragment=PANEL,
        context=lambda: {"panel": panel_context(request.user, postmortem)},
        back=_back(request, postmortem),
    )
