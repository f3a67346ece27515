"""People: the list with its filters, invitations by e-mail, and one person's page (name,
e-mail, role, teams, active, a password reset link). Admins only; every change goes through
the accounts services, which audit it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hansei import access
from hansei.accounts import invitations
from hansei.accounts.models import Invitation, Role, Team, User
from hansei.accounts.services import set_user_teams, update_user
from hansei.core.forms import RowsChoiceField, apply_service_error
from hansei.core.http import AuthedRequest


class InviteForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-mail address"), max_length=254)
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Role.choices, initial=Role.MEMBER)
    teams = RowsChoiceField(
        label=gettext_lazy("Teams"),
        queryset=Team.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class PersonForm(forms.Form):
    display_name = forms.CharField(
        label=gettext_lazy("Display name"), max_length=150, required=False
    )
    email = forms.EmailField(label=gettext_lazy("E-mail address"), max_length=254)
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Role.choices)
    is_active = forms.BooleanField(
        label=gettext_lazy("Active (may sign in)"),
        required=False,
        help_text=gettext_lazy(
            "Deactivate someone who left: they can no longer sign in; what they wrote stays."
        ),
    )
    teams = RowsChoiceField(
        label=gettext_lazy("Teams"),
        queryset=Team.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


def _filtered(request: AuthedRequest) -> tuple[QuerySet[User], dict[str, str]]:
    filters = {
        "q": request.GET.get("q", "").strip()[:100],
        "role": request.GET.get("role", ""),
        "team": request.GET.get("team", ""),
        "show": request.GET.get("show", ""),
    }
    people = User.objects.prefetch_related("teams").order_by("username")
    if filters["q"]:
        q = filters["q"]
        people = people.filter(
            Q(username__icontains=q) | Q(display_name__icontains=q) | Q(email__icontains=q)
        )
    if filters["role"] in Role.values:
        people = people.filter(role=filters["role"])
    if filters["team"]:
        people = people.filter(memberships__team__slug=filters["team"])
    if filters["show"] != "all":
        people = people.filter(is_active=True)
    return people, filters


@login_required
def people(request: AuthedRequest) -> HttpResponse:
    access.require(access.can_administer(request.user))
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = invitations.invite_person(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("administration:people")
    found, filters = _filtered(request)
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    pending = Invitation.objects.pending(timezone.now()).select_related("invited_by")
    context: dict[str, Any] = {
        "page": page,
        "filters": filters,
        "roles": Role.choices,
        "teams": Team.objects.all(),
        "invite_form": form,
        "pending": pending,
    }
    return render(
        request, "administration/people.html", context, status=400 if form.errors else 200
    )


@login_required
def person(request: AuthedRequest, pk: int) -> HttpResponse:
    access.require(access.can_administer(request.user))
    user = get_object_or_404(User, pk=pk)
    initial = {
        "display_name": user.display_name,
        "email": user.email,
        "role": user.role,
        "is_active": user.is_active,
        "teams": list(user.teams.all()),
    }
    form = PersonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            changes = {k: data[k] for k in ("display_name", "email", "role", "is_active")}
            update_user(actor=request.user, user=user, changes=changes)
            set_user_teams(
                actor=request.user, user=user, teams=data["teams"], managed=Team.objects.all()
            )
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Saved %(name)s.") % {"name": user.name})
            return redirect("administration:person", pk=user.pk)
    context = {
        "person": user,
        "form": form,
        "identities": user.sso_identities.all(),
        "can_reset": invitations.can_reset_password(user),
    }
    return render(
        request, "administration/person.html", context, status=400 if form.errors else 200
    )


@login_required
@require_POST
def person_reset(request: AuthedRequest, pk: int) -> HttpResponse:
    access.require(access.can_administer(request.user))
    user = get_object_or_404(User, pk=pk)
    try:
        invitations.send_password_reset(actor=request.user, user=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("A link to choose a new password is on its way to %(email)s.")
            % {"email": user.email},
        )
    return redirect("administration:person", pk=user.pk)


@login_required
@require_POST
def invitation_action(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    access.require(access.can_administer(request.user))
    invitation = get_object_or_404(Invitation, pk=pk)
    try:
        if action == "resend":
            invitations.resend_invitation(actor=request.user, invitation=invitation)
            messages.success(
                request, _("Invitation sent again to %(email)s.") % {"email": invitation.email}
            )
        elif action == "revoke":
            invitations.revoke_invitation(actor=request.user, invitation=invitation)
            messages.success(
                request, _("Invitation to %(email)s revoked.") % {"email": invitation.email}
            )
        else:
            return HttpResponse(_("Unknown action."), status=404)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("administration:people")
