"""Pages about getting in: accepting an invitation, changing one's password, and the
"forgot your password?" link and the page it leads to."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from hansei.accounts import invitations
from hansei.accounts.models import User
from hansei.core import audit
from hansei.core.forms import apply_service_error
from hansei.core.http import AuthedRequest

PASSWORD_BACKEND = "hansei.accounts.backends.PasswordBackend"


class AcceptInvitationForm(forms.Form):
    username = forms.CharField(
        label=gettext_lazy("User name"),
        max_length=150,
        help_text=gettext_lazy("Letters, digits and @ . + - _ only; you sign in with it."),
    )
    display_name = forms.CharField(
        label=gettext_lazy("Your name as others see it"), max_length=150, required=False
    )
    password = forms.CharField(
        label=gettext_lazy("Password"), strip=False, widget=forms.PasswordInput, max_length=200
    )
    password_again = forms.CharField(
        label=gettext_lazy("Password, again"),
        strip=False,
        widget=forms.PasswordInput,
        max_length=200,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not settings.PASSWORD_LOGIN:  # single sign-on only: no password to choose
            del self.fields["password"], self.fields["password_again"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data


@sensitive_post_parameters("password", "password_again")
@never_cache
def accept_invitation(request: HttpRequest, pk: int, secret: str) -> HttpResponse:
    invitation = invitations.find_invitation(pk, secret)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = invitations.accept_invitation(
                invitation=invitation,
                username=data["username"],
                display_name=data["display_name"],
                password=data.get("password"),
            )
        except ValidationError as error:
            _password_errors_on_field(form, error)
        else:
            if not settings.PASSWORD_LOGIN:
                messages.success(request, _("Your account is ready: sign in with single sign-on."))
                return redirect("accounts:login")
            login(request, user, backend=PASSWORD_BACKEND)
            messages.success(request, _("Welcome to Hansei."))
            return redirect("home:my_work")
    return render(
        request,
        "accounts/invitation.html",
        {"form": form, "invitation": invitation, "teams": invitation.teams.all()},
        status=400 if form.errors else 200,
    )


def _password_errors_on_field(form: forms.Form, error: ValidationError) -> None:
    # The password validators raise a plain list: it belongs to the password field.
    if hasattr(error, "error_dict"):
        apply_service_error(form, error)
    else:
        form.add_error("password", error.messages)


@login_required
@sensitive_post_parameters("old_password", "new_password1", "new_password2")
def change_password(request: AuthedRequest) -> HttpResponse:
    if not request.user.has_usable_password():
        messages.info(request, _("You sign in through single sign-on: there is no password."))
        return redirect("accounts:settings")
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        invitations.change_own_password(
            actor=request.user, password=form.cleaned_data["new_password1"]
        )
        update_session_auth_hash(request, request.user)  # this session stays signed in
        messages.success(request, _("Password changed."))
        return redirect("accounts:settings")
    return render(
        request, "accounts/password_change.html", {"form": form}, status=400 if form.errors else 200
    )


class ForgotPasswordForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Your e-mail address"), max_length=254)


@never_cache
def forgot_password(request: HttpRequest) -> HttpResponse:
    if not settings.PASSWORD_LOGIN:
        raise Http404(_("Password sign-in is turned off."))
    form = ForgotPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        invitations.request_password_reset(email=form.cleaned_data["email"])
        return render(request, "accounts/password_reset_sent.html")
    return render(
        request, "accounts/password_forgot.html", {"form": form}, status=400 if form.errors else 200
    )


class ResetPasswordView(auth_views.PasswordResetConfirmView):
    """Django's page behind the e-mailed link; the change is audited and signs the person in."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("home:my_work")
    post_reset_login = True
    post_reset_login_backend = PASSWORD_BACKEND

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user: User = form.user
        audit.record("user.password_changed", actor=user, target=user, detail="reset link")
        messages.success(self.request, _("Password changed."))
        return response
