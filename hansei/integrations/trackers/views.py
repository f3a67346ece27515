"""The pages of trackers (a team's settings, the sync log) and the one webhook endpoint each
tracker's ``views.py`` makes its own."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from hansei import access
from hansei.accounts.models import Team
from hansei.action_items.models import ActionItem
from hansei.core.errors import InvalidState
from hansei.core.forms import apply_service_error
from hansei.core.http import AuthedRequest, absolute_url
from hansei.integrations.trackers import services, webhooks
from hansei.integrations.trackers.forms import LinkIssueForm, TrackerForm
from hansei.integrations.trackers.models import TrackerConfig, TrackerEvent, TrackerKind


def webhook_endpoint(kind: str) -> Callable[[HttpRequest, str], JsonResponse]:
    """The view taking ``kind``'s webhooks at /hooks/trackers/<kind>/<token>/."""

    @csrf_exempt
    def receive(request: HttpRequest, token: str) -> JsonResponse:
        if request.method != "POST":
            response = JsonResponse({"detail": _("Only POST is accepted here.")}, status=405)
            response["Allow"] = "POST"
            return response
        body = request.read(webhooks.MAX_BODY_BYTES + 1)
        answer = webhooks.receive(
            kind=kind,
            token=token,
            headers=request.headers,
            body=body,
            remote_addr=request.META.get("REMOTE_ADDR") or None,
        )
        return JsonResponse(
            {"detail": answer.detail, "outcome": answer.outcome}, status=answer.status
        )

    receive.__name__ = f"receive_{kind}"
    return receive


# --- pages ------------------------------------------------------------------------------------


@login_required
def tracker_list(request: AuthedRequest) -> HttpResponse:
    """The teams whose tracker the person sets up, each with its state."""
    teams = access.teams_with_tracker_settings(request.user).select_related("tracker")
    access.require(teams.exists(), _("Only team leads and admins set up trackers."))
    return render(request, "trackers/list.html", {"teams": teams})


@login_required
def tracker_edit(request: AuthedRequest, slug: str) -> HttpResponse:
    team = get_object_or_404(Team, slug=slug)
    access.require(access.can_configure_tracker(request.user, team))
    config = TrackerConfig.objects.filter(team=team).first()
    can_connect = access.can_connect_tracker(request.user)
    kind = request.GET.get("kind", TrackerKind.GITHUB)
    initial = TrackerForm.initial_for(config, kind if kind in TrackerKind.values else "github")
    form = TrackerForm(request.POST or None, initial=initial, can_connect=can_connect)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_tracker(actor=request.user, team=team, data=form.to_input())
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Tracker saved."))
            return redirect("trackers:edit", slug=team.slug)
    events = TrackerEvent.objects.none()
    if config is not None:
        events = access.tracker_events_visible_to(request.user).filter(config=config)
    page = Paginator(events.select_related("item"), 25).get_page(request.GET.get("page"))
    context = {
        "team": team,
        "config": config,
        "form": form,
        "can_connect": can_connect,
        "hook_url": hook_url(config) if config else "",
        "page": page,
        "kinds": TrackerKind.choices,
    }
    return render(request, "trackers/edit.html", context, status=400 if form.errors else 200)


def hook_url(config: TrackerConfig) -> str:
    return absolute_url(reverse(f"integrations:tracker_{config.kind}", args=[config.webhook_token]))


def _item_action(
    request: AuthedRequest, item_id: int, action: Callable[..., object]
) -> HttpResponse:
    item = access.get_action_item_for_user(request.user, item_id)
    try:
        action(item)
    except (ValidationError, InvalidState) as error:
        messages.error(request, " ".join(getattr(error, "messages", None) or [str(error)]))
    return redirect(reverse("action_items:edit", args=[item.pk]) + "#tracker")


@login_required
@require_POST
def create_issue(request: AuthedRequest, item_id: int) -> HttpResponse:
    def create(item: ActionItem) -> None:
        services.request_issue(actor=request.user, item=item)
        messages.success(request, _("The issue is being created in the tracker."))

    return _item_action(request, item_id, create)


@login_required
@require_POST
def link_issue(request: AuthedRequest, item_id: int) -> HttpResponse:
    form = LinkIssueForm(request.POST)

    def link(item: ActionItem) -> None:
        if not form.is_valid():
            raise ValidationError(list(form.errors["url"]))
        services.link_issue(actor=request.user, item=item, url=form.cleaned_data["url"])
        messages.success(request, _("Issue linked; its state is being read."))

    return _item_action(request, item_id, link)


@login_required
@require_POST
def unlink_issue(request: AuthedRequest, item_id: int) -> HttpResponse:
    def unlink(item: ActionItem) -> None:
        services.unlink_issue(actor=request.user, item=item)
        messages.success(request, _("The issue is no longer synced."))

    return _item_action(request, item_id, unlink)
