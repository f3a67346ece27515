"""The inbox, notification settings (what reaches you where, what you follow), following a
postmortem, and the signed one-click unsubscribe link of every e-mail."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hansei import access
from hansei.accounts.models import Team, User
from hansei.core.errors import InvalidState
from hansei.core.http import AuthedRequest
from hansei.notifications import services, unsubscribe
from hansei.notifications.forms import DigestForm, FollowForm, choices_from
from hansei.notifications.kinds import channels_offered
from hansei.notifications.models import FeedToken, Subscription
from hansei.notifications.queries import (
    by_postmortem,
    delivery_problems,
    digest_of,
    preference_grid,
    subscriptions_of,
)
from hansei.notifications.reminders import hours_of

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
@require_GET
def badge(request: AuthedRequest) -> HttpResponse:
    """The top bar's inbox link, for pages keeping it live (``notifications.live``)."""
    unread = access.notifications_visible_to(request.user).unread().count()
    response = render(request, "notifications/_badge.html", {"unread": unread})
    response["Cache-Control"] = "no-store"
    return response


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


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: AuthedRequest) -> HttpResponse:
    if request.method == "POST":
        digest = DigestForm(request.POST)
        if not digest.is_valid():
            return _settings(request, FollowForm(), digest, status=400)
        services.set_preferences(actor=request.user, choices=choices_from(request.POST))
        services.set_digest(actor=request.user, frequency=digest.cleaned_data["digest"])
        services.set_working_hours(
            actor=request.user,
            start_hour=digest.cleaned_data["start_hour"],
            end_hour=digest.cleaned_data["end_hour"],
        )
        messages.success(request, _("Notification settings saved."))
        return redirect("notifications:settings")
    return _settings(request, FollowForm())


def _settings(
    request: AuthedRequest,
    follow_form: FollowForm,
    digest_form: DigestForm | None = None,
    status: int = 200,
    feed_url: str = "",
) -> HttpResponse:
    context = {
        "feed": FeedToken.objects.filter(user=request.user).first(),
        "feed_url": feed_url,
        "grid": preference_grid(request.user),
        "channels": channels_offered(),
        "subscriptions": subscriptions_of(request.user),
        "follow_form": follow_form,
        "digest_form": digest_form or _digest_form(request.user),
        "delivery": delivery_problems() if access.can_administer(request.user) else None,
    }
    return render(request, "notifications/settings.html", context, status=status)


@login_required
@require_POST
def feed_reset(request: AuthedRequest) -> HttpResponse:
    """A new private feed address, shown once on the settings page (the old one stops)."""
    raw = services.reset_feed_token(actor=request.user)
    url = request.build_absolute_uri(reverse("notifications:feed", args=[raw]))
    return _settings(request, FollowForm(), feed_url=url)


@login_required
@require_POST
def feed_revoke(request: AuthedRequest) -> HttpResponse:
    services.revoke_feed_token(actor=request.user)
    messages.success(request, _("Your feed address no longer works."))
    return redirect(reverse("notifications:settings") + "#feed")


def _digest_form(user: User) -> DigestForm:
    start, end = hours_of(user)
    return DigestForm(initial={"digest": digest_of(user), "start_hour": start, "end_hour": end})


@login_required
@require_POST
def test_email(request: AuthedRequest) -> HttpResponse:
    """An admin checks the mail settings: a test e-mail to themselves, through the outbox."""
    access.require(access.can_administer(request.user))
    if not request.user.email:
        messages.error(request, _("Your account has no e-mail address to send the test to."))
    else:
        services.send_test_email(actor=request.user)
        messages.success(
            request,
            _(
                "A test e-mail to %(address)s is queued. If it does not arrive, the job queue "
                "(administration) says why."
            )
            % {"address": request.user.email},
        )
    return redirect("notifications:settings")


@login_required
@require_POST
def follow(request: AuthedRequest) -> HttpResponse:
    form = FollowForm(request.POST)
    if not form.is_valid():
        return _settings(request, form, status=400)
    target = form.cleaned_data["target"]
    services.follow(actor=request.user, target=target)
    messages.success(request, _("You follow %(name)s now.") % {"name": target})
    return redirect("notifications:settings")


@login_required
@require_POST
def follow_postmortem(request: AuthedRequest, pk: int) -> HttpResponse:
    postmortem = access.get_postmortem_for_user(request.user, pk)
    services.follow(actor=request.user, target=postmortem)
    messages.success(request, _("You follow this postmortem now."))
    return redirect("postmortems:detail", pk=postmortem.pk)


@login_required
@require_POST
def unfollow(request: AuthedRequest, pk: int) -> HttpResponse:
    subscription = get_object_or_404(Subscription.objects.of(request.user.pk), pk=pk)
    postmortem_id = subscription.postmortem_id
    services.unfollow(actor=request.user, subscription=subscription)
    messages.success(request, _("You no longer follow it."))
    if postmortem_id and request.POST.get("back") == "postmortem":
        return redirect("postmortems:detail", pk=postmortem_id)
    return redirect("notifications:settings")


@csrf_exempt  # the signed link is the authority; mail clients POST it without a session
@require_http_methods(["GET", "POST"])
def unsubscribe_page(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows what the link stops and asks to confirm (link scanners only GET); POST
    stops it, from the page's button or a mail client's one-click (RFC 8058)."""
    try:
        stop = unsubscribe.read(token)
    except unsubscribe.BadLink:
        return render(request, "notifications/unsubscribe.html", {"bad": True}, status=400)
    done = request.method == "POST"
    if done:
        services.unsubscribe_by_link(stop=stop)
    return render(request, "notifications/unsubscribe.html", {"stop": stop, "done": done})


@login_required
@require_POST
def ask_to_read(request: AuthedRequest, pk: int) -> HttpResponse:
    """From a published postmortem's document: a lead asks their team to read it."""
    postmortem = access.get_postmortem_for_user(request.user, pk)
    team = Team.objects.filter(slug=request.POST.get("team", "")).first()
    back = reverse("postmortems:detail", args=[pk]) + "#ask-to-read"
    if team is None:
        messages.error(request, _("Choose a team."))
        return redirect(back)
    try:
        told = services.ask_team_to_read(actor=request.user, postmortem=postmortem, team=team)
    except InvalidState as error:
        messages.error(request, error.message)
        return redirect(back)
    messages.success(
        request,
        ngettext(
            "Asked %(team)s to read it: %(n)s person who has not read it was told.",
            "Asked %(team)s to read it: %(n)s people who have not read it were told.",
            len(told),
        )
        % {"team": team.name, "n": len(told)},
    )
    return redirect(back)
