"""The inbox: what people were told about, still readable to them, grouped by postmortem."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from hansei import access
from hansei.core.http import AuthedRequest
from hansei.notifications import services
from hansei.notifications.queries import by_postmortem

PAGE_SIZE = 50


@login_required
@require_GET
def inbox(request: AuthedRequest) -> HttpResponse:
    notifications = access.notifications_visible_to(request.user).select_related(
        "actor", "postmortem"
    )
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "groups": by_postmortem(request.user, list(page)),
        "unread": notifications.unread().count(),
    }
    return render(request, "notifications/inbox.html", context)


@login_required
@require_POST
def mark_read(request: AuthedRequest, pk: int) -> HttpResponse:
    notification = access.get_notification_for_user(request.user, pk)
    services.mark_notification_read(actor=request.user, notification=notification)
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request: AuthedRequest) -> HttpResponse:
    services.mark_all_notifications_read(actor=request.user)
    return redirect("notifications:inbox")
