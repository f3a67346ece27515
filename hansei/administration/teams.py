"""Teams: the list, a new team, and one team's page (name, slug, members and leads, delete).
Admins only; changes go through the accounts services, which audit them."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, ProtectedError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hansei import access
from hansei.accounts.models import Team, User
from hansei.accounts.services import delete_team, save_team, set_team_members
from hansei.core.forms import apply_service_error, row_id
from hansei.core.http import AuthedRequest


class TeamForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    slug = forms.SlugField(
        label=gettext_lazy("Short name"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("Used in addresses and the API; made from the name when empty."),
    )


@login_required
def teams(request: AuthedRequest) -> HttpResponse:
    access.require(access.can_administer(request.user))
    rows = Team.objects.annotate(
        member_count=Count("memberships", distinct=True),
        postmortem_count=Count("postmortems", distinct=True),
    ).prefetch_related("memberships__user")
    return render(request, "administration/teams.html", {"teams": rows})


@login_required
def team_new(request: AuthedRequest) -> HttpResponse:
    access.require(access.can_administer(request.user))
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        name = form.cleaned_data["name"]
        try:
            team = save_team(
                actor=request.user,
                team=None,
                name=name,
                slug=form.cleaned_data["slug"] or slugify(name)[:100],
            )
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(
                request, _("Team “%(name)s” created: now add its members.") % {"name": team.name}
            )
            return redirect("administration:team", pk=team.pk)
    return render(
        request,
        "administration/team_new.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def _members_from_post(request: AuthedRequest) -> dict[User, bool]:
    """People ticked as members (``member``), and of them those ticked as leads (``lead``)."""
    ids = {row_id(v) for v in request.POST.getlist("member")} - {None}
    leads = {row_id(v) for v in request.POST.getlist("lead")} - {None}
    return {user: user.pk in leads for user in User.objects.filter(pk__in=ids, is_active=True)}


@login_required
def team(request: AuthedRequest, pk: int) -> HttpResponse:
    access.require(access.can_administer(request.user))
    current = get_object_or_404(Team, pk=pk)
    form = TeamForm(request.POST or None, initial={"name": current.name, "slug": current.slug})
    if request.method == "POST" and form.is_valid():
        try:
            save_team(
                actor=request.user,
                team=current,
                name=form.cleaned_data["name"],
                slug=form.cleaned_data["slug"] or current.slug,
            )
            set_team_members(actor=request.user, team=current, members=_members_from_post(request))
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Saved the team."))
            return redirect("administration:team", pk=current.pk)
    memberships = {m.user_id: m.is_lead for m in current.memberships.all()}
    people = [
        {"user": user, "member": user.pk in memberships, "lead": memberships.get(user.pk, False)}
        for user in User.objects.filter(is_active=True).order_by("display_name", "username")
    ]
    context = {"team": current, "form": form, "people": people}
    return render(request, "administration/team.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def team_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    access.require(access.can_administer(request.user))
    current = get_object_or_404(Team, pk=pk)
    try:
        delete_team(actor=request.user, team=current)
    except ProtectedError:
        messages.error(
            request,
            _("“%(name)s” owns incidents or postmortems: they keep it. Rename it instead.")
            % {"name": current.name},
        )
        return redirect("administration:team", pk=pk)
    messages.success(request, _("Deleted the team “%(name)s”.") % {"name": current.name})
    return redirect("administration:teams")
